"""Offline ``POST /v1/images/generations``: a real picture drawn from the prompt, priced per picture.

The picture is the offline renderer's scene for the prompt (``render/text.py``: a gradient and soft lights picked by
a hash, so the same prompt and seed give the same picture and another prompt looks different at a glance), with
the prompt written along its bottom edge. Sizes follow the model's own document: ``image_size`` (a named size or
``{width, height}``, multiples of 32 within the model's bounds) for Flux and Recraft, ``size`` ("1024x1536") for
OpenAI's. The answer is ``{"data": [{"url": ...}]}``, or ``b64_json`` where the model's ``response_format`` asks.
"""

from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Mapping
from typing import Any

from PIL import Image

from videostudio.catalogue.assist import AssistModel
from videostudio.offline.assist import AssistAnswer, AssistCall
from videostudio.offline.assist.checks import model_of, refused, text_of, whole_number
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.render.text import caption_band, scene

# The named sizes of fal's image models, as their documents list them.
NAMED_SIZES: dict[str, tuple[int, int]] = {
    "square_hd": (1024, 1024),
    "square": (512, 512),
    "portrait_4_3": (768, 1024),
    "portrait_16_9": (576, 1024),
    "landscape_4_3": (1024, 768),
    "landscape_16_9": (1024, 576),
}
# What a picture is saved as, by the model's output_format.
FORMATS = {"png": ("PNG", "png", "image/png"), "jpeg": ("JPEG", "jpg", "image/jpeg")}


def image_generation(call: AssistCall) -> AssistAnswer:
    payload = call.payload
    model = model_of("image", payload)
    prompt = text_of(payload, "prompt")
    size = picture_size(model, payload)
    count = _count(model, payload)
    seed = payload.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise refused("seed", "Expected integer")
    pil_format, ending, mime = FORMATS["jpeg" if payload.get("output_format") == "jpeg" else "png"]
    inline = payload.get("response_format") == "b64_json" and "response_format" in model.properties
    data = []
    for index in range(count):
        encoded = _encode(render_picture(prompt, size, f"{seed}|{index}"), pil_format)
        data.append({"b64_json": base64.b64encode(encoded).decode()} if inline else {"url": call.keep(encoded, ending)})
    credits = credits_for(model, {"image": count})
    body = {"data": data, "meta": {"usage": {"credits_used": credits}}}
    return AssistAnswer(body=body, model=model.id, inference_id=f"img-{uuid.uuid4().hex[:16]}", credits=credits)


def render_picture(prompt: str, size: tuple[int, int], variant: str = "") -> Image.Image:
    """The prompt's scene at ``size``, its words along the bottom; the same arguments give the same pixels."""
    picture = scene(size, f"{prompt}|{variant}")
    band = caption_band(prompt, *size)
    if band is not None:
        rgb, mask = band
        picture.paste(rgb, (0, size[1] - rgb.height), mask)
    return picture


def picture_size(model: AssistModel, payload: Mapping[str, Any]) -> tuple[int, int]:
    """(width, height) from the model's size field, as its document allows it; its default when not given."""
    if "image_size" in model.properties:
        return _image_size(model.properties["image_size"], payload.get("image_size"))
    if "size" in model.properties:
        options = model.properties["size"].get("enum") or []
        value = payload.get("size", model.properties["size"].get("default"))
        if value not in options:
            raise refused("size", "Invalid enum value. Expected " + " | ".join(f"'{o}'" for o in options))
        width, height = str(value).split("x")
        return int(width), int(height)
    return NAMED_SIZES["square_hd"]


def _image_size(schema: Mapping[str, Any], value: Any) -> tuple[int, int]:
    branches = schema.get("anyOf") or []
    named = next((b for b in branches if b.get("type") == "string"), {})
    box = next((b for b in branches if b.get("type") == "object"), {})
    value = schema.get("default", "landscape_4_3") if value is None else value
    if isinstance(value, str):
        if value not in (named.get("enum") or NAMED_SIZES):
            raise refused("image_size", "Invalid enum value. Expected " + " | ".join(f"'{n}'" for n in NAMED_SIZES))
        return NAMED_SIZES[value]
    if not isinstance(value, Mapping) or not box:
        raise refused("image_size", "Expected a named size or {width, height}")
    sides = []
    for side in ("width", "height"):
        bounds = (box.get("properties") or {}).get(side, {})
        low, high = int(bounds.get("minimum", 64)), int(bounds.get("maximum", 1536))
        length = whole_number(value, side, low, high, int(bounds.get("default", 1024)))
        if length % 32:
            raise refused(f"image_size.{side}", "Must be a multiple of 32")
        sides.append(length)
    return sides[0], sides[1]


def _count(model: AssistModel, payload: Mapping[str, Any]) -> int:
    field = "num_images" if "num_images" in model.properties else "n"
    schema = model.properties.get(field) or {}
    allowed = schema.get("enum")
    high = max(allowed) if allowed else int(schema.get("maximum", 1))
    return whole_number(payload, field, 1, int(high), 1)


def _encode(picture: Image.Image, pil_format: str) -> bytes:
    out = io.BytesIO()
    picture.save(out, format=pil_format, quality=90) if pil_format == "JPEG" else picture.save(out, format="PNG")
    return out.getvalue()
