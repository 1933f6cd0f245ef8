"""The offline backend's chat (a rewrite or a description by rule, no LLM) and picture endpoints."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator

import pytest
import requests
from PIL import Image

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import APIError
from videostudio.catalogue.assist import assist_model
from videostudio.catalogue.pricing import CREDITS_PER_USD
from videostudio.offline.assist.images import render_picture
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.assist.seeing import DESCRIPTION_MARK, REWRITE_MARK
from videostudio.offline.server import OfflineBackend

CHAT = "/v1/chat/completions"
IMAGES = "/v1/images/generations"


@pytest.fixture(scope="module")
def backend(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OfflineBackend]:
    with OfflineBackend(tmp_path_factory.mktemp("offline"), speed=0) as started:
        yield started


@pytest.fixture
def client(backend: OfflineBackend) -> AssistClient:
    return AssistClient(backend.url, "key")


def _improve(client: AssistClient, prompt: str, target: str = "Kling 2.1", **extra: object) -> dict:
    messages = [{"role": "system", "content": f"Improve prompts for the video model {target}."}]
    payload = {"model": "gpt-4o-mini", "messages": messages + [{"role": "user", "content": prompt}], **extra}
    return dict(client.post(CHAT, payload).body)


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _describe(client: AssistClient, url: str) -> dict:
    parts = [{"type": "text", "text": "Describe this picture."}, {"type": "image_url", "image_url": {"url": url}}]
    return dict(client.post(CHAT, {"model": "gpt-4o", "messages": [{"role": "user", "content": parts}]}).body)


def test_an_improve_request_gets_the_prompt_back_richer_in_the_openai_shape_marked_as_the_demo(client) -> None:
    body = _improve(client, "a fox crossing a frozen lake at night")
    assert body["object"] == "chat.completion" and body["id"].startswith("chatcmpl-")
    choice = body["choices"][0]
    text = choice["message"]["content"]
    assert choice["message"]["role"] == "assistant" and choice["finish_reason"] == "stop"
    assert text.startswith("a fox crossing a frozen lake at night. ") and text.endswith(REWRITE_MARK)
    assert "moonlight" in text  # "night" asks for night light
    usage = body["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0


def test_the_rewrite_is_the_same_for_the_same_request_and_follows_the_words_and_the_target_model(client) -> None:
    first = _improve(client, "a lighthouse keeper climbs the stairs")["choices"][0]["message"]["content"]
    assert _improve(client, "a lighthouse keeper climbs the stairs")["choices"][0]["message"]["content"] == first
    others = {
        _improve(client, "a lighthouse keeper climbs the stairs", target=f"Model {n}")["choices"][0]["message"][
            "content"
        ]
        for n in range(6)
    }
    assert len(others) > 1  # the target model's name takes part in the choice


def test_a_picture_is_described_from_its_own_size_orientation_colours_and_light(client) -> None:
    dark_blue = _describe(client, _png((640, 360), (20, 30, 90)))["choices"][0]["message"]["content"]
    assert "landscape picture (640×360 px)" in dark_blue and "navy" in dark_blue and "dark" in dark_blue
    assert dark_blue.endswith(DESCRIPTION_MARK)
    bright = _describe(client, _png((300, 500), (240, 240, 240)))["choices"][0]["message"]["content"]
    assert "portrait picture (300×500 px)" in bright and "white" in bright and "bright" in bright


def test_a_link_to_a_picture_this_backend_made_is_described_and_no_other_link_is_fetched(client) -> None:
    made = client.post(IMAGES, {"model": "dall-e-3", "prompt": "a square lawn", "size": "1024x1024"}).body
    text = _describe(client, made["data"][0]["url"])["choices"][0]["message"]["content"]
    assert "square picture (1024×1024 px)" in text
    elsewhere = _describe(client, "https://example.invalid/photos/cat.jpg")["choices"][0]["message"]["content"]
    assert "example.invalid (cat.jpg), not looked at" in elsewhere and elsewhere.endswith(DESCRIPTION_MARK)


def test_a_call_is_priced_by_its_tokens_in_the_headers_and_the_usage_logs(client, backend: OfflineBackend) -> None:
    reply = client.post(
        CHAT,
        {"model": "gpt-4o", "messages": [{"role": "user", "content": "one two three"}]},
        client_request_id="chat-price-1",
    )
    usage = reply.body["usage"]
    assert usage["prompt_tokens"] == 4  # three words × 4/3, rounded up
    model = assist_model("chat", "gpt-4o")
    expected = credits_for(model, {"input_tokens": 4, "output_tokens": usage["completion_tokens"]})
    assert expected > 0 and reply.credits_used == expected
    assert reply.usd_spent == pytest.approx(expected / CREDITS_PER_USD)
    rows = [r for r in backend.logs.query({"period": ["24h"]})["data"] if r["client_request_id"] == "chat-price-1"]
    assert [(r["model"], r["status"], r["cost"]["credits"]) for r in rows] == [("gpt-4o", "succeeded", expected)]


def test_max_tokens_cuts_the_answer_and_says_so(client) -> None:
    body = _improve(client, "a slow river", max_tokens=8)
    assert body["choices"][0]["finish_reason"] == "length" and body["usage"]["completion_tokens"] <= 8


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"messages": [{"role": "user", "content": "x"}]}, "model: Required"),
        ({"model": "no/such", "messages": [{"role": "user", "content": "x"}]}, "Invalid enum value"),
        ({"model": "gpt-4o"}, "messages: Required"),
        ({"model": "gpt-4o", "messages": []}, "at least 1 element"),
        ({"model": "gpt-4o", "messages": [{"role": "robot", "content": "x"}]}, "messages.0.role"),
        ({"model": "gpt-4o", "messages": [{"role": "system", "content": "x"}]}, "role 'user'"),
        (
            {"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {}}]}]},
            "image_url.url: Required",
        ),
        (
            {
                "model": "gpt-4o",
                "messages": [
                    {
                        "role": "user",
                        "content": [{"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}}],
                    }
                ],
            },
            "could not be read",
        ),
    ],
)
def test_a_bad_chat_request_is_refused_in_the_apis_400_shape_at_no_cost(backend, payload, words) -> None:
    answer = requests.post(backend.url + CHAT, json=payload, headers={"Authorization": "Bearer k"}, timeout=10)
    assert answer.status_code == 400
    body = answer.json()
    assert body["statusCode"] == 400 and body["path"] == CHAT
    assert body["message"].startswith("Body validation error!") and words in body["message"]


def test_a_picture_is_made_from_the_prompt_in_the_asked_size_and_kept_behind_a_link(client) -> None:
    reply = client.post(IMAGES, {"model": "flux/dev", "prompt": "a red kite", "image_size": "portrait_16_9"})
    picture = Image.open(io.BytesIO(client.download(reply.body["data"][0]["url"])))
    assert picture.size == (576, 1024) and picture.format == "PNG"
    sized = client.post(IMAGES, {"model": "flux/schnell", "prompt": "x", "image_size": {"width": 320, "height": 256}})
    assert Image.open(io.BytesIO(client.download(sized.body["data"][0]["url"]))).size == (320, 256)
    openai = client.post(IMAGES, {"model": "openai/gpt-image-1", "prompt": "x", "size": "1536x1024"})
    assert Image.open(io.BytesIO(client.download(openai.body["data"][0]["url"]))).size == (1536, 1024)
    default = client.post(IMAGES, {"model": "recraft-v3", "prompt": "x"})  # its document's default: square_hd
    assert Image.open(io.BytesIO(client.download(default.body["data"][0]["url"]))).size == (1024, 1024)


def test_the_picture_is_the_same_for_the_same_prompt_and_seed_and_differs_otherwise() -> None:
    same = render_picture("a red kite over the sea", (256, 192), "7|0")
    assert same.tobytes() == render_picture("a red kite over the sea", (256, 192), "7|0").tobytes()
    assert same.tobytes() != render_picture("a red kite over the sea", (256, 192), "8|0").tobytes()
    assert same.tobytes() != render_picture("a green field", (256, 192), "7|0").tobytes()


def test_pictures_are_priced_each_and_given_inline_where_the_model_asks(client, backend) -> None:
    model = assist_model("image", "flux/schnell")
    reply = client.post(IMAGES, {"model": "flux/schnell", "prompt": "x", "num_images": 3}, client_request_id="img-3")
    assert len(reply.body["data"]) == 3 and reply.credits_used == credits_for(model, {"image": 3}) > 0
    rows = [r for r in backend.logs.query({"period": ["24h"]})["data"] if r["client_request_id"] == "img-3"]
    assert [r["cost"]["credits"] for r in rows] == [reply.credits_used]
    inline = client.post(IMAGES, {"model": "dall-e-3", "prompt": "x", "response_format": "b64_json"}).body
    assert Image.open(io.BytesIO(base64.b64decode(inline["data"][0]["b64_json"]))).size == (1024, 1024)


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        ({"model": "flux/dev"}, "prompt: Required"),
        ({"model": "flux/dev", "prompt": "  "}, "prompt: String must contain"),
        ({"model": "flux/dev", "prompt": "x", "image_size": "huge"}, "image_size: Invalid enum value"),
        ({"model": "flux/dev", "prompt": "x", "image_size": {"width": 100, "height": 512}}, "between 512 and 1536"),
        ({"model": "flux/dev", "prompt": "x", "image_size": {"width": 520, "height": 512}}, "multiple of 32"),
        ({"model": "dall-e-3", "prompt": "x", "size": "10x10"}, "size: Invalid enum value"),
        ({"model": "dall-e-3", "prompt": "x", "n": 2}, "n: Number must be between 1 and 1"),
        ({"model": "sora", "prompt": "x"}, "model: Invalid enum value"),
    ],
)
def test_a_bad_picture_request_is_refused_in_the_apis_400_shape(client, payload, words) -> None:
    with pytest.raises(APIError) as refused:
        client.post(IMAGES, payload)
    assert refused.value.status_code == 400 and words in (refused.value.detail or "")
