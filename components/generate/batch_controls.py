"""Beside Generate: "How many" (1 to 8 jobs in one press), and sending a batch as one press.

The double-click guard is Generate's own (``generate_controls.claim_send`` and the press key in the history): a
batch is identified by its payload, its count and its images (``videostudio.jobs.batches.intent_payload``), so pressing
again on an unchanged form, in any tab of the browser, never sends a second batch. The press is sent by the core
(``videostudio.jobs.press.send_press``), every job recorded with the press key before the first request leaves; a job
that fails to send is named here ("Job 2 of 3 was not sent: ..."), the others run. "How many" goes back to 1 on
another form.
"""

from __future__ import annotations

import streamlit as st

from components.form import api_refusal
from components.shell.folds import folded_popover
from components.shell.whose import seen_jobs
from videostudio.catalogue import Model
from videostudio.history.store import Job
from videostudio.jobs.batches import MAX_COUNT, failure_text, press_state, running_text, seed_bounds
from videostudio.jobs.press import Images, PressResult, jobs_in_press

HOW_MANY_KEY = "generate_how_many"
# Whose "How many" the count is: a model's form, and the job it continues, if any. Another model, or Continue
# from here, starts again at 1: a count chosen for one form must not silently multiply another's price.
HOW_MANY_FOR_KEY = "generate_how_many_for"
HOW_MANY_OPEN = "generate_how_many_open"  # whether the How many popover is open


def how_many(form: str) -> int:
    """The "How many" choice for ``form``: jobs to send per press (per image, when several start images are given).

    A button that says the count ("How many: 1") opens a row of buttons 1 to 8; the row is drawn only while it is
    open (components/shell/folds.py), so the first screen loads no code for it. It goes back to 1 when ``form``
    changes (another model, a job continued); the person may set it again.
    """
    state = st.session_state
    if state.get(HOW_MANY_FOR_KEY) != form:
        state[HOW_MANY_FOR_KEY] = form
        state[HOW_MANY_KEY] = 1  # before the widget is drawn: the only moment its value may be set
    count = int(state.get(HOW_MANY_KEY, 1))
    about = (
        f"Send 1 to {MAX_COUNT} jobs with these settings in one press, each with its own seed where the model has one. "
        "Each job is billed."
    )
    # A press in the row reruns the page with the new count already in the session: the button says it too.
    with folded_popover(f"How many: {count}", key=HOW_MANY_OPEN, icon=":material/stacks:", help=about) as shown:
        if shown:
            st.segmented_control(
                "How many",
                options=list(range(1, MAX_COUNT + 1)),
                required=True,
                key=HOW_MANY_KEY,
                persist_state="session",
                help=about,
            )
    return count


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
    return press_state(job, seen_jobs().batch_members([job.batch_id]).get(job.batch_id, []))


def press_message(model: Model, result: PressResult) -> tuple[str, str] | None:
    """What to tell the person after a press: None when every job went; each failure in plain words otherwise."""
    failures = result.sent.failures
    if not failures:
        return None
    reasons = [api_refusal.explain(model, result.payloads[f.number - 1], f.error) for f in failures]
    if not result.is_batch:
        return ("error", reasons[0])
    sent = result.sent
    if not sent.started and len(set(reasons)) == 1 and not any(f.lost for f in failures):
        # Refused alike (no credits, a bad key, a setting the API refuses): said once.
        return ("error", f"None of the {len(sent.jobs)} jobs was sent: {reasons[0]}")
    lines = [failure_text(f, reason) for f, reason in zip(failures, reasons, strict=True)]
    return ("error", " ".join([*lines, running_text(sent)]))
