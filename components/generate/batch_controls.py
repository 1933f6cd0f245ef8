"""Beside Generate: "How many" (1 to 8 jobs in one press), and sending a batch as one press.

The double-click guard is Generate's own (``generate_controls.claim_send`` and the press key in the history): a
batch is identified by its payload, its count and its images (``videostudio.jobs.batches.intent_payload``), so pressing
again on an unchanged form, in any tab of the browser, never sends a second batch. Every job is recorded with the
press key before the first request leaves (``videostudio.jobs.batch_send.send_batch``); a job that fails to send is
named ("Job 2 of 3 was not sent: ..."), the others run. "How many" goes back to 1 on another form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from components.form import api_refusal
from components.jobs.poller import watch_started
from components.shell import services
from components.shell.started import remember_started
from videostudio.catalogue import Model
from videostudio.history.store import Job
from videostudio.jobs import batch_send
from videostudio.jobs.batches import (
    MAX_COUNT,
    BatchPlan,
    failure_text,
    plan_batch,
    press_state,
    running_text,
    seed_bounds,
)

HOW_MANY_KEY = "generate_how_many"
# Whose "How many" the count is: a model's form, and the job it continues, if any. Another model, or Continue
# from here, starts again at 1: a count chosen for one form must not silently multiply another's price.
HOW_MANY_FOR_KEY = "generate_how_many_for"

Images = Sequence[tuple[str, str | None]]  # several start images: (value to send, upload name or None)


def how_many(form: str) -> int:
    """The "How many" choice for ``form``: jobs to send per press (per image, when several start images are given).

    It goes back to 1 when ``form`` changes (another model, a job continued); the person may set it again.
    """
    state = st.session_state
    if state.get(HOW_MANY_FOR_KEY) != form:
        state[HOW_MANY_FOR_KEY] = form
        state[HOW_MANY_KEY] = 1  # before the widget is drawn: the only moment its value may be set
    return int(
        st.selectbox(
            "How many",
            options=list(range(1, MAX_COUNT + 1)),
            key=HOW_MANY_KEY,
            persist_state="session",
            help=(
                f"Send 1 to {MAX_COUNT} jobs with these settings in one press, each with its own seed where the "
                "model has one. Each job is billed."
            ),
        )
    )


def jobs_in_press(count: int, images: Images) -> int:
    """How many jobs one press sends: the count, once per start image when several are given."""
    return count * max(1, len(images))


def batch_notes(model: Model, count: int, images: Images) -> None:
    """Under the button: what a press of a batch will send, and a warning where the results may be alike."""
    jobs = jobs_in_press(count, images)
    if jobs == 1:
        return
    each = f"{len(images)} images × {count} ({jobs} jobs)" if images else f"{jobs} jobs"
    if seed_bounds(model) is not None:
        st.caption(f":material/stacks: One press sends {each}, each with its own seed.")
    else:
        st.caption(
            f":material/stacks: One press sends {each}. This model has no seed setting, so the results may be alike."
        )


def batch_look(job: Job) -> Job:
    """The job whose state the Generate button shows for a press (for a batch: ``batches.press_state``)."""
    if not job.batch_id:
        return job
    return press_state(job, services.job_service().store.batch_members([job.batch_id]).get(job.batch_id, []))


def send_batch(
    model: Model,
    payload: dict,
    count: int,
    images: Images,
    *,
    legacy: bool,
    upload_names: Mapping[str, str] | None,
    parent_id: str | None = None,
    pressed_as: str | None = None,
) -> tuple[tuple[str, str] | None, Job | None]:
    """Send one press's batch: what to tell the person (None when all went), and the batch's first job.

    ``pressed_as``: the press key (videostudio/jobs/intent.py) every job of the batch is recorded with.
    """
    backend = services.backend()
    client = services.client_for(backend)
    if client is None:
        return ("error", services.NO_KEY_TO_SEND), None
    plan: BatchPlan = plan_batch(model, payload, count, images=images, upload_names=upload_names)
    result = batch_send.send_batch(
        services.job_service(),
        client,
        model,
        plan.jobs,
        backend=backend,
        legacy=legacy,
        parent_id=parent_id,
        press_key=pressed_as,
    )
    watch_started(result.jobs)
    first = result.jobs[0] if result.jobs else None
    if first is not None:
        remember_started(first.id)  # the batch is drawn right under the button (components/generate/followup.py)
    if not result.failures:
        return None, first
    reasons = [api_refusal.explain(model, plan.jobs[f.number - 1].payload, f.error) for f in result.failures]
    if not result.started and len(set(reasons)) == 1 and not any(f.lost for f in result.failures):
        # Refused alike (no credits, a bad key, a setting the API refuses): said once.
        return ("error", f"None of the {len(result.jobs)} jobs was sent: {reasons[0]}"), first
    lines = [failure_text(f, reason) for f, reason in zip(result.failures, reasons, strict=True)]
    return ("error", " ".join([*lines, running_text(result)])), first
