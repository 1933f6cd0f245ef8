"""One form for every model, drawn from the FieldSpecs its schema gives (videostudio.form.fields).

Each field is drawn by its kind's object in the widget registry (components/form/widgets/), keyed by model
and path, and keeps its value for the session, so switching models and coming back loses nothing.
Under each field sits a slot where its problem is shown once the whole form has been read and validated; under
the prompt, the prompt helper.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from components.form.prompt_helper import prompt_helper
from components.form.widgets import FormState, draw_field, field_key, model_key
from components.form.widgets.base import form_scope
from videostudio.catalogue import Model
from videostudio.form.fields import form_fields

__all__ = ["FormState", "draw_form", "field_key", "form_scope", "model_key"]


def draw_form(model: Model, leave_out: Collection[str] = ()) -> FormState:
    """Draw ``model``'s form: main fields first, optional extras under Advanced.

    ``leave_out``: top-level fields drawn elsewhere (a storyboard shot's start picture).
    """
    state = FormState()
    specs = [spec for spec in form_fields(model) if spec.name not in leave_out]
    for spec in (s for s in specs if not s.advanced):
        state.values[spec.name] = draw_field(spec, model, spec.path, state)
    extras = [s for s in specs if s.advanced]
    if extras:
        with st.expander("Advanced", icon=":material/tune:"):
            for spec in extras:
                state.values[spec.name] = draw_field(spec, model, spec.path, state)
    prompt_helper(model, state)  # under the prompt, once the start image is known too
    return state
