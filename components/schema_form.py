"""One form for every model, drawn from the FieldSpecs its schema gives (videostudio.form).

Each field is keyed by model and path, and keeps its value for the session, so switching models
and coming back loses nothing. Under each field sits a slot where its problem is shown once the
whole form has been read and validated.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from components.media_input import media_input
from videostudio.catalogue import Model
from videostudio.form import FieldSpec, Widget, form_fields
from videostudio.payload import Problem


@dataclass
class FormState:
    """What the form holds after one run: values by top-level field, and where to show problems."""

    values: dict[str, Any] = field(default_factory=dict)
    upload_names: dict[str, str] = field(default_factory=dict)  # field path → uploaded file name
    input_errors: dict[str, str] = field(default_factory=dict)  # problems found while reading inputs
    slots: dict[str, DeltaGenerator] = field(default_factory=dict)  # field path → where its message goes

    def show(self, problems: list[Problem], *, include_missing: bool) -> None:
        """Write each problem under its field (or its nearest drawn parent)."""
        shown: set[str] = set()
        messages = [(p.path, p.message) for p in problems if include_missing or not p.missing]
        messages += list(self.input_errors.items())
        for path, message in messages:
            slot_path = _nearest(path, self.slots)
            if slot_path in shown:
                continue
            shown.add(slot_path)
            self.slots[slot_path].error(message, icon=":material/error:")


def model_key(model: Model) -> str:
    """A widget-key prefix for a model: ``pixverse-v5-image-to-video``."""
    return re.sub(r"[^A-Za-z0-9]+", "-", model.id).strip("-")


def field_key(model: Model, path: str) -> str:
    return f"{model_key(model)}__{path}"


def draw_form(model: Model) -> FormState:
    """Draw ``model``'s form: main fields first, optional extras under Advanced."""
    state = FormState()
    specs = form_fields(model)
    for spec in (s for s in specs if not s.advanced):
        state.values[spec.name] = _draw(spec, model, spec.path, state)
    extras = [s for s in specs if s.advanced]
    if extras:
        with st.expander("Advanced", icon=":material/tune:"):
            for spec in extras:
                state.values[spec.name] = _draw(spec, model, spec.path, state)
    return state


def _draw(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    """Draw one field at ``path`` (which carries list indices) and return its value."""
    value = _DRAWERS[spec.widget](spec, model, path, state)
    state.slots[path] = st.empty()
    return value


def _label(spec: FieldSpec) -> str:
    return spec.label + (" :red[*]" if spec.required else "")


def _help(spec: FieldSpec) -> str | None:
    parts = [spec.help] if spec.help else []
    if spec.default is not None:
        parts.append(f"Default: {_option_label(spec, spec.default)}.")
    return "\n\n".join(parts) or None


def _option_label(spec: FieldSpec, option: Any) -> str:
    if "duration" in spec.name and isinstance(option, int | float):
        return f"{option} s"
    return str(option).replace("_", " ")


def _select(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    options = list(spec.options)
    index = options.index(spec.default) if spec.default in options else (0 if spec.required else None)
    return st.selectbox(
        _label(spec),
        options,
        index=index,
        format_func=lambda o: _option_label(spec, o),
        placeholder="Not set: the model decides",
        key=field_key(model, path),
        help=_help(spec),
        persist_state="session",
    )


def _segmented(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    return st.segmented_control(
        _label(spec),
        list(spec.options),
        default=spec.default if spec.default in spec.options else None,
        format_func=lambda o: _option_label(spec, o),
        key=field_key(model, path),
        help=_help(spec),
        persist_state="session",
    )


def _toggle(spec: FieldSpec, model: Model, path: str, state: FormState) -> bool:
    return st.toggle(
        _label(spec), value=bool(spec.default), key=field_key(model, path), help=_help(spec), persist_state="session"
    )


def _slider(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    low, high = _numbers(spec, spec.minimum), _numbers(spec, spec.maximum)
    start = spec.default if spec.default is not None else (_numbers(spec, 0) if low <= 0 <= high else low)
    optional_top_level = not spec.required and spec.default is None and "." not in spec.path
    if optional_top_level and not st.toggle(
        f"Set {spec.label.lower()}", key=field_key(model, f"{path}__set"), persist_state="session", help=_help(spec)
    ):
        return None
    return st.slider(
        _label(spec),
        min_value=low,
        max_value=high,
        value=start,
        step=_numbers(spec, spec.step),
        key=field_key(model, path),
        help=_help(spec),
        persist_state="session",
    )


def _numbers(spec: FieldSpec, value: float | None) -> Any:
    if value is None:
        return None
    return int(value) if spec.integer else float(value)


def _number(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    return st.number_input(
        _label(spec),
        value=spec.default,
        step=_numbers(spec, 1),
        key=field_key(model, path),
        help=_help(spec),
        placeholder="Not set",
        persist_state="session",
    )


def _seed(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    random_seed = st.toggle(
        f"{spec.label}: random",
        value=True,
        key=field_key(model, f"{path}__random"),
        help="Leave on for a new result each time; turn off to repeat a result with a fixed seed.\n\n" + spec.help,
        persist_state="session",
    )
    if random_seed:
        return None
    low = _numbers(spec, spec.minimum) if spec.minimum is not None else 0
    return st.number_input(
        _label(spec),
        min_value=low,
        max_value=_numbers(spec, spec.maximum),
        value=low,
        step=1,
        key=field_key(model, path),
        persist_state="session",
    )


def _text_area(spec: FieldSpec, model: Model, path: str, state: FormState) -> str:
    return st.text_area(
        _label(spec),
        max_chars=spec.max_length,
        key=field_key(model, path),
        help=_help(spec),
        placeholder=spec.help[:120] if spec.help else None,
        persist_state="session",
    )


def _text(spec: FieldSpec, model: Model, path: str, state: FormState) -> str:
    return st.text_input(_label(spec), key=field_key(model, path), help=_help(spec), persist_state="session")


def _media(spec: FieldSpec, model: Model, path: str, state: FormState) -> str | None:
    result = media_input(spec, model, field_key(model, path))
    if result.error:
        state.input_errors[path] = result.error
    if result.upload_name:
        state.upload_names[path] = result.upload_name
    return result.value


def _group(spec: FieldSpec, model: Model, path: str, state: FormState) -> dict[str, Any] | None:
    nested = "." in path
    if (
        not nested
        and not spec.required
        and not st.toggle(
            f"Use {spec.label.lower()}", key=field_key(model, f"{path}__on"), help=_help(spec), persist_state="session"
        )
    ):
        return None
    with st.container(border=not nested):
        if nested:
            st.caption(spec.label)
        return {child.name: _draw(child, model, f"{path}.{child.name}", state) for child in spec.children}


def _group_list(spec: FieldSpec, model: Model, path: str, state: FormState) -> list[dict[str, Any]]:
    count = st.number_input(
        _label(spec) + ": how many",
        min_value=spec.min_items,
        max_value=spec.max_items,
        value=spec.min_items,
        step=1,
        key=field_key(model, f"{path}__count"),
        help=_help(spec),
        persist_state="session",
    )
    items = []
    for index in range(int(count)):
        with st.container(border=True):
            st.markdown(f"**{spec.label} {index + 1}**")
            items.append(
                {child.name: _draw(child, model, f"{path}.{index}.{child.name}", state) for child in spec.children}
            )
    return items


def _table(spec: FieldSpec, model: Model, path: str, state: FormState) -> list[dict[str, Any]]:
    columns = [child.name for child in spec.children]
    starting_rows = pd.DataFrame([{c: 0 for c in columns} for _ in range(max(spec.min_items, 1))])
    st.markdown(_label(spec), help=_help(spec))
    limits = f"{spec.min_items} to {spec.max_items}" if spec.max_items else f"at least {spec.min_items}"
    st.caption(f"One row per point ({limits} rows). Add rows with the + under the table.")
    edited = st.data_editor(
        starting_rows,
        num_rows="dynamic",
        hide_index=True,
        key=field_key(model, path),
        column_config={
            child.name: st.column_config.NumberColumn(child.label, step=child.step, required=child.required)
            for child in spec.children
        },
    )
    rows = edited.dropna(how="any").to_dict("records")
    integer_columns = {child.name for child in spec.children if child.integer}
    return [{k: int(v) if k in integer_columns else float(v) for k, v in row.items()} for row in rows]


def _list(spec: FieldSpec, model: Model, path: str, state: FormState) -> list[str]:
    text = st.text_area(
        _label(spec) + " (one per line)", key=field_key(model, path), help=_help(spec), persist_state="session"
    )
    return [line.strip() for line in text.splitlines() if line.strip()]


_DRAWERS: dict[Widget, Callable[[FieldSpec, Model, str, FormState], Any]] = {
    Widget.SELECT: _select,
    Widget.SEGMENTED: _segmented,
    Widget.TOGGLE: _toggle,
    Widget.SLIDER: _slider,
    Widget.NUMBER: _number,
    Widget.SEED: _seed,
    Widget.TEXT_AREA: _text_area,
    Widget.TEXT: _text,
    Widget.MEDIA: _media,
    Widget.GROUP: _group,
    Widget.GROUP_LIST: _group_list,
    Widget.TABLE: _table,
    Widget.LIST: _list,
}


def _nearest(path: str, slots: dict[str, DeltaGenerator]) -> str:
    """The drawn field closest to ``path``: itself, else its nearest ancestor."""
    parts = path.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in slots:
            return candidate
        parts.pop()
    return next(iter(slots))
