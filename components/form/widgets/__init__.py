"""The widget registry: one object per widget kind, chosen by a lookup on the kind the schema gives.

``videostudio.form.fields.WIDGET_RULES`` decides the kind of each field (pure, no Streamlit); ``WIDGETS[kind]``
draws it and returns its value, reads it without drawing it (a shut Advanced panel), puts a saved value back
("Use these settings"), and describes it (the Models page). A new kind is a ``Widget`` member plus one object here;
tests/test_widgets.py fails until it has all four, and tests/test_folded_advanced.py until what it reads is what
it draws.
"""

from __future__ import annotations

from components.form.widgets import brush, choice, groups, media, numbers, text
from components.form.widgets.base import (
    MISSING,
    NOT_HELD,
    WIDGETS,
    FieldWidget,
    FormState,
    Inputs,
    Saved,
    all_held,
    describe_field,
    draw_field,
    field_key,
    held_field,
    model_key,
    payload_path,
    restore_field,
)

__all__ = [
    "MISSING",
    "NOT_HELD",
    "WIDGETS",
    "FieldWidget",
    "FormState",
    "Inputs",
    "Saved",
    "all_held",
    "describe_field",
    "draw_field",
    "field_key",
    "held_field",
    "model_key",
    "payload_path",
    "restore_field",
]

# The registry is filled here, once every kind's module is loaded; the kinds that draw children (groups) look
# their children up in it at draw time, through base.draw_field, so no kind imports this package.
WIDGETS.update(
    {
        **choice.WIDGETS,
        **numbers.WIDGETS,
        **text.WIDGETS,
        **media.WIDGETS,
        **groups.WIDGETS,
        **brush.WIDGETS,
    }
)
