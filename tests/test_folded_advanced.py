"""The folded Advanced panel: its fields are drawn only while it is open, and while it is shut each keeps the value it
would give if drawn (``FieldWidget.held``), for every kind, every model of the catalogue, and after a restore."""

from __future__ import annotations

from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.form.schema_form import advanced_key
from tests.formtest import MODEL_ID, form_test, key, schema_of
from tests.test_widgets import EVERYTHING, SAVED

pytestmark = pytest.mark.apptest

SIMPLE: dict[str, Any] = {
    "prompt": {"type": "string"},
    "style": {"type": "string", "enum": ["calm", "bold", "noir"]},
    "speed": {"type": "string", "enum": ["slow", "fast"]},
    "loop": {"type": "boolean"},
    "strength": {"type": "number", "minimum": 0, "maximum": 1},
    "steps": {"type": "integer", "minimum": 1, "maximum": 50, "default": 25},
    "seed": {"type": "integer"},
    "negative_prompt": {"type": "string"},
    "code": {"type": "string", "pattern": "^[a-z]+$"},
}
EXTRAS = {"advanced": [name for name in SIMPLE if name != "prompt"]}


def held_and_drawn_page(schema: dict | None, saved: dict | None) -> None:
    # Runs as the AppTest script: every field's held value is read first, then the form is drawn with Advanced
    # open, and both are kept. No schema: every model of the catalogue, each in a scope of its own.
    from types import SimpleNamespace

    import streamlit as st

    from components.form.reuse import prefill_generate_form
    from components.form.schema_form import advanced_key, draw_form, form_scope
    from components.form.widgets import NOT_HELD, held_field
    from videostudio.catalogue import load_catalogue, model_from_studio_file
    from videostudio.form.fields import form_fields

    if schema is None:
        models = list(load_catalogue())
    else:
        models = [model_from_studio_file({"id": "test/everything", "schema": schema, "ui": {}})]
    held: dict[str, dict[str, Any]] = {}
    drawn: dict[str, dict[str, Any]] = {}
    for model in models:
        with form_scope(model.id):
            if saved is not None and "restored" not in st.session_state:
                job = SimpleNamespace(params=saved, media={}, inputs_dir=None)
                prefill_generate_form(job, model)
            values = {spec.name: held_field(spec, model, spec.path) for spec in form_fields(model)}
            held[model.id] = {name: value for name, value in values.items() if value is not NOT_HELD}
            st.session_state[advanced_key()] = True
            drawn[model.id] = draw_form(model).values
    st.session_state["restored"] = True
    st.session_state["held"] = held
    st.session_state["drawn"] = drawn


def held_and_drawn(schema: dict | None, saved: dict | None = None) -> AppTest:
    at = AppTest.from_function(held_and_drawn_page, kwargs={"schema": schema, "saved": saved}, default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def assert_held_as_drawn(at: AppTest) -> int:
    """Every held value equals the drawn one; how many fields were compared."""
    compared = 0
    for model_id, held in at.session_state["held"].items():
        drawn = at.session_state["drawn"][model_id]
        for name, value in held.items():
            assert value == drawn[name], f"{model_id}: {name} held {value!r}, drawn {drawn[name]!r}"
            compared += 1
    return compared


def test_every_kind_that_can_be_held_holds_what_it_draws_on_a_new_form() -> None:
    at = held_and_drawn(schema_of(EVERYTHING))
    held = at.session_state["held"][MODEL_ID]
    # Uploads, a painted mask, a drawn path and an editable table must be drawn to be read.
    assert not {"image_url", "image_urls", "static_mask", "path", "curve"} & set(held)
    assert {"prompt", "style", "duration", "loop", "strength", "seed", "shots", "camera", "character"} <= set(held)
    assert assert_held_as_drawn(at) == len(held)


def test_a_restored_job_is_held_as_it_is_drawn() -> None:
    at = held_and_drawn(schema_of(EVERYTHING), saved=SAVED)
    assert at.session_state["held"][MODEL_ID]["seed"] == 42
    assert at.session_state["held"][MODEL_ID]["multi_prompt"] == ["first shot", "second shot"]
    assert assert_held_as_drawn(at) > 10


def test_every_model_of_the_catalogue_holds_what_it_draws() -> None:
    at = held_and_drawn(None)
    assert len(at.session_state["held"]) >= 143
    assert assert_held_as_drawn(at) > 900


# --- The panel on a form ------------------------------------------------------------------------------------------


def advanced_toggles(at: AppTest) -> list[str]:
    return [t.label for t in at.toggle]


def test_a_shut_panel_draws_nothing_and_its_fields_keep_their_values() -> None:
    at = form_test(SIMPLE, ui=EXTRAS, advanced=False)
    assert at.session_state["payload"] == {"model": MODEL_ID, "loop": False, "steps": 25}
    assert at.expander[0].label == "Advanced"
    assert not at.toggle and not at.slider and not at.selectbox  # nothing of the panel is drawn while it is shut
    at.session_state[advanced_key()] = True
    at.run()
    assert "Loop" in advanced_toggles(at) and "Random seed: a new one each time" in advanced_toggles(at)
    at.selectbox(key=key("style")).select("noir")
    at.toggle(key=key("loop")).set_value(True)
    at.toggle(key=key("seed__random")).set_value(False).run()
    at.number_input(key=key("seed")).set_value(7)
    at.text_area(key=key("negative_prompt")).input("blur").run()
    sent = {"model": MODEL_ID, "style": "noir", "loop": True, "steps": 25, "seed": 7, "negative_prompt": "blur"}
    assert at.session_state["payload"] == sent
    at.session_state[advanced_key()] = False
    at.run()
    assert not at.toggle  # shut again
    assert at.session_state["payload"] == sent
    at.text_area(key=key("prompt")).input("a fox").run()
    assert at.session_state["payload"] == {**sent, "prompt": "a fox"}


def test_a_restored_job_is_sent_with_the_panel_shut() -> None:
    saved = {"style": "bold", "seed": 3, "strength": 0.5, "prompt": "again"}
    at = form_test(SIMPLE, ui=EXTRAS, advanced=False, saved={"params": saved})
    assert not at.toggle
    assert at.session_state["payload"] == {"model": MODEL_ID, "steps": 25, "loop": False, **saved}


def test_a_problem_in_a_shut_panel_is_shown_under_it_with_the_fields_name() -> None:
    # A saved value the field no longer accepts is not silently dropped: it is named where the person looks.
    at = form_test(SIMPLE, ui=EXTRAS, advanced=False, saved={"params": {"code": "ABC"}})
    assert at.session_state["payload"]["code"] == "ABC"
    assert set(at.session_state["problems"]) == {"code"}
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith("Code (under Advanced): ")


def test_a_saved_number_outside_the_fields_range_is_not_put_back_and_says_so() -> None:
    # A slider refuses such a value once drawn, and a number box quietly resets it: held and drawn would differ.
    saved = {"steps": 80, "strength": 1.5, "seed": -3}
    for advanced in (False, True):
        at = form_test(SIMPLE, ui=EXTRAS, advanced=advanced, saved={"params": saved})
        assert at.session_state["payload"] == {"model": MODEL_ID, "loop": False, "steps": 25}
        notes = at.session_state["restore_notes"]
        assert any(n.startswith("Steps: 80 is outside what it takes (1 to 50), so its default is used") for n in notes)
        assert any(n.startswith("Strength: 1.5 is outside") for n in notes)
        assert any(n.startswith("Random seed: -3 is outside") and "a new seed each time" in n for n in notes)
    held = held_and_drawn(schema_of(SIMPLE), saved=saved)
    assert assert_held_as_drawn(held) == len(SIMPLE)


def test_a_model_with_an_upload_among_its_extras_draws_them_all_while_shut() -> None:
    at = form_test(
        {**SIMPLE, "mask_url": {"type": "string", "format": "uri"}},
        ui={"advanced": [*EXTRAS["advanced"], "mask_url"]},
        advanced=False,
    )
    assert "Loop" in advanced_toggles(at)  # drawn inside the shut panel, as before it was folded
