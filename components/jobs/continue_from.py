"""Continue from here: a finished video's last frame becomes the start image of a new job.

"Continue from here" (on a finished video's card) is a link, ``/?continue=<job id>``: Generate then extracts the last
frame (videostudio.library.chain.job_last_frame), keeps it in the session under ``CONTINUE_KEY`` and opens the model
browser on the "Animate a picture" task. A link, not a button that switches page: from inside History's dialog such a
switch could leave the next page blank under load (see components/shell/job_link.compare_link). Whichever
image-to-video model the person then chooses gets the frame in its start-image field, as an upload would, and the
prompt kept.
A job sent with that frame records the continued job as its ``parent_id``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from components.form.widgets import MISSING, Saved, restore_field
from components.form.widgets.base import field_key, model_key, payload_path
from components.jobs.job_words import job_title
from components.models.model_browser import BROWSER_OPEN
from components.shell import services
from components.shell.job_link import GENERATE_PAGE
from components.shell.whose import may_generate, seen_jobs
from videostudio.catalogue import Model, Task, start_image_path
from videostudio.form.fields import form_fields
from videostudio.form.payload import leaves
from videostudio.history.store import Job
from videostudio.library.chain import STUDIO_MADE, ChainError, job_last_frame

# The continuation under way in this session (a Continuation), until sent from or stopped.
CONTINUE_KEY = "chain_continue"
# The model browser's task filter (components/models/model_browser.py: model_filters with the "browser" prefix).
BROWSER_TASKS_KEY = "browser_tasks"
# Generate's address parameter naming the job to continue from.
CONTINUE_PARAM = "continue"
FRAME_NAME = "last-frame.png"


@dataclass
class Continuation:
    """The job continued, its last frame, its prompt, and what each model's start image was set to."""

    job_id: str
    title: str
    frame: bytes
    prompt: str
    sent_values: dict[str, str] = field(default_factory=dict)  # model id → the start image's value as sent


def continue_button(job: Job, key_prefix: str) -> None:
    """Under a finished video kept on this computer: "Continue from here", a link to Generate (for a role that
    generates)."""
    if not job.has_local_video or not may_generate():
        return
    with st.container(key=f"continue-{key_prefix}-{job.id}", width="content"):
        st.page_link(
            GENERATE_PAGE,
            label="Continue from here",
            icon=":material/start:",
            query_params={CONTINUE_PARAM: job.id},
            help="Start a new video from this one's last frame, with an image-to-video model",
        )


def follow_continue_link() -> None:
    """First on Generate: a ``?continue=<job id>`` address starts continuing from that job, once."""
    job_id = st.query_params.get(CONTINUE_PARAM)
    if job_id is None:
        return
    del st.query_params[CONTINUE_PARAM]  # followed once: a reload does not take the frame again
    job = seen_jobs().get(job_id)  # another person's job that isn't shared reads as none: never confirmed
    if job is None or not job.has_local_video:
        st.warning(
            "That video cannot be continued: it was deleted, or it is not a finished video kept on this computer.",
            icon=":material/link_off:",
        )
        return
    problem = start_continuing(job)
    if problem is not None:
        st.error(f"Cannot continue from this video: {problem}", icon=":material/error:")


def start_continuing(job: Job) -> str | None:
    """Take ``job``'s last frame and set Generate up to continue from it; why not, if its video cannot be read."""
    state = st.session_state
    try:
        frame = job_last_frame(job, services.media_storage())
    except ChainError as exc:
        return str(exc)
    prompt = "" if job.model_id in STUDIO_MADE else job.prompt  # "Joined 3 clips" is no prompt
    state[CONTINUE_KEY] = Continuation(job.id, job_title(job), frame, prompt)
    # The browser opens on the image-to-video models: any of them can take the frame.
    state[BROWSER_OPEN] = True
    state[BROWSER_TASKS_KEY] = Task.IMAGE
    return None


def continuation() -> Continuation | None:
    return st.session_state.get(CONTINUE_KEY)


def continue_note(model: Model) -> None:
    """On Generate, above the form: what is being continued; puts the frame into the chosen model's start image."""
    current = continuation()
    if current is None:
        return
    path = start_image_path(model.schema, model.media)
    with st.container(key="continue_note"):
        if path is None:
            st.info(f"Continuing from {current.title}: choose an image-to-video model.", icon=":material/start:")
        else:
            st.info(
                f"Continuing from {current.title}: its last frame is the start image of {model.name}.",
                icon=":material/start:",
            )
            if model.id not in current.sent_values:
                _fill_form(model, path, current)
        st.button("Stop continuing", key="continue_stop", icon=":material/close:", on_click=stop_continuing)


def stop_continuing() -> None:
    st.session_state.pop(CONTINUE_KEY, None)


def _fill_form(model: Model, path: str, current: Continuation) -> None:
    """Put the frame in ``path`` (as an upload is put back) and the prompt in the prompt field, once per model."""
    saved = Saved(media={}, inputs={path: (FRAME_NAME, current.frame, "image/png")})
    top = path.split(".")[0]
    for spec in form_fields(model):
        if spec.name == top:
            restore_field(spec, model, spec.path, _nested(path, top) if "." in path else MISSING, saved)
        elif spec.name == "prompt" and current.prompt:
            restore_field(spec, model, spec.path, current.prompt, saved)
    prepared = _prepared_at(model, path)
    # What the form will send for the start image: a job sending it continues the job.
    current.sent_values[model.id] = prepared.data_uri if prepared is not None else ""
    for note in saved.notes:
        st.warning(note)


def _prepared_at(model: Model, path: str) -> Any:
    """The prepared upload the form holds for the payload path ``path`` (drawn at ``path``, or in a variant
    at ``keyframes.frame0~0.url``)."""
    state = st.session_state
    exact = state.get(f"{field_key(model, path)}__prepared")
    if exact is not None:
        return exact
    prefix, suffix = f"{model_key(model)}__", "__prepared"
    for key in list(state.keys()):
        if key.startswith(prefix) and key.endswith(suffix) and payload_path(key[len(prefix) : -len(suffix)]) == path:
            return state[key]
    return None


def _nested(path: str, top: str) -> Any:
    # A start image inside a group (Luma's keyframes.frame0.url): the group's value with the image in place.
    value: dict[str, Any] = {}
    node = value
    parts = path.split(".")[1:]
    for part in parts[:-1]:
        node = node.setdefault(part, {"type": "image"})
    node[parts[-1]] = FRAME_NAME
    return value


def continued_from(model: Model, payload: dict[str, Any]) -> str | None:
    """The job this payload continues: the one whose last frame is in its start image, if it is."""
    current = continuation()
    path = start_image_path(model.schema, model.media)
    if current is None or path is None or not current.sent_values.get(model.id):
        return None
    sent = dict(leaves(payload)).get(path)
    return current.job_id if sent == current.sent_values[model.id] else None
