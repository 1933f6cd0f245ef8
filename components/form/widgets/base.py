"""What every widget kind shares: the form's state, widget keys, labels, and the context a restore needs.

A widget kind is one object with four methods (the ``FieldWidget`` protocol):
- ``draw``: draw the field at a path and return its value;
- ``held``: the value it would return, read from session state without drawing it (a folded Advanced panel), or
  ``NOT_HELD`` for a kind that has to be drawn to be read (an upload);
- ``restore``: put a saved value back into session state, before the form is drawn ("Use these settings");
- ``describe``: the values it takes, in plain words, for the Models page.

Paths carry list indices (``dynamic_masks.0.mask``) and, inside a variant, the variant's number
(``character~1.url``) so each variant keeps its own widgets; ``payload_path`` drops the latter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Protocol

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from videostudio.catalogue import Model
from videostudio.catalogue.labels import help_with_default, option_words
from videostudio.form.fields import FieldSpec, Widget
from videostudio.form.payload import Problem

# A saved job that did not send a field.
MISSING: Any = object()
# A field whose value can be known only by drawing it (``FieldWidget.held``).
NOT_HELD: Any = object()

Inputs = Mapping[str, tuple[str, bytes, str]]  # payload path → (file name, bytes, mime): kept_inputs.load_inputs


@dataclass
class FormState:
    """What the form holds after one run: values by top-level field, and where to show problems."""

    values: dict[str, Any] = field(default_factory=dict)
    upload_names: dict[str, str] = field(default_factory=dict)  # payload path → uploaded file name
    input_errors: dict[str, str] = field(default_factory=dict)  # problems found while reading inputs
    slots: dict[str, DeltaGenerator] = field(default_factory=dict)  # payload path → where its message goes
    # Fields held in a folded panel, not drawn: payload path → (its label, the panel's title), to name in a message.
    folded: dict[str, tuple[str, str]] = field(default_factory=dict)
    # Several start images, one job each (components/form/several_images.py): (value to send, upload name or None).
    batch_images: list[tuple[str, str | None]] = field(default_factory=list)
    # Left under the prompt for the prompt helper (components/form/prompt_helper.py), drawn once the form is read.
    prompt_slot: DeltaGenerator | None = None
    # What making a field's value already cost, by payload path (a typed speech): shown beside the run's price.
    spent: dict[str, float] = field(default_factory=dict)

    def show(self, problems: list[Problem], *, include_missing: bool) -> None:
        """Write each problem under its field (or its nearest drawn parent)."""
        shown: set[str] = set()
        messages = [(p.path, p.message) for p in problems if include_missing or not p.missing]
        messages += list(self.input_errors.items())
        for path, message in messages:
            slot_path = _nearest(path, self.slots)
            if slot_path is None or slot_path in shown:
                continue
            shown.add(slot_path)
            if slot_path in self.folded:
                name, panel = self.folded[slot_path]
                message = f"{name} (under {panel}): {message}"
            self.slots[slot_path].error(message, icon=":material/error:")


@dataclass
class Saved:
    """What restoring a past job's settings needs beyond the value itself."""

    media: Mapping[str, Any]  # the job's uploads by payload path (name, size, hash), as the store keeps them
    inputs: Inputs  # the kept upload files by payload path
    notes: list[str] = field(default_factory=list)  # what could not be put back, for the person


class FieldWidget(Protocol):
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> Any: ...

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any: ...

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None: ...

    def describe(self, spec: FieldSpec) -> str: ...


# A prefix for every widget key drawn inside ``form_scope``: several forms of one model on a page (a storyboard's
# shots) each keep their own values. Empty outside a scope, so Generate's keys are what they always were.
_SCOPE: ContextVar[str] = ContextVar("form_scope", default="")


@contextmanager
def form_scope(name: str) -> Iterator[None]:
    """Draw, restore and read forms under their own keys while inside (``shot-3f2a--pixverse-v5-…``)."""
    token = _SCOPE.set(f"{name}--")
    try:
        yield
    finally:
        _SCOPE.reset(token)


def scope_key(name: str) -> str:
    """A session key of the form drawn now, not of one model (``form_scope``'s prefix, if any, before ``name``)."""
    return _SCOPE.get() + name


def model_key(model: Model) -> str:
    """A widget-key prefix for a model: ``pixverse-v5-image-to-video`` (inside ``form_scope``, prefixed by it)."""
    return _SCOPE.get() + re.sub(r"[^A-Za-z0-9]+", "-", model.id).strip("-")


def field_key(model: Model, path: str) -> str:
    return f"{model_key(model)}__{path}"


def payload_path(path: str) -> str:
    """``character~1.url`` → ``character.url``: where a value drawn at ``path`` sits in the request."""
    return re.sub(r"~\d+", "", path)


def label(spec: FieldSpec) -> str:
    return spec.label + (" :red[*]" if spec.required else "")


def help_text(spec: FieldSpec) -> str | None:
    return help_with_default(spec.help, spec.name, spec.default) or None


def option_label(spec: FieldSpec, option: Any) -> str:
    return option_words(spec.name, option)


def given(value: Any) -> bool:
    return value is not MISSING and value is not None


def put(key: str, value: Any) -> None:
    # Writing only what differs keeps Streamlit from warning about a widget given both a default and a value.
    state = st.session_state
    if key not in state or state[key] != value:
        state[key] = value


def kept(key: str, start: Any) -> Any:
    """A widget's value without drawing it: what the session holds under ``key``, else the value it starts with.

    A widget drawn with ``persist_state="session"`` keeps its value there while it is not drawn, and a restore
    (``put``) writes there before it is drawn.
    """
    return st.session_state.get(key, start)


def is_top_level(spec: FieldSpec, path: str) -> bool:
    return "." not in path and "." not in spec.path


def _nearest(path: str, slots: Mapping[str, DeltaGenerator]) -> str | None:
    """The drawn field closest to ``path``: itself, else its nearest ancestor."""
    parts = path.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in slots:
            return candidate
        parts.pop()
    return next(iter(slots), None)


# The widget registry: one object per widget kind, filled by the package (components/form/widgets/__init__.py).
WIDGETS: dict[Widget, FieldWidget] = {}


def draw_field(spec: FieldSpec, model: Model, path: str, state: FormState) -> Any:
    """Draw one field at ``path`` (which carries list indices), leave a slot for its problem, return its value."""
    value = WIDGETS[spec.widget].draw(spec, model, path, state)
    state.slots[payload_path(path)] = st.empty()
    return value


def held_field(spec: FieldSpec, model: Model, path: str) -> Any:
    """The value the field at ``path`` would give if drawn now, or ``NOT_HELD``: it must be drawn to be read."""
    return WIDGETS[spec.widget].held(spec, model, path)


def all_held(values: Iterable[Any]) -> bool:
    """Whether none of ``values`` is ``NOT_HELD``: a field made of them can be read without drawing it."""
    return all(value is not NOT_HELD for value in values)


def restore_field(spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
    """Put ``value`` (or MISSING: the job did not send it) back into the session state of the field at ``path``."""
    WIDGETS[spec.widget].restore(spec, model, path, value, saved)


def describe_field(spec: FieldSpec) -> str:
    """The values a field takes, in plain words."""
    return WIDGETS[spec.widget].describe(spec)
