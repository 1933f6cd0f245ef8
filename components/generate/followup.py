"""What follows a submit: the job just started, shown right under Generate, and "Try again" on a failed job.

Try again is one new, visible submit per press, through the same send path and double-click guard as
Generate (``generate_controls.send``/``claim_send``); nothing is ever resent on its own.
"""

from __future__ import annotations

import streamlit as st

from components.form.reuse import rebuild_payload
from components.generate.generate_controls import claim_send, send
from components.generate.price_tag import run_price
from components.jobs.batch_group import batch_group
from components.jobs.job_card import job_card
from components.jobs.job_words import model_name
from components.jobs.poller import TOASTS_KEY
from components.shell import services
from components.shell.started import remember_started, started_job_id
from components.shell.whose import may_run_again, seen_jobs
from videostudio.form.payload import validate_payload
from videostudio.form.run_price import sent_audio_seconds
from videostudio.history.store import Job, JobStatus
from videostudio.jobs.intent import run_again_key
from videostudio.library.kept_inputs import kept_input_paths, load_inputs


def send_again(job_id: str) -> tuple[str, str, Job | None]:
    """Send ``job_id``'s request once more (its uploads put back, a fresh seed): (kind, message, the new job)."""
    job = seen_jobs().get(job_id)
    if job is None:
        return ("error", "This job was deleted. Nothing was sent.", None)
    if not may_run_again(job):
        return ("error", "Only the person who made this job can send it again. Nothing was sent.", None)
    model = services.model_or_none(job.model_id)
    if model is None:
        return ("error", "This model is no longer in the studio. Nothing was sent.", None)
    payload, names, missing = rebuild_payload(job, model, load_inputs(job.inputs_dir, services.media_storage()))
    if missing:
        return ("error", "Some uploads of this job were not kept, so it cannot be sent again. Nothing was sent.", None)
    problems = validate_payload(model, payload)
    if problems:
        listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
        return ("error", f"These settings are no longer accepted ({listed}). Nothing was sent.", None)
    legacy = bool(job.endpoint and model.legacy_endpoint)
    # Priced as Generate would price it now, and checked against the spending limits with that price.
    price = run_price(
        model, payload, audio_seconds=sent_audio_seconds(model, payload), loading=services.prices_loading()
    )
    # The same request, so the same start: a continued job sent again still continues its parent.
    again = run_again_key(job_id)  # recorded with the new job: Run again waits while it runs (history/actions.py)
    new = send(model, payload, legacy=legacy, upload_names=names, parent_id=job.parent_id, price=price, press_key=again)
    if isinstance(new, str):
        return ("error", new, None)
    return ("ok", f"Started again: {model_name(job.model_id)}.", new)


def missing_uploads(job: Job) -> list[str]:
    """The payload paths of uploads this job sent that are no longer kept (so it cannot be sent again)."""
    if not job.media:
        return []
    kept = kept_input_paths(job.inputs_dir, services.media_storage())  # on every rerun: no need to read the files
    return [path for path in job.media if path not in kept]


def try_again_button(job: Job, key_prefix: str) -> None:
    """Under a failed job: "Try again" sends the same request once more, and shows the new job under Generate."""
    if job.status != JobStatus.FAILED or not may_run_again(job):
        return
    model = services.model_or_none(job.model_id)
    missing = missing_uploads(job)
    st.button(
        "Try again",
        icon=":material/replay:",
        key=f"try-again-{key_prefix}-{job.id}",
        on_click=_try_again,
        args=(job.id,),
        disabled=model is None or bool(missing) or st.session_state.get("submitting", False),
        help=(
            "This model is no longer in the studio's catalogue."
            if model is None
            else "An upload of this job was not kept; use its settings and upload it again."
            if missing
            else f"Send the same request once more, on {services.current_backend().label}"
        ),
    )


def _try_again(job_id: str) -> None:
    # Sent from the callback itself: it runs once per press, so a rerun can never send the request again.
    if not claim_send():
        return
    try:
        kind, text, new = send_again(job_id)
    finally:
        st.session_state["submitting"] = False
    if new is not None:
        remember_started(new.id)
        text += " It is shown under the Generate button."
    st.session_state.setdefault(TOASTS_KEY, []).append(
        (text, ":material/replay:" if kind == "ok" else ":material/error:")
    )


def started_job() -> None:
    """Right under Generate: the job (or batch) this session started last, with its progress, until it ends.

    Latest jobs shows it too while it runs (the note says so); once it has ended it is shown there only, so a
    finished job never appears twice on the page.
    """
    job_id = started_job_id()
    seen = seen_jobs()
    job = seen.get(job_id) if job_id else None
    if job is None:
        return
    members = seen.batch_members([job.batch_id]).get(job.batch_id, []) if job.batch_id else []
    if not any(member.is_active for member in members or [job]):
        return
    with st.container(key="started_job"):
        if len(members) > 1:
            # A batch: all its jobs, side by side, until every one of them has ended.
            st.success(
                f"Started: a batch of {len(members)}, {model_name(job.model_id)}. Their progress is right here "
                "below, and in Latest jobs. You can leave this page: they keep running.",
                icon=":material/rocket_launch:",
            )
            batch_group(members, key_prefix="started", actions=try_again_button, per_row=3)
            return
        st.success(
            f"Started: {model_name(job.model_id)}. Its progress is right here below, and in Latest jobs. "
            "You can leave this page: it keeps running.",
            icon=":material/rocket_launch:",
        )
        job_card(job, key_prefix="started", actions=try_again_button)
