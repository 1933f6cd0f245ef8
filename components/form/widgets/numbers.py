"""Number fields: a slider between two bounds, a number box, and a seed with a "random" choice.

Streamlit refuses a number widget whose value, step and bounds mix ints and floats, so every one of
them goes through ``FieldSpec.number`` (int for integer fields, float otherwise).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.form.widgets.base import (
    MISSING,
    FormState,
    Saved,
    field_key,
    given,
    help_text,
    is_top_level,
    kept,
    label,
    put,
)
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget


def _step(spec: FieldSpec) -> int | float:
    return max(1, spec.number(spec.step)) if spec.integer else float(spec.step)


def _optional_switch(spec: FieldSpec, path: str) -> bool:
    """A top-level optional field with no default is sent only when switched on."""
    return not spec.required and spec.default is None and is_top_level(spec, path)


def _bounds(spec: FieldSpec) -> tuple[Any, Any]:
    """The lowest and highest value the field's slider or number box takes (``None``: no bound)."""
    return spec.number(spec.low), spec.number(spec.high)


def _slider_start(spec: FieldSpec) -> int | float:
    """Where a slider starts: the default, else 0 where the bounds allow it, else the low end; inside the bounds."""
    low, high = _bounds(spec)
    fallback = spec.number(0) if low <= 0 <= high else low
    start = spec.number(spec.default) if spec.default is not None else fallback
    return min(max(start, low), high)


class Slider:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        if _optional_switch(spec, path) and not st.toggle(
            f"Set {spec.label.lower()}",
            key=field_key(model, f"{path}__set"),
            persist_state="session",
            help=help_text(spec),
        ):
            return None
        low, high = _bounds(spec)
        return st.slider(
            label(spec),
            min_value=low,
            max_value=high,
            value=_slider_start(spec),
            step=_step(spec),
            key=field_key(model, path),
            help=help_text(spec),
            persist_state="session",
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        key = field_key(model, path)
        if _optional_switch(spec, path) and not kept(f"{key}__set", False):
            return None
        return kept(key, _slider_start(spec))

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        key = field_key(model, path)
        if given(value) and not _fits(spec, value, _bounds(spec), saved, "its default"):
            value = MISSING
        switch = _optional_switch(spec, path)
        if switch:
            put(f"{key}__set", given(value))
        if given(value):
            put(key, spec.number(value))
        elif spec.default is not None:
            put(key, spec.number(spec.default))
        elif not switch:
            st.session_state.pop(key, None)

    def describe(self, spec: FieldSpec) -> str:
        return describe_range(spec)


class Number:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        low, high = _bounds(spec)
        return st.number_input(
            label(spec),
            min_value=low,
            max_value=high,
            value=spec.number(spec.default),
            step=_step(spec),
            key=field_key(model, path),
            help=help_text(spec),
            placeholder="Not set",
            persist_state="session",
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return kept(field_key(model, path), spec.number(spec.default))

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        if given(value) and not _fits(spec, value, _bounds(spec), saved, "its default"):
            value = MISSING
        put(field_key(model, path), spec.number(value) if given(value) else spec.number(spec.default))

    def describe(self, spec: FieldSpec) -> str:
        return describe_range(spec)


class Seed:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
        random_seed = st.toggle(
            f"{spec.label}: a new one each time",
            value=True,
            key=field_key(model, f"{path}__random"),
            help="Leave on for a new result each time; turn off to repeat a result with a fixed seed.\n\n" + spec.help,
            persist_state="session",
        )
        if random_seed:
            return None
        lowest, highest = _seed_bounds(spec)
        return st.number_input(
            label(spec),
            min_value=lowest,
            max_value=highest,
            value=lowest,
            step=1,
            key=field_key(model, path),
            persist_state="session",
        )

    def held(self, spec: FieldSpec, model: Model, path: str) -> int | None:
        key = field_key(model, path)
        return None if kept(f"{key}__random", True) else kept(key, _seed_bounds(spec)[0])

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        # A job sent without a seed let the API pick one: "random" is what repeats that.
        key = field_key(model, path)
        if given(value) and not _fits(spec, value, _seed_bounds(spec), saved, "a new seed each time"):
            value = MISSING
        put(f"{key}__random", not given(value))
        if given(value):
            put(key, int(value))

    def describe(self, spec: FieldSpec) -> str:
        return "random, or a whole number to repeat a result"


def _fits(spec: FieldSpec, value: Any, bounds: tuple[Any, Any], saved: Saved, instead: str) -> bool:
    """Whether a saved number is one the field's widget can hold; if not, a note says what is used instead.

    A slider refuses a value outside its bounds and a number box quietly resets it, so putting one back would crash
    the form or change the value once the field is drawn (a shut Advanced panel would still send it as saved).
    """
    low, high = bounds
    if (low is None or value >= low) and (high is None or value <= high):
        return True
    takes = describe_range(spec)
    saved.notes.append(f"{spec.label}: {value:g} is outside what it takes ({takes}), so {instead} is used.")
    return False


def _seed_bounds(spec: FieldSpec) -> tuple[int, int | None]:
    """The lowest seed (0 unless the schema says) and the highest, if any."""
    return (int(spec.low) if spec.low is not None else 0), (int(spec.high) if spec.high is not None else None)


def describe_range(spec: FieldSpec) -> str:
    """``0 to 10``, ``more than 0``, ``at most 1``, with the step when the schema fixes one."""
    low = high = ""
    if spec.minimum is not None:
        low = f"{'more than' if spec.exclusive_minimum else 'at least'} {spec.minimum:g}"
    if spec.maximum is not None:
        high = f"{'less than' if spec.exclusive_maximum else 'at most'} {spec.maximum:g}"
    if spec.minimum is not None and spec.maximum is not None and not (spec.exclusive_minimum or spec.exclusive_maximum):
        words = f"{spec.minimum:g} to {spec.maximum:g}"
    else:
        words = " and ".join(w for w in (low, high) if w)
    words = words or ("a whole number" if spec.integer else "a number")
    if spec.multiple_of:
        words += f", in steps of {spec.multiple_of:g}"
    return words


WIDGETS = {Widget.SLIDER: Slider(), Widget.NUMBER: Number(), Widget.SEED: Seed()}
