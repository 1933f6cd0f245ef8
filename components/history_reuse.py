"""Reusing a past job: its settings put back into the Generate form, or its request rebuilt to send again.

The form's widget keys are the ones components/schema_form.py and components/media_input.py draw
(``f"{model_key}__{path}"`` plus their ``__on``/``__set``/``__random``/``__count``/``__source``/``__prepared``
companions); the walk below mirrors theirs, field kind by field kind.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from components.media_input import UPLOAD, WEB_ADDRESS, forget
from components.schema_form import field_key, model_key
from videostudio.catalogue import Model
from videostudio.form import FieldSpec, Widget, form_fields
from videostudio.library import load_inputs
from videostudio.media import MediaError, PreparedAudio, PreparedImage, prepare_audio, prepare_image, to_data_uri
from videostudio.payload import map_leaves
from videostudio.store import Job

_MISSING = object()

Inputs = Mapping[str, tuple[str, bytes, str]]  # field path → (file name, bytes, mime), as library.load_inputs gives


# --- Use these settings ---------------------------------------------------------------------------------------------


def prefill_generate_form(job: Job, model: Model) -> list[str]:
    """Set the Generate page's widget state to ``job``'s settings, uploads included; returns what could not be.

    Must run before the Generate page draws its widgets (i.e. on the History page, just before switching).
    Fields the job did not set are reset to their defaults, so the form sends what the job sent.
    """
    state = st.session_state
    notes: list[str] = []
    inputs = load_inputs(job.inputs_dir)
    _put("model_choice", model.id)
    for spec in form_fields(model):
        _restore(spec, model, spec.path, job.params.get(spec.name, _MISSING), job, inputs, notes)
    # A fresh form: missing-field messages wait for the next Generate press, as on a first visit.
    state.pop(f"{model_key(model)}__attempted", None)
    return notes


def _restore(spec: FieldSpec, model: Model, path: str, value: Any, job: Job, inputs: Inputs, notes: list[str]) -> None:
    state = st.session_state
    key = field_key(model, path)
    given = value is not _MISSING and value is not None
    widget = spec.widget
    if widget is Widget.MEDIA:
        _restore_media(spec, model, path, value if given else None, job, inputs, notes)
    elif widget in (Widget.SELECT, Widget.SEGMENTED):
        options = list(spec.options)
        if given and value in options:
            _put(key, value)
        elif spec.default in options:
            _put(key, spec.default)
        else:
            _put(key, options[0] if spec.required and widget is Widget.SELECT and options else None)
    elif widget is Widget.TOGGLE:
        _put(key, bool(value) if given else bool(spec.default))
    elif widget is Widget.SLIDER:
        optional_top_level = not spec.required and spec.default is None and "." not in spec.path
        if optional_top_level:
            _put(f"{key}__set", given)
        if given:
            _put(key, _number(spec, value))
        elif spec.default is not None:
            _put(key, _number(spec, spec.default))
        elif not optional_top_level:
            state.pop(key, None)
    elif widget is Widget.NUMBER:
        _put(key, _number(spec, value) if given else spec.default)
    elif widget is Widget.SEED:
        # A job sent without a seed let the API pick one: "random" is what repeats that.
        _put(f"{key}__random", not given)
        if given:
            _put(key, int(value))
    elif widget in (Widget.TEXT_AREA, Widget.TEXT):
        _put(key, str(value) if given else "")
    elif widget is Widget.LIST:
        _put(key, "\n".join(str(v) for v in value) if given and isinstance(value, list) else "")
    elif widget is Widget.GROUP:
        nested = "." in path
        if not nested and not spec.required:
            _put(f"{key}__on", given)
        children = value if given and isinstance(value, dict) else {}
        for child in spec.children:
            _restore(child, model, f"{path}.{child.name}", children.get(child.name, _MISSING), job, inputs, notes)
    elif widget is Widget.GROUP_LIST:
        items = value if given and isinstance(value, list) else []
        count = max(spec.min_items, min(len(items), spec.max_items or len(items)))
        _put(f"{key}__count", count)
        for index in range(count):
            item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
            for child in spec.children:
                child_path = f"{path}.{index}.{child.name}"
                _restore(child, model, child_path, item.get(child.name, _MISSING), job, inputs, notes)
    elif widget is Widget.TABLE and given and value:
        # An editable table's content cannot be set from code (Streamlit refuses it for st.data_editor).
        notes.append(f"{spec.label}: enter the rows again ({len(value)} were used).")


def _restore_media(
    spec: FieldSpec, model: Model, path: str, value: Any, job: Job, inputs: Inputs, notes: list[str]
) -> None:
    key = field_key(model, path)
    forget(key)
    if path in inputs:
        name, data, _mime = inputs[path]
        try:
            prepared = _prepare(spec, model, name, data)
        except MediaError as exc:
            _put(f"{key}__source", UPLOAD)
            notes.append(f"{spec.label}: {exc}")
            return
        # What media_input keeps after an upload: the uploader itself cannot be filled from code.
        _put(f"{key}__source", UPLOAD)
        _put(f"{key}__prepared", prepared)
        _put(f"{key}__name", name)
    elif path in job.media:
        _put(f"{key}__source", UPLOAD)
        what = job.media[path].get("name") or f"the {spec.media_kind or 'file'}"
        notes.append(f"{spec.label}: {what} was not kept on this computer; upload it again.")
    elif isinstance(value, str) and value:
        _put(f"{key}__source", WEB_ADDRESS)
        _put(f"{key}__url", value)
    else:
        _put(f"{key}__source", UPLOAD)
        _put(f"{key}__url", "")


def _put(key: str, value: Any) -> None:
    # Writing only what differs keeps Streamlit from warning about a widget given both a default and a value.
    state = st.session_state
    if key not in state or state[key] != value:
        state[key] = value


def _prepare(spec: FieldSpec, model: Model, name: str, data: bytes) -> PreparedImage | PreparedAudio:
    # The kept bytes are the ones that were sent, so preparing them again changes nothing; it rebuilds the
    # preview, size and notes media_input shows.
    if spec.media_kind == "audio":
        return prepare_audio(data, name, model.audio_rules, model_name=model.name)
    return prepare_image(data, name, model.image_rules, model_name=model.name)


def _number(spec: FieldSpec, value: Any) -> int | float:
    return int(value) if spec.integer else float(value)


# --- Run again ------------------------------------------------------------------------------------------------------


def rebuild_payload(job: Job, model: Model, inputs: Inputs) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The request ``job`` sent, with its uploads put back from the kept inputs and a fresh seed.

    Returns (payload, upload names by path, paths of uploads that were not kept). The seed is left out where
    the model has one: the API then picks a new one, so "again" gives a new take, not the same video.
    """
    names: dict[str, str] = {}
    missing: list[str] = []

    def put_back(path: str, value: Any) -> Any:
        if path not in job.media:
            return value
        if path not in inputs:
            missing.append(path)
            return value
        name, data, mime = inputs[path]
        names[path] = name
        return to_data_uri(data, mime)

    payload = {"model": job.model_id, **map_leaves(job.params, put_back)}
    if "seed" in model.properties:
        payload.pop("seed", None)
    return payload, names, missing
