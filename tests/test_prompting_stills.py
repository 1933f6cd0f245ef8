"""The prompt helper (videostudio.prompting) and start pictures (videostudio.stills) on the offline backend."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import BadRequestError, ResponseFormatError, StudioError, SubmitAnswerLost
from videostudio.catalogue.assist import assist_model, assist_pricing, forget_prices
from videostudio.catalogue.tokens import text_tokens
from videostudio.offline.assist import AssistAnswer, AssistCall
from videostudio.offline.assist.routes import ASSIST_ROUTES
from videostudio.offline.assist.seeing import DESCRIPTION_MARK, REWRITE_MARK
from videostudio.offline.server import OfflineBackend
from videostudio.prompting import (
    DEFAULT_CHAT_MODEL,
    chat_models,
    describe_estimate,
    describe_picture,
    improve_estimate,
    improve_prompt,
)
from videostudio.stills import DEFAULT_IMAGE_MODEL, image_models, make_still, still_payload, still_price
from videostudio.storage import LocalFolderStorage

CHAT = "/v1/chat/completions"


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[OfflineBackend]:
    with OfflineBackend(tmp_path / "offline", speed=0) as started:
        yield started


@pytest.fixture
def client(backend: OfflineBackend) -> AssistClient:
    return AssistClient(backend.url, "key")


def _rows(backend: OfflineBackend) -> list[dict]:
    return backend.logs.query({"period": ["24h"]})["data"]


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def test_improve_names_the_video_model_and_gets_one_richer_prompt_and_its_cost(client, backend) -> None:
    proposal = improve_prompt(
        client,
        chat_model=DEFAULT_CHAT_MODEL,
        video_model_title="Kling 2.1",
        prompt="a fox at night",
        client_request_id="improve-1",
    )
    assert proposal.text.startswith("a fox at night. ") and proposal.text.endswith(REWRITE_MARK)
    assert proposal.usd is not None and proposal.usd > 0
    assert [(r["client_request_id"], r["model"]) for r in _rows(backend)] == [("improve-1", DEFAULT_CHAT_MODEL)]
    other = improve_prompt(
        client,
        chat_model=DEFAULT_CHAT_MODEL,
        video_model_title="Veo 3",
        prompt="a fox at night",
        client_request_id="improve-2",
    )
    assert other.text.startswith("a fox at night. ")  # the same words for another model: its name is in the ask


def test_the_estimate_before_the_press_is_the_cost_after_it_for_the_same_words(client, backend) -> None:
    forget_prices()
    pricing = assist_pricing(backend.url, [DEFAULT_CHAT_MODEL])[DEFAULT_CHAT_MODEL]
    prompt = "a paper boat drifts down a gutter after the rain"
    estimate = improve_estimate("Kling 2.1", prompt, pricing)
    assert estimate.input_tokens > text_tokens(prompt) and estimate.usd is not None and estimate.usd > 0
    proposal = improve_prompt(
        client, chat_model=DEFAULT_CHAT_MODEL, video_model_title="Kling 2.1", prompt=prompt, client_request_id="e-1"
    )
    assert proposal.usd == pytest.approx(estimate.usd, rel=0.5)  # the answer's length is only guessed before
    assert improve_estimate("Kling 2.1", prompt, None).usd is None  # no price known: none made up


def test_describe_sends_the_picture_to_a_model_that_sees_and_gets_a_prompt_from_it(client) -> None:
    assert DEFAULT_CHAT_MODEL in chat_models(sees_pictures=True)
    proposal = describe_picture(
        client, chat_model=DEFAULT_CHAT_MODEL, image=_png((480, 640), (235, 215, 50)), client_request_id="d-1"
    )
    assert "portrait picture (480×640 px)" in proposal.text and "yellow" in proposal.text
    assert proposal.text.endswith(DESCRIPTION_MARK) and proposal.usd
    assert describe_estimate(None).input_tokens >= 85  # the picture counts


def test_a_refusal_and_a_lost_answer_are_said_in_plain_words_and_never_sent_twice(client, backend) -> None:
    with pytest.raises(BadRequestError):
        improve_prompt(client, chat_model="no/such", video_model_title="X", prompt="p", client_request_id="bad-1")
    client._session.headers["X-Offline-Faults"] = "drop-answer"  # the offline backend's per-request fault switch
    with pytest.raises(SubmitAnswerLost) as lost:
        improve_prompt(
            client, chat_model=DEFAULT_CHAT_MODEL, video_model_title="X", prompt="p", client_request_id="l-1"
        )
    assert "prompt helper" in lost.value.message and lost.value.client_request_id == "l-1"
    assert [r["client_request_id"] for r in _rows(backend)].count("l-1") == 1


def test_an_answer_without_text_is_said_as_such(client, monkeypatch: pytest.MonkeyPatch) -> None:
    def empty(call: AssistCall) -> AssistAnswer:
        return AssistAnswer(body={"choices": [{"message": {"content": "  "}}]}, model="gpt-4o-mini", inference_id="e")

    monkeypatch.setitem(ASSIST_ROUTES, ("POST", CHAT), empty)
    with pytest.raises(ResponseFormatError, match="without a prompt"):
        improve_prompt(client, chat_model=DEFAULT_CHAT_MODEL, video_model_title="X", prompt="p", client_request_id="x")


def test_a_still_is_made_downloaded_checked_and_kept_in_the_media_storage(client, backend, tmp_path) -> None:
    storage = LocalFolderStorage(tmp_path / "media")
    still = make_still(client, storage, model_id=DEFAULT_IMAGE_MODEL, prompt=" a red barn ", client_request_id="s-1")
    assert still.path.is_file() and still.path.parent == tmp_path / "media" / "stills"
    with Image.open(still.path) as picture:
        assert picture.size == (1024, 576)  # landscape, the shape video models start from
    assert still.prompt == "a red barn" and still.model_id == DEFAULT_IMAGE_MODEL and still.usd
    assert [r["client_request_id"] for r in _rows(backend)] == ["s-1"]
    forget_prices()
    price = still_price(assist_pricing(backend.url, [DEFAULT_IMAGE_MODEL])[DEFAULT_IMAGE_MODEL])
    assert price == pytest.approx(still.usd)


def test_every_image_model_gets_a_landscape_request_its_document_allows(client, tmp_path) -> None:
    assert image_models()[0].id == DEFAULT_IMAGE_MODEL
    storage = LocalFolderStorage(tmp_path / "media")
    for model in image_models():
        still = make_still(client, storage, model_id=model.id, prompt="a kite", client_request_id=f"k-{model.title}")
        with Image.open(still.path) as picture:
            assert picture.width > picture.height, model.id
    assert still_payload(assist_model("image", "dall-e-3"), "x")["size"] == "1792x1024"


def test_a_file_that_is_no_picture_is_refused_and_not_kept(client, tmp_path, monkeypatch) -> None:
    def not_a_picture(call: AssistCall) -> AssistAnswer:
        return AssistAnswer(
            body={"data": [{"url": call.keep(b"not a png", "png")}]}, model="flux/schnell", inference_id="n"
        )

    monkeypatch.setitem(ASSIST_ROUTES, ("POST", "/v1/images/generations"), not_a_picture)
    storage = LocalFolderStorage(tmp_path / "media")
    with pytest.raises(StudioError, match="not a picture"):
        make_still(client, storage, model_id=DEFAULT_IMAGE_MODEL, prompt="x", client_request_id="n-1")
    assert not (tmp_path / "media" / "stills").exists()
