"""Every helper endpoint of the offline backend (``ASSIST_ROUTES``) is billed, logged, priced and faulted as the API.

The routes are looped over from the registry, so an endpoint added later is covered by the same tests; it needs
only its one small example request in ``EXAMPLES`` (a test checks that the table covers the registry).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from videostudio.catalogue.assist import ASSIST_KINDS
from videostudio.offline.assist.routes import ASSIST_ROUTES
from videostudio.offline.server import OfflineBackend

KEY = {"Authorization": "Bearer k"}
MUSIC = ASSIST_KINDS["music"].path
ERROR_BODY = {"message", "path", "requestId", "statusCode", "timestamp"}  # the API's error answer


def _a_music_generation(url: str) -> dict[str, Any]:
    """A poll's query: the id of a generation made for it."""
    body = {"model": "elevenlabs/eleven_music", "prompt": "a short jingle"}
    answer = requests.post(url + MUSIC, json=body, headers=KEY, timeout=30)
    answer.raise_for_status()
    return {"generation_id": answer.json()["id"]}


# One small valid request per route: a POST's JSON body, or a GET's query (a function of the backend's address when
# it needs something made first). Routes still to land are listed too, so they are covered the day they do.
Example = dict[str, Any] | Callable[[str], dict[str, Any]]
EXAMPLES: dict[tuple[str, str], Example] = {
    ("POST", MUSIC): {"model": "elevenlabs/eleven_music", "prompt": "calm piano", "music_length_ms": 10000},
    ("GET", MUSIC): _a_music_generation,
    ("POST", ASSIST_KINDS["speech"].path): {
        "model": "openai/gpt-4o-mini-tts",
        "text": "Hello there.",
        "voice": "alloy",
    },
    ("POST", ASSIST_KINDS["chat"].path): {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "A cat."}]},
    ("POST", ASSIST_KINDS["image"].path): {"model": "flux/schnell", "prompt": "a red kite over a beach"},
}
ROUTES = sorted(ASSIST_ROUTES)
POSTS = [route for route in ROUTES if route[0] == "POST"]
READS = [route for route in ROUTES if route[0] == "GET"]


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[OfflineBackend]:
    with OfflineBackend(tmp_path / "offline", speed=0) as started:
        yield started


def call(backend: OfflineBackend, route: tuple[str, str], headers: dict[str, str]) -> requests.Response:
    method, path = route
    example = EXAMPLES[route]
    if method == "POST":
        assert isinstance(example, dict)
        return requests.post(backend.url + path, json=example, headers=headers, timeout=60)
    query = example(backend.url) if callable(example) else example
    return requests.get(backend.url + path, params=query, headers=headers, timeout=60)


def rows(backend: OfflineBackend) -> list[dict[str, Any]]:
    return backend.logs.query({"period": ["24h"], "limit": ["100"]})["data"]


def test_the_examples_cover_every_registered_route_and_only_helper_endpoints() -> None:
    assert set(ASSIST_ROUTES) <= set(EXAMPLES), "add an example request for each new route"
    assert {path for _method, path in EXAMPLES} <= {kind.path for kind in ASSIST_KINDS.values()}
    assert POSTS, "the registry is empty: nothing would be covered"


@pytest.mark.parametrize("route", POSTS, ids=" ".join)
def test_a_billed_call_writes_one_log_row_with_its_request_id_and_its_cost_in_the_headers(
    backend: OfflineBackend, route: tuple[str, str]
) -> None:
    answer = call(backend, route, {**KEY, "X-Client-Request-Id": "cover-1"})
    assert answer.status_code == 200, answer.text
    [row] = rows(backend)
    assert (row["client_request_id"], row["status"]) == ("cover-1", "succeeded")
    assert row["inference_id"] == answer.headers["x-inference-id"]
    assert row["model"] == EXAMPLES[route]["model"]  # type: ignore[index]
    assert int(answer.headers["x-aimlapi-credits-used"]) == row["cost"]["credits"] > 0
    assert float(answer.headers["x-aimlapi-usd-spent"]) == pytest.approx(row["cost"]["usd"], abs=1e-6)


@pytest.mark.parametrize("route", READS, ids=" ".join)
def test_a_read_answers_with_its_cost_headers_and_writes_no_log_row(
    backend: OfflineBackend, route: tuple[str, str]
) -> None:
    query = EXAMPLES[route]
    made = query(backend.url) if callable(query) else query  # may write the row of what it reads
    before = rows(backend)
    answer = requests.get(backend.url + route[1], params=made, headers=KEY, timeout=60)
    assert answer.status_code == 200, answer.text
    assert "x-aimlapi-credits-used" in answer.headers and "x-aimlapi-usd-spent" in answer.headers
    assert rows(backend) == before


@pytest.mark.parametrize("route", POSTS, ids=" ".join)
def test_a_dropped_answer_leaves_a_log_row_and_no_answer(backend: OfflineBackend, route: tuple[str, str]) -> None:
    with pytest.raises(requests.ConnectionError):
        call(backend, route, {**KEY, "X-Client-Request-Id": "dropped-1", "X-Offline-Faults": "drop-answer"})
    [row] = rows(backend)
    assert (row["client_request_id"], row["status"]) == ("dropped-1", "succeeded") and row["inference_id"]


@pytest.mark.parametrize("status", [403, 500, 503])
@pytest.mark.parametrize("route", POSTS, ids=" ".join)
def test_a_submit_error_answers_its_status_with_the_apis_body_and_logs_a_failed_row_at_no_cost(
    backend: OfflineBackend, route: tuple[str, str], status: int
) -> None:
    faults = {"X-Client-Request-Id": "refused-1", "X-Offline-Faults": f"submit-error={status}"}
    answer = call(backend, route, {**KEY, **faults})
    assert answer.status_code == status
    body = answer.json()
    assert set(body) == ERROR_BODY and body["statusCode"] == status and body["path"] == route[1]
    [row] = rows(backend)
    assert (row["client_request_id"], row["status"], row["cost"]["credits"]) == ("refused-1", "failed", 0)
    assert "x-aimlapi-credits-used" not in answer.headers


@pytest.mark.parametrize("route", ROUTES, ids=" ".join)
def test_no_key_is_refused_with_401_and_nothing_is_logged(backend: OfflineBackend, route: tuple[str, str]) -> None:
    method, path = route
    example = EXAMPLES[route]
    sent = example(backend.url) if callable(example) else example  # what a read reads is made with a key
    before = rows(backend)
    if method == "GET":
        answer = requests.get(backend.url + path, params=sent, timeout=60)
    else:
        answer = requests.post(backend.url + path, json=sent, timeout=60)
    assert answer.status_code == 401 and set(answer.json()) == ERROR_BODY
    assert rows(backend) == before


@pytest.mark.parametrize("route", POSTS, ids=" ".join)
def test_a_delayed_answer_is_logged_before_it_arrives(backend: OfflineBackend, route: tuple[str, str]) -> None:
    headers = {**KEY, "X-Client-Request-Id": "late-1", "X-Offline-Faults": "delay-answer=2000"}
    with pytest.raises(requests.ReadTimeout):
        requests.post(backend.url + route[1], json=EXAMPLES[route], headers=headers, timeout=(5, 0.5))
    deadline = time.monotonic() + 10  # the row is written before the delay starts; the request may still be on its way
    while not rows(backend) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [row["client_request_id"] for row in rows(backend)] == ["late-1"]
