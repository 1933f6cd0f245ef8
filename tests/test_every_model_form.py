"""Every model of the whole catalogue: its form renders, a person can fill it, and Generate builds a request
that the model's own document accepts (issue 8, section 7).

One AppTest session per model. The request is caught where the studio sends it (``generate_controls.send_press``),
so nothing is submitted; it is then checked with ``jsonschema`` against the request schema of the model's
original document, not the studio's normalised copy, after coercing only the documented schema quirks.
"""

from __future__ import annotations

import copy
import io
import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from streamlit.testing.v1 import AppTest

from components.form.schema_form import ADVANCED_OPEN
from tests.apptest import open_fold
from tests.conftest import REPO, jpeg_bytes, wav_bytes
from videostudio import media
from videostudio.catalogue import MODELS_DIR, Model, load_catalogue, request_schema_of
from videostudio.form.fields import FieldSpec, Widget, form_fields
from videostudio.jobs.press import Press

pytestmark = pytest.mark.apptest

APP = REPO / "app.py"
PROMPT = "A red fox runs through fresh snow at dawn, camera tracking beside it"
WEB_VIDEO = "https://example.com/input.mp4"
# The studio's bundled catalogue: every official video-model document, one model per id.
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def studio_on_whole_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[dict[str, Any]]]:
    """The studio on its bundled catalogue, with sending replaced by a recorder of the requests built."""
    import streamlit as st

    from components.generate import generate_controls

    sent: list[dict[str, Any]] = []

    def record(press: Press) -> tuple[tuple[str, str], None]:
        sent.append(press.payload)
        return ("error", "Recorded by the test; nothing was sent."), None

    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in ("AIMLAPI_API_KEY", "DATABASE_URL", "AIMLAPI_BASE_URL"):
            patch.delenv(name, raising=False)
        patch.setenv("VIDEO_STUDIO_HOME", str(home))
        # No job is ever sent, so no backend is needed: the live list's one read of this address fails at once
        # and the studio keeps its bundled catalogue.
        patch.setenv("VIDEO_STUDIO_OFFLINE_URL", "http://127.0.0.1:9")
        patch.setattr(generate_controls, "send_press", record)
        st.cache_resource.clear()
        yield sent
        st.cache_resource.clear()


def choose_model(at: AppTest, model_id: str) -> None:
    """Open ``model_id``'s form (the one place that knows how a model is picked; today: the session's choice)."""
    at.session_state["model_choice"] = model_id


def mp4_bytes(seconds: float = 1.0, size: tuple[int, int] = (320, 240)) -> bytes:
    import av
    import numpy as np

    buffer = io.BytesIO()
    with av.open(buffer, "w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=12)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for index in range(int(seconds * 12)):
            frame = np.full((size[1], size[0], 3), (index * 20) % 255, dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(frame, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return buffer.getvalue()


_FILES: dict[str, tuple[str, bytes, str]] = {}


def sample_file(kind: str, index: int = 0) -> tuple[str, bytes, str]:
    if kind not in _FILES:
        _FILES[kind] = {
            "image": lambda: ("photo.jpg", jpeg_bytes((640, 480)), "image/jpeg"),
            "audio": lambda: ("voice.wav", wav_bytes(2.0), "audio/wav"),
            "video": lambda: ("clip.mp4", mp4_bytes(), "video/mp4"),
        }[kind]()
    name, data, mime = _FILES[kind]
    return (f"{index}-{name}", data, mime)


def video_uploads_possible() -> bool:
    # Video uploads arrive with the media module's video preparation; until then a web address stands in.
    return hasattr(media, "prepare_video")


class Filler:
    """Fills a form the way a person does: what is required, and nothing else."""

    def __init__(self, at: AppTest, model: Model) -> None:
        self.at = at
        self.prefix = "".join(c if c.isalnum() else "-" for c in model.id).strip("-")
        while "--" in self.prefix:
            self.prefix = self.prefix.replace("--", "-")
        self.later: list[tuple[str, str]] = []  # web addresses to type once their box is drawn

    def key(self, path: str) -> str:
        return f"{self.prefix}__{path}"

    def fill(self, spec: FieldSpec, path: str) -> None:
        key = self.key(path)
        if spec.widget in (Widget.TEXT_AREA, Widget.TEXT):
            text = PROMPT[: spec.max_length] if spec.max_length else PROMPT
            (self.at.text_area if spec.widget is Widget.TEXT_AREA else self.at.text_input)(key=key).input(text)
        elif spec.widget is Widget.LIST:
            self.at.text_area(key=key).input("\n".join([PROMPT] * max(spec.min_items, 1)))
        elif spec.widget is Widget.MEDIA:
            self.media(spec, key)
        elif spec.widget is Widget.MEDIA_LIST:
            self.media_list(spec, key)
        elif spec.widget is Widget.SEGMENTED and spec.default not in spec.options:
            self.at.button_group(key=key).set_value(spec.options[0])
        elif spec.widget is Widget.NUMBER and spec.default is None:
            self.at.number_input(key=key).set_value(spec.low if spec.low is not None else spec.number(1))
        elif spec.widget is Widget.GROUP:
            for child in spec.children:
                if child.required:
                    self.fill(child, f"{path}.{child.name}")
        elif spec.widget is Widget.GROUP_LIST:
            for index in range(max(spec.min_items, 1)):
                for child in (c for c in spec.children if c.required):
                    self.fill(child, f"{path}.{index}.{child.name}")
        elif spec.widget is Widget.VARIANT:
            # The first variant is chosen for a required field; fill what it needs.
            self.fill(spec.variants[0], f"{path}~0")

    def media(self, spec: FieldSpec, key: str) -> None:
        kind = spec.media_kind or "image"
        if kind == "video" and not video_uploads_possible():
            self.at.button_group(key=f"{key}__source").set_value("Web address")
            self.later.append((f"{key}__url", WEB_VIDEO))
            return
        uploader = next(w for w in self.at.get("file_uploader") if w.key == f"{key}__file")
        uploader.set_value(sample_file(kind))

    def media_list(self, spec: FieldSpec, key: str) -> None:
        kind = spec.media_kind or "image"
        count = max(spec.min_items, 1)
        if kind == "video":
            self.at.button_group(key=f"{key}__source").set_value("Web addresses")
            self.later.append((f"{key}__urls", "\n".join(f"https://example.com/{i}.mp4" for i in range(count))))
            return
        uploader = next(w for w in self.at.get("file_uploader") if w.key == f"{key}__files")
        uploader.set_value([sample_file(kind, i) for i in range(count)])

    def open(self, spec: FieldSpec, path: str) -> list[tuple[FieldSpec, str]]:
        """Turn on an optional list, group or variant; what it holds, to fill once a run has drawn it."""
        key = self.key(path)
        if spec.widget is Widget.VARIANT:
            if not spec.required:
                self.at.button_group(key=f"{key}__variant").set_value(0)
            return [(spec.variants[0], f"{path}~0")]
        if spec.widget is Widget.GROUP:
            if not spec.required and "." not in path:
                self.at.toggle(key=f"{key}__on").set_value(True)
            return [(child, f"{path}.{child.name}") for child in spec.children]
        if spec.widget is Widget.GROUP_LIST:
            count = max(spec.min_items, 1)
            if not spec.required:
                self.at.number_input(key=f"{key}__count").set_value(count)
            return [(c, f"{path}.{i}.{c.name}") for i in range(count) for c in spec.children if c.required]
        return [(spec, path)]

    def finish(self) -> None:
        """Run once so the boxes chosen above are drawn, then type their web addresses."""
        self.at.run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        self.type_later()

    def type_later(self) -> None:
        for key, text in self.later:
            widget = next(w for w in self.at.get("text_input") + self.at.get("text_area") if w.key == key)
            widget.input(text)


def original_schema(model_id: str) -> dict[str, Any]:
    """The request schema of the model's own document, with only the fact sheet's documented quirks coerced.

    A seed model's studio file holds the official request schema under ``schema``; the others are the official
    documents, whose ``$ref``s into ``components`` resolve against the document itself.
    """
    model = CATALOGUE.get(model_id)
    document = json.loads((MODELS_DIR.parent / model.source).read_text(encoding="utf-8"))
    if "openapi" not in document:
        schema = copy.deepcopy(document["schema"])
    else:
        schema = {
            **copy.deepcopy(request_schema_of(document)),
            "components": copy.deepcopy(document.get("components", {})),
        }
    _coerce_quirks(schema)
    return schema


def _coerce_quirks(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _coerce_quirks(item)
        return
    if not isinstance(node, dict):
        return
    # OpenAPI 3.0 "nullable" is JSON Schema's type list; alone (a null branch), it allows null.
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        elif "type" not in node and not ({"properties", "enum", "anyOf", "oneOf"} & set(node)):
            node["type"] = "null"
    # A property-level "required": true (video-01-live2d) is the parent's required list.
    for name, child in list(node.get("properties", {}).items()):
        if isinstance(child, dict) and child.get("required") is True:
            child.pop("required")
            node.setdefault("required", []).append(name)
    for value in node.values():
        _coerce_quirks(value)


def _errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception] + [e.value for e in at.error]


@pytest.mark.parametrize("model_id", CATALOGUE.ids())
def test_every_model_renders_and_sends_what_its_document_accepts(
    studio_on_whole_catalogue: list[dict[str, Any]], model_id: str
) -> None:
    model = CATALOGUE.get(model_id)
    at = open_model(model_id)
    filler = Filler(at, model)
    for spec in form_fields(model):
        if spec.required:
            filler.fill(spec, spec.path)
    filler.finish()
    payload = generate_and_check(at, studio_on_whole_catalogue, model_id)
    assert payload["model"] == model_id


# The kinds a person opens to give more than the required minimum.
OPENABLE = (Widget.VARIANT, Widget.MEDIA_LIST, Widget.LIST, Widget.GROUP_LIST)


def _openable(spec: FieldSpec) -> bool:
    """Lists and variants, and groups holding them; not tables or drawn paths, which AppTest cannot fill
    (a path drawn on the start image is tested in the browser: tests/browser/test_kling_brush.py)."""
    inside = [*spec.children, *spec.variants]
    if any(child.widget in (Widget.TABLE, Widget.PATH) for child in inside):
        return False
    return spec.widget in OPENABLE or (spec.widget is Widget.GROUP and any(_openable(c) for c in spec.children))


WITH_LISTS_OR_VARIANTS = [m.id for m in CATALOGUE if any(_openable(s) for s in form_fields(m))]


@pytest.mark.parametrize("model_id", WITH_LISTS_OR_VARIANTS)
def test_every_optional_list_and_variant_sends_what_its_document_accepts(
    studio_on_whole_catalogue: list[dict[str, Any]], model_id: str
) -> None:
    model = CATALOGUE.get(model_id)
    at = open_model(model_id)
    open_fold(at, ADVANCED_OPEN)  # the lists and variants a person opens may sit under Advanced
    filler = Filler(at, model)
    specs = form_fields(model)
    for spec in specs:
        if spec.required and not _openable(spec):
            filler.fill(spec, spec.path)
    # Open level by level: each run draws what the one before turned on.
    frontier = [(s, s.path) for s in specs if _openable(s)]
    while frontier:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        opened: list[tuple[FieldSpec, str]] = []
        for spec, path in frontier:
            if spec.widget in (Widget.VARIANT, Widget.GROUP, Widget.GROUP_LIST) and _openable(spec):
                opened += filler.open(spec, path)
            elif spec.required or spec.widget in OPENABLE:
                filler.fill(spec, path)
        frontier = opened
    filler.finish()
    payload = generate_and_check(at, studio_on_whole_catalogue, model_id)
    for spec in specs:
        if _openable(spec):
            assert spec.name in payload, f"{spec.name} was not sent"


def test_the_whole_catalogue_is_here() -> None:
    assert len(CATALOGUE) == 143


# --- The constructs that used to block a model, on their real documents ----------------------------------------------


def open_model(model_id: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=30)
    choose_model(at, model_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def by_key(at: AppTest, kind: str, widget_key: str) -> Any:
    return next(w for w in at.get(kind) if w.key == widget_key)


def generate_and_check(at: AppTest, sent: list[dict[str, Any]], model_id: str) -> dict[str, Any]:
    before = len(sent)
    at.button(key="generate").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(sent) == before + 1, f"nothing was sent: {_errors(at)}"
    payload = sent[-1]
    problems = list(Draft202012Validator(original_schema(model_id)).iter_errors(payload))
    assert not problems, [p.message[:200] for p in problems]
    return payload


@pytest.mark.skipif("runway/act_two" not in CATALOGUE, reason="not in the bundled catalogue")
def test_act_two_sends_an_uploaded_image_as_its_character(studio_on_whole_catalogue: list[dict[str, Any]]) -> None:
    model = CATALOGUE.get("runway/act_two")
    at = open_model(model.id)
    filler = Filler(at, model)
    by_key(at, "button_group", filler.key("character__variant")).set_value(1).run()
    by_key(at, "file_uploader", filler.key("character~1.url__file")).set_value(sample_file("image"))
    for spec in form_fields(model):
        if spec.required and spec.name != "character":
            filler.fill(spec, spec.path)
    filler.finish()
    payload = generate_and_check(at, studio_on_whole_catalogue, "runway/act_two")
    assert payload["character"]["type"] == "image"
    assert payload["character"]["url"].startswith("data:image/jpeg;base64,")


@pytest.mark.skipif("klingai/kling-video-v1.6-pro-effects" not in CATALOGUE, reason="not in the bundled catalogue")
def test_kling_effects_send_two_images_in_order(studio_on_whole_catalogue: list[dict[str, Any]]) -> None:
    model = CATALOGUE.get("klingai/kling-video-v1.6-pro-effects")
    at = open_model(model.id)
    filler = Filler(at, model)
    by_key(at, "button_group", filler.key("image_url__variant")).set_value(1).run()
    by_key(at, "file_uploader", filler.key("image_url~1__files")).set_value(
        [sample_file("image", 0), sample_file("image", 1)]
    )
    for spec in form_fields(model):
        if spec.required and spec.name != "image_url":
            filler.fill(spec, spec.path)
    filler.finish()
    payload = generate_and_check(at, studio_on_whole_catalogue, model.id)
    assert len(payload["image_url"]) == 2


@pytest.mark.skipif("alibaba/wan2.2-vace-fun-a14b-depth" not in CATALOGUE, reason="not in the bundled catalogue")
def test_wan_numbers_with_whole_number_defaults_can_be_changed_and_sent(
    studio_on_whole_catalogue: list[dict[str, Any]],
) -> None:
    # These crashed the page with StreamlitMixedNumericTypesError (an int default with a float step).
    model = CATALOGUE.get("alibaba/wan2.2-vace-fun-a14b-depth")
    numbers = [s for s in form_fields(model) if s.widget is Widget.NUMBER and s.default is not None]
    assert numbers
    at = open_model(model.id)
    open_fold(at, ADVANCED_OPEN)  # some of the numbers sit under Advanced
    filler = Filler(at, model)
    for spec in numbers:
        by_key(at, "number_input", filler.key(spec.path)).set_value(spec.default + spec.step)
    for spec in form_fields(model):
        if spec.required:
            filler.fill(spec, spec.path)
    filler.finish()
    payload = generate_and_check(at, studio_on_whole_catalogue, model.id)
    assert all(payload[s.name] == s.default + s.step for s in numbers)


@pytest.mark.skipif("bytedance/seedance-2-0" not in CATALOGUE, reason="not in the bundled catalogue")
def test_seedance_reference_images_keep_their_order(studio_on_whole_catalogue: list[dict[str, Any]]) -> None:
    model = CATALOGUE.get("bytedance/seedance-2-0")
    at = open_model(model.id)
    filler = Filler(at, model)
    by_key(at, "file_uploader", filler.key("image_urls__files")).set_value(
        [("second.jpg", jpeg_bytes(color=(0, 0, 255)), "image/jpeg"), ("first.jpg", jpeg_bytes(), "image/jpeg")]
    )
    for spec in form_fields(model):
        if spec.required:
            filler.fill(spec, spec.path)
    filler.finish()
    payload = generate_and_check(at, studio_on_whole_catalogue, model.id)
    assert len(payload["image_urls"]) == 2
    blue = payload["image_urls"][0]
    assert blue != payload["image_urls"][1]


def test_every_model_describes_every_field_for_the_models_page() -> None:
    from components.models.model_sheet import settings_lines

    for model in CATALOGUE:
        lines = settings_lines(form_fields(model))
        assert len(lines) >= len(model.field_names()), model.id
        assert not [line for line in lines if re.search(r"\b[a-z]+_[a-z_]+\b|\bURLs?\b", line.split(":")[0])], model.id


def test_the_models_page_shows_the_whole_catalogue(studio_on_whole_catalogue: list[dict[str, Any]]) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    at.switch_page("pages/models.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.dataframe  # no parameter tables: settings in plain words
    assert any(m.value.startswith("**Settings:**") for m in at.markdown)
