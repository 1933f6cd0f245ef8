"""The account balance: the client's GET /v2/billing, and the offline backend's simulated balance."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.loopback import ScriptedServer
from tests.test_client import KEY, FakeSleep, assert_no_key, make_client
from videostudio.api.client import Balance, VideoClient
from videostudio.api.contract import BILLING_PATH
from videostudio.api.errors import AuthenticationError, ResponseFormatError, ServerError
from videostudio.offline.faults import FAULTS_HEADER
from videostudio.offline.server import STARTING_BALANCE_USD, OfflineBackend

PROMPT_ONLY = {"model": "video-01", "prompt": "A paper boat on a puddle"}


def test_balance_reads_the_billing_answer_with_the_key() -> None:
    with ScriptedServer() as server, make_client(server.url) as client:
        server.add("GET", BILLING_PATH, 200, {"current_balance": 12.5, "currency": "USD"})
        assert client.balance() == Balance(usd=12.5, currency="USD")
        [request] = server.requests
        assert request.method == "GET" and request.header("Authorization") == f"Bearer {KEY}"


def test_balance_is_retried_like_a_poll(caplog: pytest.LogCaptureFixture) -> None:
    sleep = FakeSleep()
    caplog.set_level(logging.DEBUG)
    with ScriptedServer() as server, make_client(server.url, sleep, poll_attempts=3) as client:
        server.add("GET", BILLING_PATH, 503, {"message": "Service unavailable"})
        server.add("GET", BILLING_PATH, 200, {"current_balance": 3, "currency": "USD"})
        assert client.balance().usd == 3.0
        assert len(server.requests) == 2 and len(sleep.waits) == 1
    assert_no_key(caplog.text)


def test_balance_attempts_cap_the_calls() -> None:
    with ScriptedServer() as server, make_client(server.url, poll_attempts=5) as client:
        server.add("GET", BILLING_PATH, 503, {"message": "Service unavailable"}, times=5)
        with pytest.raises(ServerError) as info:
            client.balance(attempts=2)
        assert len(server.requests) == 2
        assert_no_key(str(info.value))


def test_an_unreadable_balance_is_an_error_in_plain_words() -> None:
    with ScriptedServer() as server, make_client(server.url) as client:
        server.add("GET", BILLING_PATH, 200, {"current_balance": "lots"})
        with pytest.raises(ResponseFormatError, match="balance"):
            client.balance()


@pytest.fixture
def offline(tmp_path: Path) -> Iterator[OfflineBackend]:
    backend = OfflineBackend(tmp_path / "offline", speed=0, required_key=KEY)
    backend.start()
    yield backend
    backend.stop()


def finish(client: VideoClient, job_id: str) -> str:
    for _ in range(200):
        if client.poll(job_id).status.is_terminal:
            return job_id
        time.sleep(0.05)
    raise AssertionError("the offline job did not end")


def submit_failing(backend: OfflineBackend) -> str:
    """A job the offline backend will fail (its faults header is not something the client sends)."""
    headers = {"Authorization": f"Bearer {KEY}", FAULTS_HEADER: "fail"}
    answer = requests.post(f"{backend.url}/v2/video/generations", json=PROMPT_ONLY, headers=headers, timeout=5)
    answer.raise_for_status()
    return answer.json()["id"]


def test_the_offline_balance_goes_down_by_each_completed_jobs_cost(offline: OfflineBackend) -> None:
    with VideoClient(offline.url, KEY) as client:
        assert client.balance().usd == STARTING_BALANCE_USD
        job_id = finish(client, client.submit(PROMPT_ONLY).id)
        credits = offline.jobs.get(job_id).credits
        assert credits > 0
        assert client.balance().usd == pytest.approx(STARTING_BALANCE_USD - credits / 2_000_000)
        # A failed generation is billed nothing.
        before = client.balance().usd
        finish(client, submit_failing(offline))
        assert client.balance().usd == pytest.approx(before)


def test_the_offline_balance_needs_the_key(offline: OfflineBackend) -> None:
    with VideoClient(offline.url, "sk-wrong") as client, pytest.raises(AuthenticationError):
        client.balance()
