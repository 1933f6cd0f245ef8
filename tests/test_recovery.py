"""A submit is found again, never repeated (issue 9 §4): request ids, the usage logs, lost and killed answers.

Every test runs against the offline backend at speed 0 or a scripted client; time moves by the ``now`` given to
the follower, never by sleeping.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.test_follow import REPO, VIDEO01, settings_for, wait_until
from tests.test_jobs import FakeClient
from tests.test_store import sqlite_url
from videostudio.api.client import VideoClient
from videostudio.api.errors import APIConnectionError, RateLimitError, ServerError, SubmitAnswerLost
from videostudio.api.generation import Generation, Status
from videostudio.catalogue import load_catalogue
from videostudio.follow import standalone
from videostudio.history.store import SUBMIT_GRACE, Job, JobStatus, JobStore, utcnow
from videostudio.jobs.follower import Follower
from videostudio.jobs.recovery import ANSWER_LOST, NOT_ACCEPTED, NOT_RECEIVED_GRACE, REFUSED
from videostudio.jobs.service import JobService, PollPolicy
from videostudio.offline.faults import FaultConfig
from videostudio.offline.server import OfflineBackend

KEY = "offline-demo"


@pytest.fixture
def make_backend(tmp_path: Path) -> Iterator[Any]:
    started: list[OfflineBackend] = []

    def make(faults: str = "") -> OfflineBackend:
        backend = OfflineBackend(tmp_path / "offline", speed=0, faults=FaultConfig.parse(faults))
        backend.start()
        started.append(backend)
        return backend

    yield make
    for backend in started:
        backend.stop()


def send(service: JobService, url: str, prompt: str = "A lighthouse in fog") -> Job:
    with VideoClient(url, KEY) as client:
        return service.submit(
            client, load_catalogue().get(VIDEO01), {"model": VIDEO01, "prompt": prompt}, backend="offline"
        )


def follow_to_the_end(follower: Follower, job_id: str, *, skip: timedelta = timedelta(0)) -> Job:
    """Run the follower round after round (its clock moved on by ``skip``) until the job ends."""
    store = follower.service.store

    def done() -> bool:
        follower.run_once(now=utcnow() + skip)
        job = store.get(job_id)
        return job is not None and not job.is_active

    wait_until(done)
    job = store.get(job_id)
    assert job is not None
    return job


# --- the request id ---------------------------------------------------------------------------------------------------


def test_every_submit_carries_a_fresh_request_id_that_the_history_holds_before_it_leaves(
    tmp_path: Path, make_backend: Any
) -> None:
    backend = make_backend()
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    service = JobService(store)
    seen: list[tuple[str, list[Job]]] = []
    accept = backend.submit

    def arriving(route: str, headers: dict[str, str], body: bytes, faults: FaultConfig) -> dict[str, Any]:
        request_id = headers.get("x-client-request-id", "")
        seen.append((request_id, [j for j in store.list() if j.client_request_id == request_id]))
        return accept(route, headers, body, faults)

    backend.submit = arriving
    first, second = send(service, backend.url, "one"), send(service, backend.url, "two")

    assert [request_id for request_id, _ in seen] == [first.client_request_id, second.client_request_id]
    assert first.client_request_id != second.client_request_id
    for request_id, rows in seen:
        assert len(request_id) <= 128 and [row.status for row in rows] == [JobStatus.SUBMITTING]
    logged = requests.get(f"{backend.url}/v2/logs?period=24h", headers={"Authorization": f"Bearer {KEY}"}, timeout=5)
    by_request = {row["client_request_id"]: row["inference_id"] for row in logged.json()["data"]}
    assert by_request == {first.client_request_id: first.generation_id, second.client_request_id: second.generation_id}


def test_the_client_refuses_a_request_id_the_api_would_drop(make_backend: Any) -> None:
    backend = make_backend()
    with VideoClient(backend.url, KEY) as client, pytest.raises(ValueError):
        client.submit({"model": VIDEO01, "prompt": "x"}, client_request_id="has spaces")
    assert backend.stats["submits"] == 0


def test_a_dropped_answer_reaches_the_client_as_a_lost_answer_with_its_request_id(make_backend: Any) -> None:
    backend = make_backend("drop-answer")
    with VideoClient(backend.url, KEY) as client, pytest.raises(SubmitAnswerLost) as raised:
        client.submit({"model": VIDEO01, "prompt": "x"}, client_request_id="vs-lost")
    assert raised.value.client_request_id == "vs-lost" and backend.stats["submits"] == 1


def test_a_refused_connection_is_not_a_lost_answer() -> None:
    # Nothing listens there: nothing was sent, so nothing needs looking for.
    with VideoClient("http://127.0.0.1:9", KEY) as client, pytest.raises(APIConnectionError) as raised:
        client.submit({"model": VIDEO01, "prompt": "x"}, client_request_id="vs-1")
    assert not isinstance(raised.value, SubmitAnswerLost)


# --- a dropped answer, a killed submit -------------------------------------------------------------------------------


def test_a_dropped_answer_is_found_in_the_logs_and_followed_to_the_end_with_one_post(
    tmp_path: Path, make_backend: Any
) -> None:
    backend = make_backend("drop-answer")
    follower = standalone(settings_for(tmp_path, backend.url), env={})
    service = follower.service

    with pytest.raises(SubmitAnswerLost) as raised:
        send(service, backend.url)
    assert "Do not press Generate again" in str(raised.value)
    (waiting,) = service.store.list()
    assert waiting.status == JobStatus.SUBMITTING and waiting.error == ANSWER_LOST
    assert waiting.next_poll_at is not None  # due at once: no need to wait out SUBMIT_GRACE

    done = follow_to_the_end(follower, waiting.id)

    (created,) = [backend.jobs.get(row["inference_id"]) for row in backend.logs.query({"period": ["24h"]})["data"]]
    assert created is not None and done.generation_id == created.id
    assert done.status == JobStatus.COMPLETED and done.local_path and done.error is None
    assert done.credits == created.credits
    assert backend.stats["submits"] == 1


def test_a_studio_killed_between_send_and_answer_is_found_again_after_the_restart(
    tmp_path: Path, make_backend: Any
) -> None:
    backend = make_backend("delay-answer=60000")
    settings = settings_for(tmp_path, backend.url)
    store = JobStore(settings.database_url)  # made before the studio, so it finds the history's schema in place
    studio = subprocess.Popen(
        [sys.executable, "-m", "tests.submit_worker", settings.database_url, backend.url, "Killed mid-submit"],
        cwd=REPO,
    )
    try:
        # The request is at the backend, its job made, and its answer held back: now the studio dies.
        wait_until(lambda: backend.stats["jobs"] == 1 and len(store.list()) == 1)
        studio.kill()
        studio.wait(timeout=10)
    finally:
        if studio.poll() is None:
            studio.kill()
    (orphan,) = store.list()
    assert orphan.status == JobStatus.SUBMITTING and orphan.client_request_id and orphan.generation_id is None

    follower = standalone(settings, env={})  # the restarted studio's follower
    # Left alone while its submit might still answer; looked up once SUBMIT_GRACE has passed.
    assert follower.run_once() == []
    done = follow_to_the_end(follower, orphan.id, skip=SUBMIT_GRACE + timedelta(seconds=1))

    (created_id,) = [row["inference_id"] for row in backend.logs.query({"period": ["24h"]})["data"]]
    assert done.status == JobStatus.COMPLETED and done.generation_id == created_id and done.local_path
    assert backend.stats["submits"] == 1


# --- not in the logs -------------------------------------------------------------------------------------------------


def test_a_submit_missing_from_the_logs_after_the_grace_is_not_accepted_and_never_resent(
    tmp_path: Path, make_backend: Any
) -> None:
    backend = make_backend()
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    service = JobService(store)
    # The studio wrote the job and died before the request left: the backend never saw it.
    job = store.add(Job(model_id=VIDEO01, backend="offline", client_request_id="vs-never-sent"))
    with VideoClient(backend.url, KEY) as client:
        early = utcnow() + SUBMIT_GRACE + timedelta(seconds=1)
        assert service.poll_due({"offline": client}, now=early) == []
        waiting = store.get(job.id)
        assert waiting is not None and waiting.status == JobStatus.SUBMITTING  # the logs may still show it
        assert waiting.next_poll_at is not None and waiting.next_poll_at <= job.created_at + NOT_RECEIVED_GRACE

        (failed,) = service.poll_due({"offline": client}, now=job.created_at + NOT_RECEIVED_GRACE)
    assert failed.status == JobStatus.FAILED and failed.error == NOT_ACCEPTED
    assert failed.error.startswith("Not accepted: the provider never received this request; nothing was charged.")
    assert backend.stats["submits"] == 0 and backend.stats["jobs"] == 0


def test_logs_that_cannot_be_read_never_make_a_job_not_accepted(tmp_path: Path) -> None:
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    old = utcnow() - NOT_RECEIVED_GRACE - timedelta(minutes=5)
    job = store.add(Job(model_id=VIDEO01, backend="offline", client_request_id="vs-1", created_at=old))
    client = FakeClient(log_answers=[ServerError(status_code=502), APIConnectionError()])
    service = JobService(store)
    for hours in (1, 2):
        assert service.poll_due({"offline": client}, now=utcnow() + timedelta(hours=hours)) == []
    kept = store.get(job.id)
    assert kept is not None and kept.status == JobStatus.SUBMITTING and kept.poll_failures == 2
    assert client.submits == []


def test_a_submit_the_logs_show_refused_is_not_accepted_and_never_resent(tmp_path: Path) -> None:
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    store.add(Job(model_id=VIDEO01, backend="offline", client_request_id="vs-refused", next_poll_at=utcnow()))
    row = {"client_request_id": "vs-refused", "inference_id": "req-1", "status": "failed", "cost": {"credits": 0}}
    client = FakeClient(log_answers=[[row]])
    (failed,) = JobService(store).poll_due({"offline": client})
    assert failed.error == REFUSED and client.submits == [] and client.polls == []


def test_the_lookup_asks_for_the_model_around_the_submit_time(tmp_path: Path) -> None:
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    job = store.add(Job(model_id=VIDEO01, backend="offline", client_request_id="vs-1", next_poll_at=utcnow()))
    others = [
        {"client_request_id": f"vs-other-{i}", "inference_id": f"g-{i}", "status": "succeeded"} for i in range(100)
    ]
    mine = {"client_request_id": "vs-1", "inference_id": "g-mine", "status": "succeeded", "cost": {"credits": 500}}
    running = Generation(id="g-mine", status=Status.GENERATING, raw_status="generating")
    client = FakeClient(log_answers=[others, [mine]], poll_answers=[running])

    (found,) = JobService(store).poll_due({"offline": client})

    assert found.generation_id == "g-mine" and found.status == JobStatus.GENERATING and found.credits == 500
    first, second = client.log_queries
    assert first["models"] == [VIDEO01] and (first["offset"], second["offset"]) == (0, 100)
    assert first["start"] < job.created_at < first["end"]
    assert client.polls == [("g-mine", None)] and client.submits == []


# --- the logs' rate limit --------------------------------------------------------------------------------------------


def test_a_429_from_the_logs_holds_the_lookups_back_then_they_go_on(tmp_path: Path) -> None:
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    job = store.add(Job(model_id=VIDEO01, backend="offline", client_request_id="vs-1", next_poll_at=utcnow()))
    mine = {"client_request_id": "vs-1", "inference_id": "g-1", "status": "succeeded"}
    running = Generation(id="g-1", status=Status.QUEUED, raw_status="queued")
    client = FakeClient(log_answers=[RateLimitError(retry_after=30), [mine]], poll_answers=[running])
    service = JobService(store, policies={"offline": PollPolicy(interval=1)})
    before = utcnow()

    assert service.poll_due({"offline": client}) == []
    held = store.get(job.id)
    assert held is not None and held.status == JobStatus.SUBMITTING and held.lease_owner is None
    assert held.next_poll_at is not None and held.next_poll_at >= before + timedelta(seconds=29)
    assert service.poll_due({"offline": client}) == []  # every call to that API waits, not only this job's
    assert len(client.log_queries) == 1

    (found,) = service.poll_due({"offline": client}, now=utcnow() + timedelta(seconds=31))
    assert found.generation_id == "g-1" and len(client.log_queries) == 2 and client.submits == []


def test_the_offline_logs_answer_429_over_their_limit(make_backend: Any) -> None:
    backend = make_backend()
    backend.logs.limit = 2  # 200 a minute on the API; the same rule, sooner
    with VideoClient(backend.url, KEY) as client:
        now = utcnow()
        for _ in range(2):
            client.logs(start=now - timedelta(minutes=1), end=now)
        with pytest.raises(RateLimitError) as raised:
            client.logs(start=now - timedelta(minutes=1), end=now)
    assert raised.value.retry_after is not None and 0 < raised.value.retry_after <= 60


# --- cost ------------------------------------------------------------------------------------------------------------


def test_a_job_records_its_cost_from_the_headers_when_the_body_has_none(tmp_path: Path, make_backend: Any) -> None:
    backend = make_backend("legacy")  # legacy submit answers carry no usage in the body
    service = JobService(JobStore(sqlite_url(tmp_path / "history.sqlite3")))
    job = send(service, backend.url)
    created = backend.jobs.get(job.generation_id or "")
    assert created is not None and created.credits > 0
    assert job.credits == created.credits and job.usd == pytest.approx(created.credits / 2_000_000)


def test_a_zero_cost_header_on_a_poll_never_erases_the_jobs_cost(tmp_path: Path) -> None:
    store = JobStore(sqlite_url(tmp_path / "history.sqlite3"))
    job = store.add(Job(model_id=VIDEO01, backend="offline", generation_id="g-1", status="queued", credits=900.0))
    free_poll = Generation.from_response(
        {"id": "g-1", "status": "generating"}, headers={"X-Aimlapi-Credits-Used": "0", "x-aimlapi-usd-spent": "0"}
    )
    JobService(store).poll_due({"offline": FakeClient(poll_answers=[free_poll])})
    stored = store.get(job.id)
    assert stored is not None and stored.credits == 900.0


def test_usage_comes_from_the_cost_headers_and_the_id_from_x_inference_id() -> None:
    read = Generation.from_response(
        {"status": "queued"},
        headers={"x-inference-id": "g-7", "x-aimlapi-credits-used": "1200", "x-aimlapi-usd-spent": "0.0006"},
    )
    assert read.id == "g-7" and read.usage is not None
    assert (read.usage.credits, read.usage.usd) == (1200.0, 0.0006)
    in_body = Generation.from_response(
        {"id": "g-8", "meta": {"usage": {"credits_used": 5}}}, headers={"x-aimlapi-credits-used": "7"}
    )
    assert in_body.usage is not None and in_body.usage.credits == 5


# --- what the person sees -------------------------------------------------------------------------------------------


@pytest.mark.apptest
def test_the_page_says_a_lost_answer_is_being_checked_then_shows_the_video(studio: Any) -> None:
    from tests.test_app import KEYS, choose, generate, open_studio, wait_for_video

    studio.backend.faults = FaultConfig.parse("drop-answer")  # every submit's answer is lost, its job made
    at = open_studio()
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("A quiet forest").run()
    generate(at)
    assert any("Do not press Generate again" in e.value for e in at.error)
    assert any("is asking the AI/ML API whether it received it" in i.value for i in at.info)
    wait_for_video(at)  # the follower found the job in the logs and kept its video
    assert studio.backend_stats()["submits"] == 1
