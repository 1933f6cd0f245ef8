"""A form alone under AppTest: one model's form drawn from a schema, optionally prefilled from a saved job
first ("Use these settings"), with the request it would send kept in ``session_state["payload"]``."""

from __future__ import annotations

from typing import Any

from streamlit.testing.v1 import AppTest

MODEL_ID = "test/everything"
PREFIX = "test-everything"  # components.form.widgets.model_key of MODEL_ID


def form_page(schema: dict, ui: dict, saved: dict | None, advanced: bool) -> None:
    # Runs as the AppTest script, from its source: imports live inside, annotations stay plain.
    from types import SimpleNamespace

    import streamlit as st

    from components.form.reuse import prefill_generate_form
    from components.form.schema_form import ADVANCED_OPEN, draw_form
    from videostudio.catalogue import model_from_studio_file
    from videostudio.form.payload import build_payload, validate_payload

    model = model_from_studio_file({"id": "test/everything", "schema": schema, "ui": ui})
    if "payload" not in st.session_state:
        st.session_state[ADVANCED_OPEN] = advanced  # the first run: as the test asks, then as the test sets it
    if saved is not None and "restore_notes" not in st.session_state:
        job = SimpleNamespace(params=saved["params"], media=saved.get("media", {}), inputs_dir=saved.get("inputs_dir"))
        st.session_state["restore_notes"] = prefill_generate_form(job, model)
    form = draw_form(model)
    payload = build_payload(model, form.values)
    problems = validate_payload(model, payload)
    form.show(problems, include_missing=True)
    st.session_state["payload"] = payload
    st.session_state["problems"] = {p.path: p.message for p in problems}
    st.session_state["input_errors"] = dict(form.input_errors)
    st.session_state["upload_names"] = dict(form.upload_names)


def schema_of(properties: dict[str, Any], required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"model": {"type": "string", "enum": [MODEL_ID]}, **properties},
        "required": ["model", *required],
    }


def form_test(
    properties: dict[str, Any],
    *,
    required: tuple[str, ...] = (),
    ui: dict[str, Any] | None = None,
    saved: dict[str, Any] | None = None,
    advanced: bool = True,
) -> AppTest:
    """The form for a model with just ``properties``, run once; with its Advanced panel open unless ``advanced`` is
    False."""
    at = AppTest.from_function(
        form_page,
        kwargs={"schema": schema_of(properties, required), "ui": ui or {}, "saved": saved, "advanced": advanced},
        default_timeout=30,
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def key(path: str) -> str:
    return f"{PREFIX}__{path}"


def by_key(at: AppTest, kind: str, widget_key: str) -> Any:
    return next(w for w in at.get(kind) if w.key == widget_key)
