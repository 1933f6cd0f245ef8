"""The shared base of the helper endpoints: their models, the client, and the offline backend's hook."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import AuthenticationError, SubmitAnswerLost
from videostudio.catalogue.assist import ASSIST_KINDS, assist_model, assist_models, assist_pricing, forget_prices
from videostudio.catalogue.pricing import quote_counts
from videostudio.offline.assist import AssistAnswer, AssistCall
from videostudio.offline.assist.routes import ASSIST_ROUTES
from videostudio.offline.server import OfflineBackend

ECHO_PATH = "/v1/test-echo"


def _echo(call: AssistCall) -> AssistAnswer:
    """A route made for these tests: keeps the text it is sent as a file and links to it."""
    link = call.keep(str(call.payload.get("text", "")).encode(), "wav")
    return AssistAnswer(body={"audio": link}, model=str(call.payload["model"]), inference_id="echo-1", credits=4000)


@pytest.fixture
def backend(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[OfflineBackend]:
    monkeypatch.setitem(ASSIST_ROUTES, ("POST", ECHO_PATH), _echo)
    with OfflineBackend(tmp_path, speed=0) as started:
        yield started


def test_every_kind_has_models_read_from_their_documents_each_sent_to_its_kinds_path() -> None:
    for name, kind in ASSIST_KINDS.items():
        models = assist_models(name)
        assert models, name
        for model in models:
            assert model.kind == name and model.path == kind.path
            assert model.properties["model"]["enum"] == [model.id]
            assert "model" in model.required
    tts = assist_model("speech", "openai/gpt-4o-mini-tts")
    assert tts is not None and "alloy" in tts.properties["voice"]["enum"]
    assert assist_model("music", "elevenlabs/eleven_music").properties["music_length_ms"]["maximum"] == 300000


def test_a_post_is_answered_logged_with_its_request_id_and_priced_in_the_headers(backend: OfflineBackend) -> None:
    client = AssistClient(backend.url, "key")
    reply = client.post(ECHO_PATH, {"model": "m/echo", "text": "hello"}, client_request_id="req-1")
    assert reply.inference_id == "echo-1"
    assert reply.usd_spent == pytest.approx(0.002) and reply.credits_used == 4000
    assert client.download(reply.body["audio"]) == b"hello"
    rows = backend.logs.query({"period": ["24h"]})["data"]
    assert [(r["model"], r["client_request_id"], r["cost"]["credits"]) for r in rows] == [("m/echo", "req-1", 4000)]


def test_a_lost_answer_is_said_as_for_video_and_the_call_is_in_the_logs(backend: OfflineBackend) -> None:
    client = AssistClient(backend.url, "key")
    with pytest.raises(SubmitAnswerLost) as lost:
        _post_with_fault(client, "drop-answer")
    assert lost.value.client_request_id == "req-lost"
    assert [r["client_request_id"] for r in backend.logs.query({"period": ["24h"]})["data"]] == ["req-lost"]


def _post_with_fault(client: AssistClient, fault: str) -> None:
    client._session.headers["X-Offline-Faults"] = fault  # the offline backend's per-request fault switch
    client.post(ECHO_PATH, {"model": "m/echo", "text": "x"}, client_request_id="req-lost")


def test_no_key_no_call_and_a_refusal_is_logged_at_no_cost(backend: OfflineBackend) -> None:
    with pytest.raises(AuthenticationError):
        AssistClient(backend.url, None).post(ECHO_PATH, {"model": "m/echo"})
    answer = requests.post(
        backend.url + ECHO_PATH,
        json={"model": "m/echo"},
        headers={"Authorization": "Bearer k", "X-Offline-Faults": "submit-error=503"},
        timeout=5,
    )
    assert answer.status_code == 503 and answer.json()["statusCode"] == 503
    assert [r["status"] for r in backend.logs.query({"period": ["24h"]})["data"]] == ["failed"]


def test_helper_prices_are_read_from_the_live_list_and_quoted_in_their_units(backend: OfflineBackend) -> None:
    forget_prices()
    prices = assist_pricing(backend.url, ["openai/gpt-4o-mini-tts", "elevenlabs/eleven_music", "no/such"])
    assert set(prices) == {"openai/gpt-4o-mini-tts", "elevenlabs/eleven_music"}
    speech = quote_counts(prices["openai/gpt-4o-mini-tts"], {"character": 1000})
    music = quote_counts(prices["elevenlabs/eleven_music"], {"second": 30})
    assert speech is not None and speech.usd > 0 and "characters × 1,000" in speech.detail
    assert music is not None and music.usd > 0 and "per second × 30" in music.detail
    assert quote_counts(prices["elevenlabs/eleven_music"], {"character": 10}) is None  # nothing to count it by
    assert assist_pricing("http://127.0.0.1:9", ["openai/tts-1"]) == {}  # nobody there: no made-up price


def test_a_backend_that_does_not_answer_is_not_asked_again_on_every_page_run() -> None:
    forget_prices()
    asked: list[str] = []

    class CountingSession(requests.Session):
        def get(self, url, **kwargs):  # type: ignore[no-untyped-def, override]
            asked.append(url)
            return super().get(url, **kwargs)

    for _ in range(3):
        assert assist_pricing("http://127.0.0.1:9", ["openai/tts-1"], session=CountingSession()) == {}
    assert len(asked) == 1
