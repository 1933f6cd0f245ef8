"""A request the API refused (a 400): the field it names is highlighted, for as long as it holds what was sent.

The message above the Generate button promises "the highlighted setting" only when there is one; when the
API's answer names no field of the form, it says nothing of highlights.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import streamlit as st

from components.form.schema_form import model_key
from videostudio.api.errors import BadRequestError, StudioError
from videostudio.catalogue import Model
from videostudio.form.payload import Problem


def _state_key(model: Model) -> str:
    return f"{model_key(model)}__refused"


def _fingerprint(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()


def explain(model: Model, payload: dict[str, Any], error: StudioError) -> str:
    """What to tell the person about ``error``; remembers the field a refusal names so the form can mark it."""
    field = error.named_field(model.field_names()) if isinstance(error, BadRequestError) else None
    if field is None:
        st.session_state.pop(_state_key(model), None)
        return str(error)
    top = field.split(".")[0]
    detail = error.detail or error.message
    st.session_state[_state_key(model)] = (field, _fingerprint(payload.get(top)), detail)
    return f"{error.message} Check the highlighted setting and try again."


def refused_field(model: Model, payload: dict[str, Any]) -> Problem | None:
    """The API's refusal as a problem under its field, while that field still holds the refused value."""
    saved = st.session_state.get(_state_key(model))
    if not saved:
        return None
    field, fingerprint, detail = saved
    if _fingerprint(payload.get(field.split(".")[0])) != fingerprint:
        st.session_state.pop(_state_key(model), None)  # changed since: the refusal no longer applies
        return None
    return Problem(field, f"The AI/ML API refused this setting: {detail}")
