"""The model picker, and the Generate button with its guard against double submits."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import streamlit as st

from components import api_refusal, services
from components.model_browser import NOT_OFFERED, model_browser
from components.price_tag import price_tag
from components.schema_form import FormState, model_key
from components.sidebar import endpoint_choice_on
from components.started import remember_started
from videostudio.catalogue import Model
from videostudio.errors import StudioError
from videostudio.payload import Problem, build_payload, validate_payload
from videostudio.store import Job

# Clicks this soon after a submit are the rest of a double click, not a new request.
DOUBLE_CLICK_SECONDS = 2.0


def pick_model() -> Model:
    """The model browser (components/model_browser.py): the chosen model, also in ``?model=``."""
    return model_browser()


def claim_send() -> bool:
    """Call first in a send button's callback (which runs once per press): False means drop this press.

    A second press while the first is being sent, or just after, is the rest of a double click: the API
    charges per submit, so one press is one job. The claimer sets ``submitting`` back to False when done.
    """
    state = st.session_state
    if state.get("submitting") or time.monotonic() - state.get("submitted_at", 0.0) < DOUBLE_CLICK_SECONDS:
        return False
    state["submitting"] = True
    return True


def send(
    model: Model, payload: dict[str, Any], *, legacy: bool = False, upload_names: Mapping[str, str] | None = None
) -> Job | str:
    """Submit once on this session's backend: the new job, or what to tell the person (nothing was sent or paid)."""
    backend = services.backend()
    client = services.client_for(backend)
    if client is None:
        return "Add your API key in the sidebar, or switch to the offline demo. Nothing was sent."
    try:
        return services.job_service().submit(
            client, model, payload, backend=backend, legacy=legacy, upload_names=upload_names
        )
    except StudioError as exc:
        return api_refusal.explain(model, payload, exc)
    finally:
        st.session_state["submitted_at"] = time.monotonic()


def _request_generate(key: str) -> None:
    # Runs before the script; the form is read and sent in the script body, with this run's values.
    if claim_send():
        st.session_state["generate_requested"] = key
        st.session_state[f"{key}__attempted"] = True


def generate_controls(model: Model, form: FormState) -> None:
    """Validate the form, show its problems, and send it once when Generate is pressed and it is valid."""
    key = model_key(model)
    payload = build_payload(model, form.values)
    problems = validate_payload(model, payload)
    refused = api_refusal.refused_field(model, payload)  # shown under its field; it does not block a new try
    form.show(
        problems + ([refused] if refused else []), include_missing=st.session_state.get(f"{key}__attempted", False)
    )
    legacy = False
    if model.legacy_endpoint and endpoint_choice_on():
        with st.expander("Endpoint", icon=":material/lan:"):
            legacy = st.toggle(
                f"Send to the legacy vendor endpoint ({model.legacy_endpoint})",
                key=f"{key}__legacy",
                persist_state="session",
                help="Older integrations used per-vendor URLs. The universal endpoint is recommended.",
            )

    backend = services.backend()
    price_tag(model, payload)
    st.button(
        "Generate",
        type="primary",
        icon=":material/movie:",
        key="generate",
        on_click=_request_generate,
        args=(key,),
        disabled=st.session_state.get("submitting", False) or not model.offered,
    )
    if not model.offered:
        st.caption(f"This model is {NOT_OFFERED}, so it cannot be sent. Choose another model above.")
    st.caption(f"Runs on: {services.BACKEND_NAMES[backend]}")

    if st.session_state.pop("generate_requested", None) == key:
        # The request flag is gone before anything is sent, so a rerun can never send it again.
        try:
            st.session_state["submit_message"] = _submit(model, payload, problems, form, legacy)
        finally:
            st.session_state["submitting"] = False
        st.rerun()
    message = st.session_state.pop("submit_message", None)
    if message:
        kind, text = message
        (st.success if kind == "ok" else st.error)(text)


def _submit(
    model: Model, payload: dict[str, Any], problems: list[Problem], form: FormState, legacy: bool
) -> tuple[str, str] | None:
    if problems or form.input_errors:
        return ("error", "Some settings need attention (marked above). Nothing was sent.")
    sent = send(model, payload, legacy=legacy, upload_names=form.upload_names)
    if isinstance(sent, str):
        return ("error", sent)
    # The confirmation is drawn with the job itself, right under the button, until it ends (components/followup.py).
    remember_started(sent.id)
    return None
