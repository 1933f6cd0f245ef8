"""Jobs: what a submit records, how polling moves jobs forward, and the polling policy.

A fake client records every call; the store is a real JobStore on a temporary SQLite file.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from videostudio.api.errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    StudioError,
)
from videostudio.api.generation import Generation, Status, Usage
from videostudio.catalogue import Catalogue, load_catalogue
from videostudio.history.store import SUBMITTING, Job, JobStore, utcnow
from videostudio.jobs.outcomes import KeptVideo
from videostudio.jobs.service import INTERRUPTED_SUBMIT, SUBMIT_GRACE, JobService, PollPolicy, Submission
from videostudio.media import decode_data_uri

KLING = "kling-video/v1/standard/image-to-video"
PIXVERSE = "pixverse/v5/image-to-video"
FABRIC = "veed/fabric-1.0"
VIDEO_URL = "https://cdn.aimlapi.com/eagle/files/output.mp4"
SLACK = timedelta(seconds=2)


def png_bytes(size: tuple[int, int] = (400, 300), color: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def data_uri(data: bytes, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FakeClient:
    """Implements the jobs' Client protocol, recording every call; answers come from scripted lists."""

    def __init__(
        self,
        *,
        submit_answer: Generation | StudioError | None = None,
        poll_answers: list[Generation | StudioError] | None = None,
        on_submit: Callable[[dict[str, Any]], None] | None = None,
        log_answers: list[list[dict[str, Any]] | StudioError] | None = None,
    ) -> None:
        self.submit_answer = submit_answer or Generation(id="gen-1", status=Status.QUEUED, raw_status="queued")
        self.poll_answers = list(poll_answers or [])
        self.log_answers = list(log_answers or [])
        self.on_submit = on_submit
        self.submits: list[tuple[dict[str, Any], str | None]] = []
        self.request_ids: list[str | None] = []
        self.polls: list[tuple[str, str | None]] = []
        self.log_queries: list[dict[str, Any]] = []

    def submit(
        self, payload: dict[str, Any], *, legacy_endpoint: str | None = None, client_request_id: str | None = None
    ) -> Generation:
        self.submits.append((copy.deepcopy(payload), legacy_endpoint))
        self.request_ids.append(client_request_id)
        if self.on_submit:
            self.on_submit(payload)
        if isinstance(self.submit_answer, StudioError):
            raise self.submit_answer
        return self.submit_answer

    def poll(self, generation_id: str, *, legacy_endpoint: str | None = None) -> Generation:
        self.polls.append((generation_id, legacy_endpoint))
        if not self.poll_answers:
            raise AssertionError(f"unexpected poll of {generation_id}")
        answer = self.poll_answers.pop(0)
        if isinstance(answer, StudioError):
            raise answer
        return answer

    def logs(self, **query: Any) -> list[dict[str, Any]]:
        self.log_queries.append(query)
        if not self.log_answers:
            raise AssertionError("unexpected look at the usage logs")
        answer = self.log_answers.pop(0)
        if isinstance(answer, StudioError):
            raise answer
        return answer


@pytest.fixture
def service(store: JobStore) -> JobService:
    return JobService(store)


def running_job(store: JobStore, **overrides: Any) -> Job:
    values: dict[str, Any] = {
        "model_id": PIXVERSE,
        "backend": "offline",
        "generation_id": "gen-1",
        "status": Status.QUEUED.value,
        "raw_status": "queued",
        "created_at": utcnow() - timedelta(seconds=30),
    }
    values.update(overrides)
    return store.add(Job(**values))


def generating(gen_id: str = "gen-1") -> Generation:
    return Generation(id=gen_id, status=Status.GENERATING, raw_status="generating")


def completed(gen_id: str = "gen-1") -> Generation:
    return Generation(id=gen_id, status=Status.COMPLETED, raw_status="completed", video_urls=(VIDEO_URL,))


def assert_near(actual: datetime | None, expected: datetime) -> None:
    assert actual is not None
    assert expected - SLACK <= actual <= expected + SLACK, f"{actual} is not within {SLACK} of {expected}"


# --- Submission.of ---------------------------------------------------------------------------------------------------


def test_submission_strips_data_uris_into_hashes(catalogue: Catalogue) -> None:
    image = png_bytes()
    audio = b"ID3\x04\x00fake mp3 bytes" * 10
    image_uri, audio_uri = data_uri(image, "image/png"), data_uri(audio, "audio/mpeg")
    payload = {"model": FABRIC, "image_url": image_uri, "audio_url": audio_uri, "resolution": "720p"}

    submission = Submission.of(payload, {"image_url": "portrait.png"})

    assert submission.media == {
        "image_url": {"mime": "image/png", "bytes": len(image), "sha256": sha256(image), "name": "portrait.png"},
        "audio_url": {"mime": "audio/mpeg", "bytes": len(audio), "sha256": sha256(audio)},
    }
    assert submission.params["resolution"] == "720p"
    assert "model" not in submission.params
    for name in ("image_url", "audio_url"):
        assert not submission.params[name].startswith("data:")
        assert submission.media[name]["sha256"][:12] in submission.params[name]
    stored_text = json.dumps(submission.params) + json.dumps(submission.media)
    assert base64.b64encode(image).decode() not in stored_text
    assert base64.b64encode(audio).decode() not in stored_text
    assert payload["image_url"] == image_uri  # the payload itself is left as it was, for the submit


def test_submission_keeps_a_small_thumbnail_of_the_first_image(catalogue: Catalogue) -> None:
    image = png_bytes((800, 400))
    submission = Submission.of({"model": PIXVERSE, "prompt": "x", "image_url": data_uri(image, "image/png")})
    assert submission.thumbnail is not None
    mime, thumb = decode_data_uri(submission.thumbnail)
    assert mime.startswith("image/")
    with Image.open(io.BytesIO(thumb)) as small:
        assert max(small.size) <= 160
        assert small.size[0] > small.size[1]  # same landscape shape as the upload
    assert len(thumb) < len(image)


def test_submission_without_uploads(catalogue: Catalogue) -> None:
    payload = {"model": PIXVERSE, "prompt": "a cat surfing", "image_url": "https://example.com/cat.jpg", "duration": 5}
    submission = Submission.of(payload)
    assert submission.params == {"prompt": "a cat surfing", "image_url": "https://example.com/cat.jpg", "duration": 5}
    assert submission.media == {}
    assert submission.thumbnail is None
    assert submission.prompt == "a cat surfing"


def test_submission_of_audio_only_has_no_thumbnail(catalogue: Catalogue) -> None:
    payload = {
        "model": FABRIC,
        "image_url": "https://example.com/p.jpg",
        "audio_url": data_uri(b"RIFFxxxxWAVE", "audio/wav"),
    }
    submission = Submission.of(payload)
    assert submission.thumbnail is None
    assert submission.prompt == ""
    assert list(submission.media) == ["audio_url"]


def test_submission_strips_nested_uploads_by_path(catalogue: Catalogue) -> None:
    mask = png_bytes((64, 64), (255, 255, 255))
    payload = {
        "model": KLING,
        "image_url": "https://example.com/first.jpg",
        "dynamic_masks": [{"mask": data_uri(mask, "image/png"), "trajectories": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}],
    }
    submission = Submission.of(payload, {"dynamic_masks.0.mask": "brush.png"})
    assert submission.media["dynamic_masks.0.mask"]["sha256"] == sha256(mask)
    assert submission.media["dynamic_masks.0.mask"]["name"] == "brush.png"
    assert submission.params["dynamic_masks"][0]["trajectories"] == [{"x": 1, "y": 2}, {"x": 3, "y": 4}]
    assert not submission.params["dynamic_masks"][0]["mask"].startswith("data:")


def test_submission_prompt_falls_back_to_the_spoken_text(catalogue: Catalogue) -> None:
    payload = {"model": PIXVERSE, "lip_sync_tts_content": "Hello!"}
    assert Submission.of(payload).prompt == "Hello!"


# --- JobService.submit -----------------------------------------------------------------------------------------------


def test_submit_writes_the_job_before_calling_the_client(
    catalogue: Catalogue, store: JobStore, service: JobService
) -> None:
    seen: list[list[Job]] = []
    client = FakeClient(
        on_submit=lambda payload: seen.append(store.list()),
        submit_answer=Generation(
            id="8ac142d3:pixverse/v5/image-to-video",
            status=Status.QUEUED,
            raw_status="queued",
            usage=Usage(credits=420000.0, usd=0.42),
        ),
    )
    image = png_bytes()
    payload = {"model": PIXVERSE, "prompt": "a cat surfing", "image_url": data_uri(image, "image/png")}

    job = service.submit(
        client, catalogue.get(PIXVERSE), payload, backend="aimlapi", upload_names={"image_url": "cat.png"}
    )

    (rows_during_submit,) = seen
    (row,) = rows_during_submit
    assert row.status == SUBMITTING
    assert row.generation_id is None
    assert row.id == job.id
    assert row.prompt == "a cat surfing"
    assert row.media["image_url"]["name"] == "cat.png"
    # The client got the full payload, base64 and all; the store never did.
    assert client.submits == [(payload, None)]
    stored = store.get(job.id)
    assert stored is not None and stored == job
    assert (stored.status, stored.raw_status) == ("queued", "queued")
    assert stored.generation_id == "8ac142d3:pixverse/v5/image-to-video"
    assert (stored.credits, stored.usd) == (420000.0, 0.42)
    assert (stored.backend, stored.model_id, stored.endpoint) == ("aimlapi", PIXVERSE, None)
    assert stored.thumbnail is not None
    assert base64.b64encode(image).decode() not in json.dumps(stored.params)


def test_legacy_submit_uses_and_remembers_the_legacy_endpoint(
    catalogue: Catalogue, store: JobStore, service: JobService
) -> None:
    model = catalogue.get(PIXVERSE)
    client = FakeClient(poll_answers=[generating()])
    job = service.submit(
        client,
        model,
        {"model": PIXVERSE, "prompt": "x", "image_url": "https://e.com/a.jpg"},
        backend="aimlapi",
        legacy=True,
    )
    assert model.legacy_endpoint
    assert client.submits[0][1] == model.legacy_endpoint
    assert job.endpoint == model.legacy_endpoint
    service.poll_due({"aimlapi": client}, {}, now=utcnow() + timedelta(minutes=1))  # once its first poll is due
    assert client.polls == [("gen-1", model.legacy_endpoint)]


def test_a_model_offered_only_on_a_vendor_path_is_sent_and_polled_there(
    catalogue: Catalogue, store: JobStore, service: JobService
) -> None:
    model = load_catalogue().get("wan/v2.1/1.3b/text-to-video")
    assert model.endpoint == "/v2/generate/video/alibaba/generation"
    client = FakeClient(poll_answers=[generating()])
    job = service.submit(client, model, {"model": model.id, "prompt": "a fox"}, backend="aimlapi")
    assert client.submits[0][1] == model.endpoint
    assert job.endpoint == model.endpoint
    service.poll_due({"aimlapi": client}, {}, now=utcnow() + timedelta(minutes=1))
    assert client.polls == [("gen-1", model.endpoint)]


def test_on_submit_runs_once_for_an_accepted_submit_and_never_for_a_refused_one(
    catalogue: Catalogue, store: JobStore
) -> None:
    seen: list[tuple[str, dict[str, Any], Any]] = []

    def keep(job: Job, payload: Any, names: Any) -> Job:
        seen.append((job.generation_id or "", dict(payload), names))
        return store.update(job.id, inputs_dir="/kept/here.json")

    service = JobService(store, on_submit=keep)
    payload = {"model": FABRIC, "image_url": "https://e.com/p.jpg", "audio_url": "https://e.com/a.mp3"}
    accepted = FakeClient(submit_answer=Generation(id="gen-9", status=Status.QUEUED, raw_status="queued"))
    job = service.submit(accepted, catalogue.get(FABRIC), payload, backend="offline", upload_names={"x": "y"})
    assert seen == [("gen-9", payload, {"x": "y"})]
    assert job.inputs_dir == "/kept/here.json"  # the hook's version of the job is what submit returns

    refused = FakeClient(submit_answer=BadRequestError("refused", status_code=400))
    with pytest.raises(BadRequestError):
        service.submit(refused, catalogue.get(FABRIC), payload, backend="offline")
    assert len(seen) == 1


def test_a_refused_submit_marks_the_job_failed_and_is_never_retried(
    catalogue: Catalogue, store: JobStore, service: JobService
) -> None:
    error = BadRequestError("The AI/ML API refused the request: image_url: Could not detect face.", status_code=422)
    client = FakeClient(submit_answer=error)
    payload = {"model": FABRIC, "image_url": "https://e.com/p.jpg", "audio_url": "https://e.com/a.mp3"}

    with pytest.raises(BadRequestError) as raised:
        service.submit(client, catalogue.get(FABRIC), payload, backend="aimlapi")

    assert raised.value is error
    (job,) = store.list()
    assert job.status == Status.FAILED.value
    assert job.error == str(error)
    assert "Could not detect face" in job.error
    assert job.finished_at is not None
    assert job.generation_id is None
    # Later polling rounds neither resubmit nor poll a job that never started.
    assert service.poll_due({"aimlapi": client}, {}) == []
    assert len(client.submits) == 1
    assert client.polls == []


def test_a_submit_that_completes_at_once_is_finished(catalogue: Catalogue, store: JobStore) -> None:
    calls: list[Job] = []
    service = JobService(store, on_complete=lambda job: calls.append(job))
    client = FakeClient(submit_answer=completed("g-fast"))
    job = service.submit(
        client,
        catalogue.get(PIXVERSE),
        {"model": PIXVERSE, "prompt": "x", "image_url": "https://e.com/a.jpg"},
        backend="offline",
    )
    assert (job.status, job.video_url, job.generation_id) == ("completed", VIDEO_URL, "g-fast")
    assert job.finished_at is not None
    assert [c.id for c in calls] == [job.id]


# --- poll_due --------------------------------------------------------------------------------------------------------


def test_poll_due_polls_only_jobs_whose_time_has_come(store: JobStore, service: JobService) -> None:
    due = running_job(store, generation_id="due", next_poll_at=utcnow() - timedelta(seconds=1))
    never_polled = running_job(store, generation_id="fresh")
    later = running_job(store, generation_id="later", next_poll_at=utcnow() + timedelta(minutes=5))
    client = FakeClient(poll_answers=[generating("due"), generating("fresh")])

    changed = service.poll_due({"offline": client}, {"offline": PollPolicy(interval=10)})

    assert sorted(gid for gid, _ in client.polls) == ["due", "fresh"]
    assert sorted(j.id for j in changed) == sorted([due.id, never_polled.id])
    assert store.get(later.id) == later


def test_unchanged_jobs_are_not_reported_but_rescheduled(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[Generation(id="gen-1", status=Status.QUEUED, raw_status="queued")])
    before = utcnow()
    assert service.poll_due({"offline": client}, {"offline": PollPolicy(interval=10)}) == []
    stored = store.get(job.id)
    assert stored is not None
    assert_near(stored.next_poll_at, before + timedelta(seconds=10))


def test_completed_poll_records_the_video_and_calls_on_complete_once(store: JobStore) -> None:
    calls: list[Job] = []

    def keep_local_copy(job: Job) -> KeptVideo:
        calls.append(job)
        return KeptVideo(Path("/media/x.mp4"), video_bytes=1234, video_seconds=5.0, poster_path=Path("/media/x.jpg"))

    service = JobService(store, on_complete=keep_local_copy)
    job = running_job(store)
    client = FakeClient(poll_answers=[completed()])

    before = utcnow()
    (changed,) = service.poll_due({"offline": client}, {})

    assert changed.id == job.id
    assert (changed.status, changed.video_url) == ("completed", VIDEO_URL)
    # What the library handed back is recorded by the service, and is what the caller gets.
    assert (changed.local_path, changed.video_bytes, changed.poster_path) == ("/media/x.mp4", 1234, "/media/x.jpg")
    assert store.get(job.id) == changed
    assert_near(changed.finished_at, before)
    assert [c.status for c in calls] == ["completed"]
    assert calls[0].video_url == VIDEO_URL
    # A finished job is not polled again, and on_complete is not called again.
    assert service.poll_due({"offline": client}, {}) == []
    assert len(client.polls) == 1 and len(calls) == 1
    assert store.active() == []


def test_failed_generation_gets_an_explanation(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[Generation(id="gen-1", status=Status.FAILED, raw_status="error")])
    (changed,) = service.poll_due({"offline": client}, {})
    assert changed.id == job.id and changed.status == "failed"
    assert changed.error  # the provider said nothing, the studio still says something
    assert changed.finished_at is not None


def test_a_failed_generation_keeps_the_providers_words_and_says_what_to_do(
    store: JobStore, service: JobService
) -> None:
    running_job(store)
    failed = Generation(
        id="gen-1", status=Status.FAILED, raw_status="error", error="Could not detect face in the image"
    )
    (changed,) = service.poll_due({"offline": FakeClient(poll_answers=[failed])}, {})
    assert changed.error.startswith("Could not detect face in the image")
    assert "Generate again" in changed.error and "not charged" in changed.error


def test_rate_limited_poll_waits_at_least_retry_after(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[RateLimitError(retry_after=7)])
    before = utcnow()
    assert service.poll_due({"offline": client}, {"offline": PollPolicy(interval=2)}) == []
    stored = store.get(job.id)
    assert stored is not None
    assert stored.is_active and stored.status == "queued"
    assert stored.poll_failures == 1
    assert_near(stored.next_poll_at, before + timedelta(seconds=7))  # max(backoff 2, retry_after 7)
    assert stored.error == RateLimitError.default_message


def test_rate_limit_shorter_than_the_backoff_uses_the_backoff(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[RateLimitError(retry_after=7)])
    before = utcnow()
    service.poll_due({"offline": client}, {"offline": PollPolicy(interval=30)})
    stored = store.get(job.id)
    assert stored is not None
    assert_near(stored.next_poll_at, before + timedelta(seconds=30))


@pytest.mark.parametrize(
    "error", [ServerError(status_code=502), APIConnectionError()], ids=["server-error", "connection-error"]
)
def test_passing_failures_back_off_doubling_then_recover(
    store: JobStore, service: JobService, error: StudioError
) -> None:
    job = running_job(store)
    policy = PollPolicy(interval=10, max_backoff=35)
    client = FakeClient(poll_answers=[error, error, error, error, generating()])
    expected_delays = [10, 20, 35, 35]  # 10, 20, 40 capped at 35, 80 capped at 35
    for failures, delay in enumerate(expected_delays, start=1):
        before = utcnow()
        assert service.poll_due({"offline": client}, {"offline": policy}) == []
        stored = store.get(job.id)
        assert stored is not None
        assert (stored.status, stored.poll_failures) == ("queued", failures)
        assert_near(stored.next_poll_at, before + timedelta(seconds=delay))
        store.update(job.id, next_poll_at=utcnow() - timedelta(seconds=1))  # make it due again
    (changed,) = service.poll_due({"offline": client}, {"offline": policy})
    assert changed.status == "generating"
    assert changed.poll_failures == 0
    assert changed.error is None
    assert len(client.polls) == 5


def test_a_refused_key_while_polling_keeps_the_paid_job_waiting(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    policy = PollPolicy(interval=10, max_backoff=120)
    client = FakeClient(poll_answers=[AuthenticationError(status_code=401), generating()])
    before = utcnow()
    assert service.poll_due({"offline": client}, {"offline": policy}) == []
    stored = store.get(job.id)
    assert stored is not None and stored.is_active and stored.poll_failures == 1
    assert stored.error and "key" in stored.error.lower()
    assert_near(stored.next_poll_at, before + timedelta(seconds=120))
    store.update(job.id, next_poll_at=utcnow() - timedelta(seconds=1))
    (changed,) = service.poll_due({"offline": client}, {"offline": policy})
    assert changed.status == "generating" and changed.poll_failures == 0


@pytest.mark.parametrize("error", [NotFoundError(status_code=404)], ids=["not-found"])
def test_poll_errors_that_will_not_pass_fail_the_job(store: JobStore, service: JobService, error: StudioError) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[error])
    (changed,) = service.poll_due({"offline": client}, {})
    assert changed.id == job.id
    assert changed.status == "failed"
    assert changed.error == str(error)
    assert changed.finished_at is not None
    assert store.active() == []


def test_an_unreadable_poll_answer_does_not_fail_the_job(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[ResponseFormatError()])
    service.poll_due({"offline": client}, {})
    stored = store.get(job.id)
    assert stored is not None and stored.is_active


def test_server_error_retry_after_is_honoured(store: JobStore, service: JobService) -> None:
    job = running_job(store)
    client = FakeClient(poll_answers=[ServerError(status_code=503, retry_after=60)])
    before = utcnow()
    service.poll_due({"offline": client}, {"offline": PollPolicy(interval=10)})
    stored = store.get(job.id)
    assert stored is not None
    assert_near(stored.next_poll_at, before + timedelta(seconds=60))


def test_a_cut_off_submit_without_a_request_id_is_failed_and_never_resent(store: JobStore, service: JobService) -> None:
    # Sent by a studio from before request ids: it cannot be looked up in the usage logs.
    stuck = store.add(
        Job(model_id=PIXVERSE, backend="offline", created_at=utcnow() - SUBMIT_GRACE - timedelta(seconds=5))
    )
    in_flight = store.add(Job(model_id=PIXVERSE, backend="offline"))
    client = FakeClient()

    changed = service.poll_due({"offline": client}, {})

    assert [j.id for j in changed] == [stuck.id]
    assert changed[0].status == "failed"
    assert changed[0].error == INTERRUPTED_SUBMIT
    assert changed[0].finished_at is not None
    # A submit still within its grace period may yet answer: it is left alone.
    assert store.get(in_flight.id) == in_flight
    assert client.submits == [] and client.polls == []
    service.poll_due({"offline": client}, {})
    assert client.submits == [] and client.polls == []


def test_jobs_of_a_backend_without_a_client_are_left_untouched(store: JobStore, service: JobService) -> None:
    api_job = running_job(store, backend="aimlapi", generation_id="api-1")
    offline_job = running_job(store, backend="offline", generation_id="off-1")
    client = FakeClient(poll_answers=[generating("off-1")])

    changed = service.poll_due({"offline": client}, {})

    assert [j.id for j in changed] == [offline_job.id]
    assert client.polls == [("off-1", None)]
    assert store.get(api_job.id) == api_job


def test_each_backend_gets_its_own_policy(store: JobStore, service: JobService) -> None:
    api_job = running_job(store, backend="aimlapi", generation_id="api-1")
    offline_job = running_job(store, backend="offline", generation_id="off-1")
    api, offline = FakeClient(poll_answers=[generating("api-1")]), FakeClient(poll_answers=[generating("off-1")])
    before = utcnow()
    service.poll_due(
        {"aimlapi": api, "offline": offline},
        {"aimlapi": PollPolicy(interval=10), "offline": PollPolicy(interval=1)},
    )
    api_stored, offline_stored = store.get(api_job.id), store.get(offline_job.id)
    assert api_stored is not None and offline_stored is not None
    assert_near(api_stored.next_poll_at, before + timedelta(seconds=10))
    assert_near(offline_stored.next_poll_at, before + timedelta(seconds=1))


def test_an_overdue_job_stays_active_and_is_polled_less_often(store: JobStore, service: JobService) -> None:
    policy = PollPolicy(interval=10, deadline=20 * 60, overdue_interval=60)
    job = running_job(store, created_at=utcnow() - timedelta(minutes=45), status="generating", raw_status="generating")
    client = FakeClient(poll_answers=[generating(), ServerError()])

    before = utcnow()
    service.poll_due({"offline": client}, {"offline": policy})
    stored = store.get(job.id)
    assert stored is not None
    assert stored.status == "generating" and stored.is_active
    assert stored.error is None and stored.finished_at is None
    assert_near(stored.next_poll_at, before + timedelta(seconds=60))

    # Failing polls do not give up on it either.
    store.update(job.id, next_poll_at=None)
    service.poll_due({"offline": client}, {"offline": policy})
    stored = store.get(job.id)
    assert stored is not None and stored.status == "generating" and stored.poll_failures == 1


# --- PollPolicy ------------------------------------------------------------------------------------------------------


def policy_job(age: timedelta, status: str = "generating") -> Job:
    return Job(model_id=PIXVERSE, backend="offline", status=status, created_at=utcnow() - age)


def test_next_delay_while_all_is_well() -> None:
    policy = PollPolicy(interval=10, deadline=600, overdue_interval=60)
    assert policy.next_delay(policy_job(timedelta(seconds=30))) == 10
    assert policy.next_delay(policy_job(timedelta(seconds=601))) == 60


@pytest.mark.parametrize(("failures", "delay"), [(1, 10), (2, 20), (3, 40), (4, 80), (5, 120), (9, 120)])
def test_next_delay_backs_off_exponentially_up_to_the_cap(failures: int, delay: float) -> None:
    policy = PollPolicy(interval=10, max_backoff=120)
    assert policy.next_delay(policy_job(timedelta(seconds=5)), failures=failures) == delay


@pytest.mark.parametrize(
    ("failures", "retry_after", "delay"), [(1, 7, 10), (1, 25, 25), (3, 25, 40), (1, None, 10), (1, 0, 10)]
)
def test_next_delay_honours_retry_after(failures: int, retry_after: float | None, delay: float) -> None:
    policy = PollPolicy(interval=10)
    assert policy.next_delay(policy_job(timedelta(seconds=5)), failures=failures, retry_after=retry_after) == delay


def test_is_overdue_follows_the_deadline() -> None:
    policy = PollPolicy(deadline=600)
    now = utcnow()
    young = Job(model_id=PIXVERSE, backend="offline", status="queued", created_at=now - timedelta(seconds=599))
    old = Job(model_id=PIXVERSE, backend="offline", status="queued", created_at=now - timedelta(seconds=601))
    assert not policy.is_overdue(young, now)
    assert policy.is_overdue(old, now)
    assert policy.is_overdue(young, now + timedelta(seconds=2))
    # Finished jobs are never overdue, however old.
    for status in ("completed", "failed"):
        assert not policy.is_overdue(policy_job(timedelta(hours=5), status=status))


def test_default_policy_is_dense_only_around_the_expected_end() -> None:
    policy = PollPolicy()
    assert policy.interval == 2.0  # about every 2 s around the expected end (issue 9 §3)
    assert policy.sparse_interval >= 30 and policy.max_interval >= 30  # far from it, far fewer polls
    assert policy.deadline >= 600  # the docs give up after 600-1000 s; the studio only stops expecting it soon


def test_poll_changes_name_only_what_a_poll_changes_and_none_clears() -> None:
    from videostudio.jobs.outcomes import PollChanges

    assert PollChanges().fields() == {}
    assert PollChanges(error=None, poll_failures=0).fields() == {"error": None, "poll_failures": 0}
