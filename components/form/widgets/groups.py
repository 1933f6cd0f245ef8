"""Fields made of other fields: a group (an object), repeated groups (a list of objects), a table of
points, and a variant (anyOf/oneOf: pick one, then fill it). Children are drawn and restored through
the registry, so any kind can sit inside any of these."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.form.widgets.base import (
    MISSING,
    NOT_HELD,
    FormState,
    Saved,
    all_held,
    describe_field,
    draw_field,
    field_key,
    given,
    held_field,
    help_text,
    kept,
    label,
    put,
    restore_field,
)
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget


class Group:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> dict[str, Any] | None:
        nested = "." in path
        if _has_switch(spec, path) and not st.toggle(
            f"Use {spec.label.lower()}",
            key=field_key(model, f"{path}__on"),
            help=help_text(spec),
            persist_state="session",
        ):
            return None
        with st.container(border=not nested):
            if nested:
                st.caption(spec.label)
            values: dict[str, Any] = {}
            for child in spec.children:
                if not _hidden(child, values):
                    values[child.name] = draw_field(child, model, f"{path}.{child.name}", state)
            return values

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        if _has_switch(spec, path) and not kept(f"{field_key(model, path)}__on", False):
            return None
        values: dict[str, Any] = {}
        for child in spec.children:
            if not _hidden(child, values):
                values[child.name] = held_field(child, model, f"{path}.{child.name}")
        return values if all_held(values.values()) else NOT_HELD

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        if _has_switch(spec, path):
            put(f"{field_key(model, path)}__on", given(value))
        children = value if given(value) and isinstance(value, dict) else {}
        for child in spec.children:
            saved_child = children.get(child.name, MISSING)
            restore_field(child, model, f"{path}.{child.name}", saved_child, saved)

    def describe(self, spec: FieldSpec) -> str:
        return "a group of settings (below)"


def _has_switch(spec: FieldSpec, path: str) -> bool:
    """An optional group at the top of the form is sent only when switched on ("Use camera control")."""
    return "." not in path and not spec.required


def _hidden(child: FieldSpec, siblings: dict[str, Any]) -> bool:
    """A custom setting beside a preset choice, while the choice is not "custom": hidden and not sent."""
    return child.shown_when is not None and siblings.get(child.shown_when[0]) != child.shown_when[1]


class GroupList:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> list[dict[str, Any]]:
        count = st.number_input(
            label(spec) + ": how many",
            min_value=_fewest(spec),
            max_value=spec.max_items,
            value=_fewest(spec),
            step=1,
            key=field_key(model, f"{path}__count"),
            help=help_text(spec),
            persist_state="session",
        )
        items = []
        for index in range(int(count)):
            with st.container(border=True):
                st.markdown(f"**{spec.label} {index + 1}**")
                items.append(
                    {
                        child.name: draw_field(child, model, f"{path}.{index}.{child.name}", state)
                        for child in spec.children
                    }
                )
        return items

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        count = int(kept(f"{field_key(model, path)}__count", _fewest(spec)))
        items = [
            {child.name: held_field(child, model, f"{path}.{index}.{child.name}") for child in spec.children}
            for index in range(count)
        ]
        return items if all_held(value for item in items for value in item.values()) else NOT_HELD

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        items = value if given(value) and isinstance(value, list) else []
        count = max(_fewest(spec), min(len(items), spec.max_items or len(items)))
        put(f"{field_key(model, path)}__count", count)
        for index in range(count):
            item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
            for child in spec.children:
                child_path = f"{path}.{index}.{child.name}"
                restore_field(child, model, child_path, item.get(child.name, MISSING), saved)

    def describe(self, spec: FieldSpec) -> str:
        return _item_limits(spec, "groups")


def _fewest(spec: FieldSpec) -> int:
    # An optional list may be left out altogether; its minItems applies once it has items.
    return spec.min_items if spec.required else 0


class Table:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> list[dict[str, Any]]:
        columns = [child.name for child in spec.children]
        # A required table starts with one row to fill; an optional one starts empty, so nothing is sent unasked.
        first_rows = max(spec.min_items, 1) if spec.required else spec.min_items
        import pandas as pd  # here: only a table field needs it, and it slows the studio's first page load

        starting_rows = pd.DataFrame([{c: 0 for c in columns} for _ in range(first_rows)], columns=columns)
        st.markdown(label(spec), help=help_text(spec))
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

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return NOT_HELD  # an editable table's rows live in the widget alone

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        if given(value) and value:
            # An editable table's content cannot be set from code (Streamlit refuses it for st.data_editor).
            saved.notes.append(f"{spec.label}: enter the rows again ({len(value)} were used).")

    def describe(self, spec: FieldSpec) -> str:
        return _item_limits(spec, "rows of " + ", ".join(c.name for c in spec.children))


class Variant:
    """One of several shapes (anyOf/oneOf): the person picks one by its plain-words label, then fills it.

    Each variant is drawn at ``{path}~{index}`` so its widgets keep their own values; the value goes to
    the request at ``path``.
    """

    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        choice = st.segmented_control(
            label(spec),
            list(range(len(spec.variants))),
            format_func=lambda index: spec.variants[index].label,
            default=_default_choice(spec),
            required=spec.required,
            key=f"{field_key(model, path)}__variant",
            help=help_text(spec),
            persist_state="session",
        )
        if choice is None:
            return None
        return draw_field(spec.variants[choice], model, f"{path}~{choice}", state)

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        choice = kept(f"{field_key(model, path)}__variant", _default_choice(spec))
        return None if choice is None else held_field(spec.variants[choice], model, f"{path}~{choice}")

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        fitting = next((i for i, v in enumerate(spec.variants) if _fits(v, value)), None)
        choice = fitting if given(value) or fitting is not None else _default_choice(spec)
        put(f"{field_key(model, path)}__variant", choice)
        if choice is not None:
            restore_field(spec.variants[choice], model, f"{path}~{choice}", value, saved)

    def describe(self, spec: FieldSpec) -> str:
        return "one of: " + "; ".join(
            f"{v.label} ({describe_field(v)})" if describe_field(v) else v.label for v in spec.variants
        )


def _default_choice(spec: FieldSpec) -> int | None:
    if spec.required:
        return 0
    nothing = [i for i, v in enumerate(spec.variants) if v.widget is Widget.CONST and v.const is None]
    return nothing[0] if nothing else None


_LIST_KINDS = (Widget.MEDIA_LIST, Widget.LIST, Widget.GROUP_LIST, Widget.TABLE)
_TEXT_KINDS = (Widget.MEDIA, Widget.TEXT, Widget.TEXT_AREA)
_NUMBER_KINDS = (Widget.NUMBER, Widget.SLIDER, Widget.SEED)


def _fits(variant: FieldSpec, value: Any) -> bool:
    """Whether a saved ``value`` has the shape of ``variant`` (a tagged group must carry its tag)."""
    if variant.widget is Widget.CONST:
        return value == variant.const or (variant.const is None and value is MISSING)
    if not given(value):
        return False
    if variant.widget is Widget.GROUP:
        tags = [c for c in variant.children if c.widget is Widget.CONST]
        return isinstance(value, dict) and all(value.get(c.name) == c.const for c in tags)
    if variant.widget in _LIST_KINDS:
        return isinstance(value, list)
    if variant.widget in _TEXT_KINDS:
        return isinstance(value, str)
    if variant.widget is Widget.TOGGLE:
        return isinstance(value, bool)
    if variant.widget in _NUMBER_KINDS:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if variant.widget in (Widget.SELECT, Widget.SEGMENTED):
        return value in variant.options
    return False


def _item_limits(spec: FieldSpec, what: str) -> str:
    if spec.max_items:
        return f"{spec.min_items} to {spec.max_items} {what}"
    return f"at least {spec.min_items} {what}" if spec.min_items else what


WIDGETS = {Widget.GROUP: Group(), Widget.GROUP_LIST: GroupList(), Widget.TABLE: Table(), Widget.VARIANT: Variant()}
