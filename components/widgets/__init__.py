"""The widget registry: one object per widget kind, chosen by a lookup on the kind the schema gives.

``videostudio.form.field_spec`` decides the kind of each field (pure, no Streamlit); ``WIDGETS[kind]``
draws it and returns its value, puts a saved value back ("Use these settings"), and describes it
(the Models page). A new kind is a ``Widget`` member plus one object here; tests/test_widgets.py fails
until it has all three.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.widgets.base import (
    MISSING,
    FieldWidget,
    FormState,
    Inputs,
    Saved,
    field_key,
    model_key,
    payload_path,
)
from videostudio.catalogue import Model
from videostudio.form import FieldSpec, Widget

__all__ = [
    "MISSING",
    "WIDGETS",
    "FieldWidget",
    "FormState",
    "Inputs",
    "Saved",
    "describe_field",
    "draw_field",
    "field_key",
    "model_key",
    "payload_path",
    "restore_field",
]

# Imported after the names above: the group kinds draw their children through this module.
from components.widgets import brush, choice, groups, media, numbers, text  # noqa: E402

WIDGETS: dict[Widget, FieldWidget] = {
    **choice.WIDGETS,
    **numbers.WIDGETS,
    **text.WIDGETS,
    **media.WIDGETS,
    **groups.WIDGETS,
    **brush.WIDGETS,
}


def draw_field(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    """Draw one field at ``path`` (which carries list indices), leave a slot for its problem, return its value."""
    value = WIDGETS[spec.widget].draw(spec, model, path, state)
    state.slots[payload_path(path)] = st.empty()
    return value


def restore_field(spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
    """Put ``value`` (or MISSING: the job did not send it) back into the session state of the field at ``path``."""
    WIDGETS[spec.widget].restore(spec, model, path, value, saved)


def describe_field(spec: FieldSpec) -> str:
    """The values a field takes, in plain words."""
    return WIDGETS[spec.widget].describe(spec)
