"""What a person can do with an opened job: reuse its settings, run it again, share it, delete it, export it.

Each action shows only to whom it belongs (components/shell/whose.py, videostudio/team/access.py): Use these settings
and Run again to a role that generates, on a job it may change; Share and Delete to who may change it (its owner, or
an admin). A job shared with someone is theirs to watch and export, nothing more; each callback asks again.
"""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.form.reuse import prefill_generate_form
from components.generate.followup import missing_uploads, send_again
from components.generate.generate_controls import claim_send, forget_sent_settings
from components.history.detail import MESSAGE_KEY, open_job
from components.history.export import jobs_json
from components.history.join_clips import join_chain_button
from components.jobs.job_words import model_name
from components.jobs.poller import TOASTS_KEY
from components.shell import services
from components.shell.job_link import GENERATE_PAGE, compare_link
from components.shell.whose import may_change, may_run_again, seen_jobs, sees_prices
from videostudio.catalogue import Model
from videostudio.history.store import Job
from videostudio.jobs.intent import run_again_key
from videostudio.library.videos import delete_job_files, download_name

# The job whose Delete was pressed and now waits for "Delete for good".
CONFIRM_KEY = "history_confirm_delete"


def job_actions(job: Job, model: Model | None) -> None:
    """The action row under an opened job, and the delete confirmation when asked for."""
    buttons = st.container(horizontal=True)
    if not job.kind.was_sent:
        _joined_actions(job, buttons)
        return
    if may_run_again(job):
        _reuse_buttons(job, model, buttons)
    _delete_and_export(job, buttons)


def _reuse_buttons(job: Job, model: Model | None, buttons: DeltaGenerator) -> None:
    state = st.session_state
    unknown = "This model is no longer in the studio's catalogue." if model is None else None
    if buttons.button(
        "Use these settings",
        icon=":material/edit_note:",
        key=f"history_reuse_{job.id}",
        disabled=model is None,
        help=unknown or "Open Generate with this model and these settings filled in, uploads included",
    ):
        assert model is not None
        _use_settings(job, model)
    missing = [model.label(path) if model else path for path in missing_uploads(job)]
    seed = ", with a new seed" if model and "seed" in model.properties else ""
    running = _running_again(job)
    buttons.button(
        "Run again",
        icon=":material/replay:",
        key=f"history_run_again_{job.id}",
        on_click=_request_run_again,
        args=(job.id,),
        # The same guard as Generate: one press is one job, the API charges per submit.
        disabled=model is None or bool(missing) or running is not None or state.get("submitting", False),
        help=unknown
        or (f"The upload for {', '.join(missing)} was not kept, so it cannot be sent again." if missing else None)
        or running
        or f"Send the same request now{seed}, on {services.current_backend().label}",
    )
    with buttons:
        join_chain_button(job)


def _joined_actions(job: Job, buttons: DeltaGenerator) -> None:
    # No model ran it, so Use these settings and Run again do not apply: the clips it joined are its settings.
    clips = job.params.get("clips") or []
    st.caption(f":material/movie_edit: Joined clips: {len(clips)} finished videos put end to end on this computer.")
    _delete_and_export(job, buttons)


def _delete_and_export(job: Job, buttons: DeltaGenerator) -> None:
    state = st.session_state
    changeable = may_change(job)
    if changeable:
        buttons.button(
            "Delete",
            icon=":material/delete:",
            key=f"history_delete_{job.id}",
            on_click=_ask_delete,
            args=(job.id,),
            disabled=job.is_active,
            help="Wait until it finishes to delete it" if job.is_active else "Remove the job and its files",
        )
        _share_button(job, buttons)
    buttons.download_button(
        "Export",
        data=jobs_json([job], prices=sees_prices()),
        file_name=download_name(job.model_id, job.created_at.astimezone(), job.prompt).removesuffix(".mp4") + ".json",
        mime="application/json",
        icon=":material/download:",
        key=f"history_export_{job.id}",
        on_click="ignore",
        help="This job's settings, usage and links as JSON",
    )
    with buttons:
        compare_link(
            [job.id],
            "Compare with…",
            disabled=not job.has_local_video,
            help="Play this video side by side with others you pick, in sync"
            if job.has_local_video
            else "Only a finished video kept on this computer can be compared",
        )
    if changeable and state.get(CONFIRM_KEY) == job.id:
        _confirm_delete(job)


def _share_button(job: Job, buttons: DeltaGenerator) -> None:
    """Share with the team / Stop sharing: members may then watch it by its link (viewing only)."""
    if job.owner is None:
        return  # made without sign-in: nobody else to share it with
    buttons.button(
        "Stop sharing" if job.shared else "Share with the team",
        icon=":material/group_off:" if job.shared else ":material/group:",
        key=f"history_share_{job.id}",
        on_click=_set_shared,
        args=(job.id, not job.shared),
        help="Members will no longer see it"
        if job.shared
        else "Members can then open it by its link and watch it; only you can change or delete it",
    )


def _set_shared(job_id: str, shared: bool) -> None:
    seen = seen_jobs()
    job = seen.get(job_id)
    if job is not None and seen.share(job, shared) is not None:
        st.session_state[MESSAGE_KEY] = (
            "ok",
            "Shared with the team: members who open its link can watch it."
            if shared
            else "No longer shared: only you (and admins) can see it.",
        )


def _use_settings(job: Job, model: Model) -> None:
    notes = prefill_generate_form(job, model)
    # Choosing an old job's settings is a deliberate new start: Generate sends them even if just sent.
    forget_sent_settings()
    # Shown by the sidebar tray on the Generate page's run (a toast fired before switching would be lost).
    toasts = st.session_state.setdefault(TOASTS_KEY, [])
    toasts.append((f"{model.name}: settings from the job are filled in.", ":material/edit_note:"))
    toasts.extend((note, ":material/info:") for note in notes)
    st.switch_page(GENERATE_PAGE)


def _running_again(job: Job) -> str | None:
    """Why Run again waits, when it does: this job is running, or the one it was just run again as still is.

    A second press on Run again is then the rest of the first (the same intention), not a new job.
    """
    if job.is_active:
        return "This job is running: press Run again once it has finished."
    # Read from the history, not the session: a press stopped right after its send noted nothing there.
    if any(again.is_active for again in seen_jobs().pressed(run_again_key(job.id))):
        return "This job was just run again, and that run is still going."
    return None


def _request_run_again(job_id: str) -> None:
    # Sent from the callback itself: it runs once per press, so a rerun can never send the request again.
    if not claim_send():
        return
    try:
        job = seen_jobs().get(job_id)
        # A late press on a button that is disabled by now, or gone (the job is no longer this person's to run).
        if job is not None and (not may_run_again(job) or _running_again(job)):
            return  # a late press on a button that is disabled by now
        kind, text, new = send_again(job_id)
    finally:
        st.session_state["submitting"] = False
    if new is not None:
        open_job(new.id)
        text += " It is open here, and listed in the sidebar."
    st.session_state[MESSAGE_KEY] = (kind, text)


def _confirm_delete(job: Job) -> None:
    with st.container(border=True, key="history_confirm"):
        st.warning(
            "Delete this job from the history, with its files on this computer? "
            "This cannot be undone. The provider's copy is not affected.",
            icon=":material/delete_forever:",
        )
        with st.container(horizontal=True):
            st.button("Delete for good", type="primary", key="history_delete_yes", on_click=_delete, args=(job.id,))
            st.button("Keep it", key="history_delete_no", on_click=_cancel_delete)


def _ask_delete(job_id: str) -> None:
    st.session_state[CONFIRM_KEY] = job_id


def _cancel_delete() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def _delete(job_id: str) -> None:
    state = st.session_state
    state.pop(CONFIRM_KEY, None)
    store = services.job_service().store
    job = seen_jobs().get(job_id)
    if job is None or job.is_active or not may_change(job):
        return  # already gone (another tab), started polling again, or not this person's: nothing to do now
    store.delete([job.id])
    # After the row: the files check which other jobs still use the same uploads.
    delete_job_files(job, services.media_storage(), store)
    open_job(None)
    state.setdefault(TOASTS_KEY, []).append((f"Deleted: {model_name(job.model_id)} job.", ":material/delete:"))
