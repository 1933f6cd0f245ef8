"""Text fields: prose in a text area, short text in a box, and lists of texts one per line."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.form.widgets.base import FormState, Saved, field_key, given, help_text, kept, label, put
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget

PROMPT_FIELD = "prompt"  # the video's description: the prompt helper sits under it


class TextArea:
    """Prose. No ``max_chars``: Streamlit would drop a longer pasted text without a word, so the text is kept,
    the counter turns red, and validation says "Too long" and blocks Generate."""

    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> str:
        text = st.text_area(
            label(spec),
            key=field_key(model, path),
            help=help_text(spec),
            placeholder=spec.help[:120] if spec.help else None,
            persist_state="session",
        )
        if spec.max_length:
            st.caption(counter_text(len(text or ""), spec.max_length))
        elif spec.longest_anywhere:
            st.caption(open_counter_text(len(text or ""), spec.longest_anywhere))
        if path == PROMPT_FIELD:
            state.prompt_slot = st.container()
        return text

    def held(self, spec: FieldSpec, model: Model, path: str) -> str:
        return kept(field_key(model, path), "")

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        put(field_key(model, path), str(value) if given(value) else "")

    def describe(self, spec: FieldSpec) -> str:
        return f"up to {spec.max_length} characters" if spec.max_length else "text"


class Text:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> str:
        return st.text_input(label(spec), key=field_key(model, path), help=help_text(spec), persist_state="session")

    def held(self, spec: FieldSpec, model: Model, path: str) -> str:
        return kept(field_key(model, path), "")

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        put(field_key(model, path), str(value) if given(value) else "")

    def describe(self, spec: FieldSpec) -> str:
        if spec.pattern:
            return "text in the form the model expects"
        return f"up to {spec.max_length} characters" if spec.max_length else "text"


class TextList:
    """Several texts (multi_prompt): one entry per line, in order."""

    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> list[str]:
        text = st.text_area(
            label(spec) + " (one per line)",
            key=field_key(model, path),
            help=help_text(spec),
            placeholder=_limits(spec) or None,
            persist_state="session",
        )
        return _lines(text)

    def held(self, spec: FieldSpec, model: Model, path: str) -> list[str]:
        return _lines(kept(field_key(model, path), ""))

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        lines = "\n".join(str(v) for v in value) if given(value) and isinstance(value, list) else ""
        put(field_key(model, path), lines)

    def describe(self, spec: FieldSpec) -> str:
        return "texts, one per line" + (f" ({_limits(spec)})" if _limits(spec) else "")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def counter_text(length: int, limit: int) -> str:
    """``120 / 2,000 characters``, in red once over the limit."""
    count = f"{length:,} / {limit:,} characters"
    return f":red[**{count}**]" if length > limit else count


def open_counter_text(length: int, longest_anywhere: int) -> str:
    """The count for a prompt with no maximum of its own: ``120 characters``; in red past what any model takes."""
    if length > longest_anywhere:
        return f":red[**{length:,} characters**]: more than any model takes ({longest_anywhere:,})"
    return f"{length:,} characters"


def _limits(spec: FieldSpec) -> str:
    if spec.max_items and spec.min_items:
        return f"{spec.min_items} to {spec.max_items}"
    if spec.max_items:
        return f"at most {spec.max_items}"
    if spec.min_items:
        return f"at least {spec.min_items}"
    return ""


WIDGETS = {Widget.TEXT_AREA: TextArea(), Widget.TEXT: Text(), Widget.LIST: TextList()}
