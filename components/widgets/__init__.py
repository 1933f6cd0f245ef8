"""The widget registry: one object per widget kind, chosen by a lookup on the kind the schema gives.

``videostudio.form.WIDGET_RULES`` decides the kind of each field (pure, no Streamlit); ``WIDGETS[kind]``
draws it and returns its value, puts a saved value back ("Use these settings"), and describes it
(the Models page). A new kind is a ``Widget`` member plus one object here; tests/test_widgets.py fails
until it has all three.
"""

from __future__ import annotations

from components.widgets import brush, choice, groups, media, numbers, text
from components.widgets.base import (
    MISSING,
    WIDGETS,
    FieldWidget,
    FormState,
    Inputs,
    Saved,
    describe_field,
    draw_field,
    field_key,
    model_key,
    payload_path,
    restore_field,
)

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
