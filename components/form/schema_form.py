"""One form for every model, drawn from the FieldSpecs its schema gives (videostudio.form.fields).

Each field is drawn by its kind's object in the widget registry (components/form/widgets/), keyed by model
and path, and keeps its value for the session, so switching models and coming back loses nothing.
Under each field sits a slot where its problem is shown once the whole form has been read and validated; under
the prompt, the prompt helper.

The optional extras sit under a folded **Advanced** panel, drawn only while it is open: a shut panel's fields are
read from the session (``held_field``) and cost the first screen nothing. A model with an extra that must be drawn to
be read (an upload, a painted mask) draws them all, shut or open.
"""

from __future__ import annotations

from collections.abc import Collection

import streamlit as st

from components.form.prompt_helper import prompt_helper
from components.form.widgets import FormState, all_held, draw_field, field_key, held_field, model_key
from components.form.widgets.base import form_scope, scope_key
from components.shell.folds import folded_expander
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, form_fields

__all__ = [
    "ADVANCED",
    "ADVANCED_OPEN",
    "FormState",
    "advanced_key",
    "draw_form",
    "field_key",
    "form_scope",
    "model_key",
]

ADVANCED = "Advanced"
ADVANCED_OPEN = "form_advanced_open"  # whether Generate's Advanced panel is open; a form scope prefixes it


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
        _advanced(extras, model, state)
    prompt_helper(model, state)  # under the prompt, once the start image is known too
    return state


def advanced_key() -> str:
    """The session key that says whether this form's Advanced panel is open (one per form scope, for every model)."""
    return scope_key(ADVANCED_OPEN)


def _advanced(extras: list[FieldSpec], model: Model, state: FormState) -> None:
    with folded_expander(ADVANCED, key=advanced_key(), icon=":material/tune:") as shown:
        held = {} if shown else {spec.name: held_field(spec, model, spec.path) for spec in extras}
        if shown or not all_held(held.values()):
            for spec in extras:
                state.values[spec.name] = draw_field(spec, model, spec.path, state)
            return
    state.values.update(held)
    problems_slot = st.container()  # a held field's problem shows under the panel, named
    for spec in extras:
        state.slots[spec.path] = problems_slot
        state.folded[spec.path] = (spec.label, ADVANCED)
