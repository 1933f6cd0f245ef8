"""Copy as code: the request the studio sends, as cURL, Python and JavaScript, under the form and on every job.

Each tab is an ``st.code`` block, which has its own copy button. The code reads the key from
``AIMLAPI_API_KEY`` when it runs; the key is never put in it, so it never reaches the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import streamlit as st

from components.form.widgets import FormState, model_key
from components.shell import services
from components.shell.folds import folded_popover
from components.shell.markdown_text import markdown_safe
from videostudio.catalogue import Model
from videostudio.form.payload import Problem
from videostudio.history.store import Job
from videostudio.jobs.backends import Backend
from videostudio.library.kept_inputs import kept_input_paths, load_inputs
from videostudio.workflows.code.export import snippets
from videostudio.workflows.code.request import ApiRequest, request_from_job, request_from_payload

LABEL = "Copy as code"
ICON = ":material/code:"
# The real API's jobs take minutes: a fixed loop asks every 10 s, as the API's own examples do.
API_POLL_SECONDS = 10.0
# The code scrolls inside a block of this height, so the popover leaves the form and the note below in view.
CODE_HEIGHT = 420


def form_code(model: Model, payload: Mapping[str, Any], form: FormState, problems: list[Problem], legacy: bool) -> None:
    """Under Generate: the form's request as code once the form is valid; until then, what to fix."""
    key = model_key(model)
    about = "This request as a cURL, Python or JavaScript script"
    # Folded: the code is built and drawn only while the panel is open (components/shell/folds.py).
    with folded_popover(LABEL, key="form_code_open", icon=ICON, help=about) as shown:
        if not shown:
            return
        wrong = [(p.path, p.message) for p in problems] + list(form.input_errors.items())
        if wrong:
            fixes = "\n".join(f"- {_field(model, path)}: {markdown_safe(message)}" for path, message in wrong[:6])
            st.info(f"Fix the form first, then the code appears here:\n{fixes}", icon=":material/edit_note:")
            return
        backend = services.current_backend()
        base_url, options = backend.base_url(), _options(backend)
        request = request_from_payload(
            model, payload, base_url=base_url, legacy=legacy, upload_names=form.upload_names, **options
        )
        _tabs(request, key=f"form-{key}")


def job_code(job: Job, key_prefix: str) -> None:
    """On a job: "Copy as code", the request it sent (its uploads read from files named as they were uploaded).

    Folded: the request is rebuilt only while the panel is open, not for every card on every run."""
    if has_code(job):
        about = "The request this job sent, as a cURL, Python or JavaScript script"
        with folded_popover(LABEL, key=f"job-code-open-{key_prefix}-{job.id}", icon=ICON, help=about) as shown:
            if shown:
                job_code_body(job, key_prefix)


def has_code(job: Job) -> bool:
    """Joined clips were never a request; a job of an unknown backend has no address to send to."""
    return job.kind.was_sent and services.backends().get(job.backend) is not None


def job_code_body(job: Job, key_prefix: str) -> None:
    """The code of a job that ``has_code``: three tabs and its kept uploads, in whatever holds them."""
    backend = services.backends().get(job.backend)
    assert backend is not None
    model = services.model_or_none(job.model_id)
    request = request_from_job(
        job, base_url=backend.base_url(), title=model.name if model else job.model_id, **_options(backend)
    )
    _tabs(request, key=f"{key_prefix}-{job.id}")
    _kept_files(job, request, key=f"{key_prefix}-{job.id}")


def _tabs(request: ApiRequest, *, key: str) -> None:
    with st.container(key=f"copy-code-{key}"):
        codes = snippets(request)
        for tab, (_label, language, code) in zip(st.tabs([c[0] for c in codes]), codes, strict=True):
            with tab:
                st.code(code, language=language, height=CODE_HEIGHT)
        files = ", ".join(f"`{name}`" for name in request.file_names)
        st.caption(
            "Each run is a new generation. The code reads your key from the `AIMLAPI_API_KEY` environment variable; "
            "it is not written in it."
            + (f" Put {files} next to the script: the code reads the uploads from there." if files else "")
        )


def _kept_files(job: Job, request: ApiRequest, *, key: str) -> None:
    """The job's uploads the studio kept, to download under the names the code reads them by."""
    # Cheap on every rerun (from object storage, fetched into this machine's cache once); bytes read when pressed.
    kept = kept_input_paths(job.inputs_dir, services.media_storage())
    files = {upload.file_name: upload for upload in request.uploads if upload.path in kept}
    if not files:
        return
    with st.container(horizontal=True):
        for index, (name, upload) in enumerate(files.items()):
            st.download_button(
                name,
                data=partial(_input_bytes, job.inputs_dir, upload.path),
                file_name=name,
                mime=upload.mime,
                icon=":material/attach_file:",
                key=f"code-file-{key}-{index}",
                on_click="ignore",
                help="The upload this job sent: put it next to the script",
            )


def _input_bytes(inputs_dir: str | None, path: str) -> bytes:
    return load_inputs(inputs_dir, services.media_storage()).get(path, ("", b"", ""))[1]


def _options(backend: Backend) -> dict[str, Any]:
    """The loop's pace and patience as the studio's for ``backend``, and what to say about it."""
    return {
        "poll_seconds": API_POLL_SECONDS if backend.bills else max(1.0, backend.policy.interval),
        "give_up_seconds": services.settings().job_deadline_seconds,
        "note": "" if backend.bills else f"{backend.label}: the videos are simulated and any key works.",
    }


def _field(model: Model, path: str) -> str:
    top = path.split(".", 1)[0]
    return markdown_safe(model.label(top) if top in model.properties else path or "The form")
