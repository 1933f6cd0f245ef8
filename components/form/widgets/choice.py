"""Fields picked from fixed values: a select box, a row of buttons, a switch, a fixed value, and the
field the studio cannot draw."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.form.widgets.base import (
    FormState,
    Saved,
    field_key,
    given,
    help_text,
    kept,
    label,
    option_label,
    put,
)
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget


class Select:
    """A select box. An optional list that has its own "Auto" offers it as the empty choice, never beside it."""

    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        options, auto = auto_choices(spec)
        index = _starting_index(spec, options)
        return st.selectbox(
            label(spec),
            options,
            index=index,
            format_func=lambda o: option_label(spec, o),
            placeholder=f"{option_label(spec, auto)}: the model decides" if auto else "Not set: the model decides",
            key=field_key(model, path),
            help=help_text(spec),
            persist_state="session",
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        options, _auto = auto_choices(spec)
        index = _starting_index(spec, options)
        return kept(field_key(model, path), None if index is None else options[index])

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        options, auto = auto_choices(spec)
        chosen = _saved_option(spec, value, first_if_required=True)
        put(field_key(model, path), chosen if chosen in options else None)

    def describe(self, spec: FieldSpec) -> str:
        return ", ".join(option_label(spec, o) for o in spec.options)


def _starting_index(spec: FieldSpec, options: list[Any]) -> int | None:
    return options.index(spec.default) if spec.default in options else (0 if spec.required else None)


def auto_choices(spec: FieldSpec) -> tuple[list[Any], Any]:
    """The options to list, and the "Auto" option that the empty choice stands for (or None).

    Sending nothing lets the model decide, which is what its "Auto" means: listing both would offer one
    choice twice under two names.
    """
    options = list(spec.options)
    auto = next((o for o in options if isinstance(o, str) and o.strip().lower() == "auto"), None)
    if auto is None or spec.required:
        return options, None
    return [o for o in options if o != auto], auto


class Segmented:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        return st.segmented_control(
            label(spec),
            list(spec.options),
            default=_starting_segment(spec),
            format_func=lambda o: option_label(spec, o),
            key=field_key(model, path),
            help=help_text(spec),
            persist_state="session",
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return kept(field_key(model, path), _starting_segment(spec))

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        put(field_key(model, path), _saved_option(spec, value, first_if_required=False))

    def describe(self, spec: FieldSpec) -> str:
        return ", ".join(option_label(spec, o) for o in spec.options)


def _starting_segment(spec: FieldSpec) -> Any:
    return spec.default if spec.default in spec.options else None


def _saved_option(spec: FieldSpec, value: Any, *, first_if_required: bool) -> Any:
    options = list(spec.options)
    if given(value) and value in options:
        return value
    if spec.default in options:
        return spec.default
    return options[0] if first_if_required and spec.required and options else None


class Toggle:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> bool:
        return st.toggle(
            label(spec),
            value=bool(spec.default),
            key=field_key(model, path),
            help=help_text(spec),
            persist_state="session",
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> bool:
        return kept(field_key(model, path), bool(spec.default))

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        put(field_key(model, path), bool(value) if given(value) else bool(spec.default))

    def describe(self, spec: FieldSpec) -> str:
        return "on or off"


class Const:
    """A value the schema fixes: always sent, never typed. Inside a variant the variant's choice already says it."""

    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        if spec.const is not None and "~" not in path:
            st.markdown(f"{spec.label}: `{spec.const}`", help="This value is fixed by the model. " + (spec.help or ""))
        return spec.const

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return spec.const

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        # Nothing to put back: the value is fixed.
        return None

    def describe(self, spec: FieldSpec) -> str:
        return "nothing" if spec.const is None else f"always {spec.const}"


UNSUPPORTED_MESSAGE = "This setting can't be edited here; the model's default is used."
UNSUPPORTED_REQUIRED = "This setting can't be edited here, and the model needs it: it can't be sent from here yet."


class Unsupported:
    """A construct the studio cannot draw: the field says so and sends nothing, so the API's default applies."""

    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> None:
        st.markdown(label(spec), help=help_text(spec))
        st.info(UNSUPPORTED_REQUIRED if spec.required else UNSUPPORTED_MESSAGE, icon=":material/block:")
        return None

    def held(self, spec: FieldSpec, model: Model, path: str) -> None:
        return None

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        if given(value):
            saved.notes.append(f"{spec.label}: can't be edited here, so the model's default is used this time.")

    def describe(self, spec: FieldSpec) -> str:
        return "not editable in the studio" + (f" ({spec.reason})" if spec.reason else "")


WIDGETS = {
    Widget.SELECT: Select(),
    Widget.SEGMENTED: Segmented(),
    Widget.TOGGLE: Toggle(),
    Widget.CONST: Const(),
    Widget.UNSUPPORTED: Unsupported(),
}
