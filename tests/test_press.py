"""One press of Generate, sent by the core (``videostudio.jobs.press.send_press``): one job, or a batch.

On a real JobStore with a scripted client: every job is in the history, with the press key, before its request
leaves; a refused submit is reported in the result (never raised past the press, never sent again).
"""

from __future__ import annotations

from tests.test_batches import PIXVERSE, BatchClient
from tests.test_jobs import data_uri, png_bytes
from videostudio.api.errors import BadRequestError
from videostudio.catalogue import Catalogue
from videostudio.history.store import Job, JobStatus, JobStore
from videostudio.jobs.press import Press, send_press
from videostudio.jobs.service import JobService
from videostudio.team.people import LOCAL_PERSON

KEY = "k" * 64


def fox(catalogue: Catalogue, **more: object) -> Press:
    payload = {"model": PIXVERSE, "prompt": "a fox", "image_url": data_uri(png_bytes(), "image/png")}
    return Press(catalogue.get(PIXVERSE), payload, press_key=KEY, **more)  # type: ignore[arg-type]


def test_a_press_of_one_job_is_a_single_submit_recorded_before_it_leaves(catalogue: Catalogue, store: JobStore) -> None:
    seen: list[list[Job]] = []
    client = BatchClient(before=lambda _number: seen.append(store.pressed(KEY)))
    parent = store.add(Job(model_id=PIXVERSE, backend="offline", status=JobStatus.COMPLETED))

    result = send_press(
        JobService(store), client, fox(catalogue, parent_id=parent.id), backend="offline", person=LOCAL_PERSON
    )

    assert not result.is_batch and not result.sent.failures
    [job] = result.sent.jobs
    assert [[j.id for j in jobs] for jobs in seen] == [[job.id]]  # in the history when its request left
    assert (job.batch_id, job.press_key, job.parent_id, job.generation_id) == (None, KEY, parent.id, "gen-1")
    assert result.first == job and len(client.submits) == 1


def test_a_refused_single_press_is_reported_not_raised_and_not_sent_again(
    catalogue: Catalogue, store: JobStore
) -> None:
    client = BatchClient(fail={1: BadRequestError("The prompt was refused.", "")})

    result = send_press(JobService(store), client, fox(catalogue), backend="offline", person=LOCAL_PERSON)

    [failure] = result.sent.failures
    assert (failure.number, failure.total, str(failure.error)) == (1, 1, "The prompt was refused.")
    stored = store.get(failure.job.id)
    assert stored is not None and stored.status == JobStatus.FAILED and stored.press_key == KEY
    assert result.payloads == (fox(catalogue).payload,)  # what the refusal is explained against
    assert len(client.submits) == 1


def test_a_press_of_several_jobs_is_one_batch_under_one_press_key(catalogue: Catalogue, store: JobStore) -> None:
    client = BatchClient()
    parent = store.add(Job(model_id=PIXVERSE, backend="offline", status=JobStatus.COMPLETED))

    result = send_press(
        JobService(store), client, fox(catalogue, count=3, parent_id=parent.id), backend="offline", person=LOCAL_PERSON
    )

    assert result.is_batch and len(result.sent.jobs) == 3 and len(client.submits) == 3
    assert {j.batch_id for j in result.sent.jobs} == {result.sent.batch_id} and result.sent.batch_id
    assert {(j.press_key, j.parent_id) for j in result.sent.jobs} == {(KEY, parent.id)}
    assert len({p.get("seed") for p in result.payloads}) == 3  # each job of it has its own seed


def test_a_press_of_several_start_images_sends_those_images_not_a_last_frame(
    catalogue: Catalogue, store: JobStore
) -> None:
    images = [(data_uri(png_bytes((64, 64)), "image/png"), "one.png"), (data_uri(png_bytes(), "image/png"), None)]
    parent = store.add(Job(model_id=PIXVERSE, backend="offline", status=JobStatus.COMPLETED))

    press = fox(catalogue, images=tuple(images), parent_id=parent.id)
    result = send_press(JobService(store), BatchClient(), press, backend="offline", person=LOCAL_PERSON)

    assert result.is_batch and [p["image_url"] for p in result.payloads] == [value for value, _name in images]
    assert {j.parent_id for j in result.sent.jobs} == {None}
