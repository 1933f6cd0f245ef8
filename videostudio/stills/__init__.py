"""Start pictures made from a description: an image model draws one, and the studio keeps it like an upload.

Pure (no Streamlit). ``make_still`` is one ``POST /v1/images/generations`` (never retried: it is billed), then the
picture is downloaded from the answer's link (or taken from its ``b64_json``), checked with Pillow and kept in the
media storage under ``stills/<sha256>.<ext>``, so the file is there for the form to prepare as it prepares an upload
(``videostudio.media.prepare_image``). Pictures are asked for in landscape, the shape most video models start from.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, UnidentifiedImageError

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import ResponseFormatError, StudioError, SubmitAnswerLost
from videostudio.catalogue.assist import ASSIST_KINDS, AssistModel, assist_model, assist_models
from videostudio.catalogue.pricing import quote_counts
from videostudio.storage import MediaStorage, StorageError

STILLS = "stills"
# The image model offered first: quick and among the cheapest.
DEFAULT_IMAGE_MODEL = "flux/schnell"
MAX_STILL_BYTES = 32 * 1024 * 1024
# The landscape size asked of each way a document names sizes: fal's named sizes, OpenAI's "WxH".
LANDSCAPE_NAMED = "landscape_16_9"
ENDINGS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


@dataclass(frozen=True)
class Still:
    """A picture made from ``prompt`` by ``model_id``, kept at ``path`` (a file on this machine)."""

    path: Path
    usd: float | None
    model_id: str
    prompt: str


def image_models() -> tuple[AssistModel, ...]:
    """The image models a start picture can be made with, the default first."""
    return tuple(sorted(assist_models("image"), key=lambda m: m.id != DEFAULT_IMAGE_MODEL))


def still_price(pricing: Mapping[str, Any] | None) -> float | None:
    """What one picture costs by the model's catalogue price, or None when it is unknown."""
    quote = quote_counts(pricing, {"image": 1})
    return quote.usd if quote else None


def still_payload(model: AssistModel, prompt: str) -> dict[str, Any]:
    """The request for one landscape picture of ``prompt``, in the fields the model's document names."""
    payload: dict[str, Any] = {"model": model.id, "prompt": prompt.strip()}
    props = model.properties
    if "image_size" in props:
        payload["image_size"] = LANDSCAPE_NAMED
    elif "size" in props:
        sizes = [s for s in props["size"].get("enum") or [] if isinstance(s, str) and "x" in s]
        wide = [s for s in sizes if int(s.split("x")[0]) > int(s.split("x")[1])]
        if wide:
            payload["size"] = wide[0]
    for count in ("num_images", "n"):
        if count in props:
            payload[count] = 1
    return payload


def make_still(
    client: AssistClient, storage: MediaStorage, *, model_id: str, prompt: str, client_request_id: str
) -> Still:
    """Make one picture of ``prompt`` with ``model_id``, download, check and keep it. Raises StudioError."""
    model = assist_model("image", model_id)
    if model is None:
        raise ValueError(f"not an image model: {model_id}")
    if not prompt.strip():
        raise ValueError("make_still needs a description")
    try:
        reply = client.post(
            ASSIST_KINDS["image"].path, still_payload(model, prompt), client_request_id=client_request_id
        )
    except SubmitAnswerLost as lost:
        raise SubmitAnswerLost(
            "The answer to Make the picture was lost on the way back; the picture may have been made and charged.",
            "Press again to make another.",
            client_request_id=lost.client_request_id,
        ) from lost
    data = _picture_bytes(client, reply.body)
    ending = _checked_ending(data)
    key = f"{STILLS}/{hashlib.sha256(data).hexdigest()}.{ending}"
    try:
        storage.put_bytes(key, data)
        path = storage.local_path(key)
    except (OSError, StorageError) as exc:
        raise StudioError(
            "The picture was made but could not be kept.", "Check the media storage, then try again."
        ) from exc
    if path is None:
        raise StudioError("The picture was made but could not be kept.", "Check the media storage, then try again.")
    return Still(path=path, usd=reply.usd_spent, model_id=model.id, prompt=prompt.strip())


def _picture_bytes(client: AssistClient, body: Mapping[str, Any]) -> bytes:
    items = body.get("data") if isinstance(body, Mapping) else None
    first = items[0] if isinstance(items, list) and items and isinstance(items[0], Mapping) else {}
    if isinstance(first.get("url"), str) and first["url"]:
        return client.download(first["url"], max_bytes=MAX_STILL_BYTES)
    if isinstance(first.get("b64_json"), str) and first["b64_json"]:
        try:
            return base64.b64decode(first["b64_json"], validate=False)
        except (binascii.Error, ValueError):
            pass
    raise ResponseFormatError("The image model answered without a picture.", "Try again, or pick another model.")


def _checked_ending(data: bytes) -> str:
    """The picture's file ending, once Pillow has read it whole; ResponseFormatError when it is no picture."""
    try:
        with Image.open(io.BytesIO(data)) as picture:
            picture.load()
            kind, size = picture.format, picture.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        kind, size = None, (0, 0)
    if kind not in ENDINGS or min(size) <= 0:
        raise ResponseFormatError("The image model sent a file that is not a picture the studio can use.", "Try again.")
    return ENDINGS[kind]
