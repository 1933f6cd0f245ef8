"""Kling's camera and motion brush in a real (AppTest) form: a preset camera move sends no sliders; a mask
or a path falls back to an upload or a table until there is a start image to paint on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from components.form.widgets.brush import NO_START_IMAGE, PAINT, PAINTED_NAME, UPLOAD_MASK
from tests.conftest import REPO, jpeg_bytes, studio_media
from tests.formtest import by_key, form_test, key
from videostudio.form.masks import Stroke, mask_data_uri

pytestmark = pytest.mark.apptest

KLING_FILE = REPO / "videostudio" / "catalogue" / "models" / "kling-video-v1-standard-image-to-video.json"


def kling_properties() -> dict[str, Any]:
    properties = dict(json.loads(KLING_FILE.read_text())["schema"]["properties"])
    properties.pop("model")
    return properties


def captions(at: Any) -> list[str]:
    return [c.value for c in at.caption]


def test_a_preset_camera_move_hides_the_six_sliders_and_sends_none() -> None:
    at = form_test(kling_properties(), required=("image_url",))
    by_key(at, "toggle", key("camera_control__on")).set_value(True).run()
    by_key(at, "selectbox", key("camera_control.type")).select("forward_up").run()
    assert not [s for s in at.slider if s.key.startswith(key("camera_control.config"))]
    assert at.session_state["payload"]["camera_control"] == {"type": "forward_up"}


def test_the_custom_camera_move_shows_the_sliders_and_sends_them() -> None:
    at = form_test(kling_properties(), required=("image_url",))
    by_key(at, "toggle", key("camera_control__on")).set_value(True).run()
    by_key(at, "selectbox", key("camera_control.type")).select("simple").run()
    by_key(at, "slider", key("camera_control.config.pan")).set_value(-2.5).run()
    sent = at.session_state["payload"]["camera_control"]
    assert sent["type"] == "simple"
    assert sent["config"] == {"horizontal": 0.0, "vertical": 0.0, "pan": -2.5, "tilt": 0.0, "roll": 0.0, "zoom": 0.0}
    # Back to a preset: the sliders' values stay for later, but are not sent beside it.
    by_key(at, "selectbox", key("camera_control.type")).select("down_back").run()
    assert at.session_state["payload"]["camera_control"] == {"type": "down_back"}


def test_before_a_start_image_a_mask_is_uploaded_and_a_path_typed() -> None:
    at = form_test(kling_properties(), required=("image_url",))
    shown = " ".join(captions(at))
    assert shown.count(NO_START_IMAGE) == 1  # the static mask; no motion area is asked for yet
    by_key(at, "number_input", key("dynamic_masks__count")).set_value(1).run()
    assert " ".join(captions(at)).count(NO_START_IMAGE) == 3  # the still area, the moving area and its path
    # A ready-made mask still goes up, and is sent.
    by_key(at, "file_uploader", key("static_mask__file")).upload("mask.png", png_mask(), "image/png").run()
    sent = at.session_state["payload"]["static_mask"]
    assert sent.startswith("data:image/png;base64,")
    assert at.session_state["upload_names"]["static_mask"] == "mask.png"
    # The path is a table of points meanwhile.
    assert list(at.dataframe[0].value.columns) == ["x", "y"]


def test_with_a_start_image_the_mask_is_painted_or_uploaded() -> None:
    at = form_test(kling_properties(), required=("image_url",))
    by_key(at, "file_uploader", key("image_url__file")).upload("first.jpg", jpeg_bytes((960, 640)), "image/jpeg").run()
    assert NO_START_IMAGE not in " ".join(captions(at))
    how = by_key(at, "segmented_control", key("static_mask__how"))
    assert how.value == PAINT
    assert not [w for w in at.get("file_uploader") if w.key == key("static_mask__file")]
    # An empty canvas sends no mask.
    assert "static_mask" not in at.session_state["payload"]
    how.set_value(UPLOAD_MASK).run()
    by_key(at, "file_uploader", key("static_mask__file")).upload("mask.png", png_mask(), "image/png").run()
    assert at.session_state["payload"]["static_mask"].startswith("data:image/png;base64,")


def test_a_painted_mask_comes_back_as_an_uploaded_one_with_a_note(tmp_path: Path) -> None:
    from videostudio.library.kept_inputs import keep_inputs

    painted = mask_data_uri([Stroke(((10, 10), (50, 10)), 8)], (100, 100), (960, 640))
    first = form_test(kling_properties(), required=("image_url",))
    by_key(first, "file_uploader", key("image_url__file")).upload(
        "first.jpg", jpeg_bytes((960, 640)), "image/jpeg"
    ).run()
    sent = {**first.session_state["payload"], "static_mask": painted}
    names = {**first.session_state["upload_names"], "static_mask": PAINTED_NAME}
    inputs_dir = keep_inputs(sent, names, studio_media())
    path = [{"x": 1, "y": 2}, {"x": 3, "y": 4}]
    params = {"image_url": "kept", "static_mask": "kept", "dynamic_masks": [{"mask": painted, "trajectories": path}]}
    again = form_test(kling_properties(), required=("image_url",), saved={"params": params, "inputs_dir": inputs_dir})
    assert again.session_state["payload"]["static_mask"] == painted
    assert by_key(again, "segmented_control", key("static_mask__how")).value == UPLOAD_MASK
    notes = again.session_state["restore_notes"]
    assert any(n.startswith("Area that stays still: the painted mask is back") for n in notes), notes
    assert any("draw the path again (2 points were used)" in n for n in notes), notes


def png_mask() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("L", (96, 64), 255).save(buffer, "PNG")
    return buffer.getvalue()
