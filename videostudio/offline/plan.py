"""From a request to a render: check the payload against the model's schema, then plan what to draw.

Everything is read generically through the catalogue's hints (which fields hold images, video or audio, the
default length and size) and common field names, never through branches on model ids.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from videostudio.catalogue import Model
from videostudio.offline.vendor import short_side_of


def validate(model: Model, payload: dict[str, Any]) -> list[str]:
    """The payload's problems as ``field: message`` lines, checked with jsonschema against the model's own schema.

    An independent check of what the studio sends (not the studio's own validator), plus the cross-field rules
    the model's documentation states in prose.
    """
    validator = Draft202012Validator(model.schema)
    problems = [_problem(error) for error in sorted(validator.iter_errors(payload), key=_error_order)]
    defaults = model.defaults
    problems += [rule.message for rule in model.rules if rule.broken_by(payload, defaults)]
    return problems


def _error_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def _problem(error: ValidationError) -> str:
    """One problem, worded like the API's validation errors (``prompt: Required``)."""
    path = ".".join(str(part) for part in error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if error.message.count("'") >= 2 else ""
        path = f"{path}.{missing}" if path and missing else missing or path
        return f"{path}: Required"
    if error.validator == "enum":
        expected = " | ".join(json.dumps(v) if not isinstance(v, str) else f"'{v}'" for v in error.validator_value)
        received = f"'{error.instance}'" if isinstance(error.instance, str) else json.dumps(error.instance)
        message = f"Invalid enum value. Expected {expected}, received {received}"
    else:
        message = error.message
        shown = repr(error.instance)
        if len(shown) > 80:  # a data URI in the message would be megabytes long
            message = message.replace(shown, shown[:40] + "…")
    return f"{path}: {message}" if path else message


def problems_message(problems: list[str]) -> str:
    """One line, as the API words it: "Body validation error! a: …; b: …."."""
    return "Body validation error! " + "; ".join(p.rstrip(". ") for p in problems) + "."


def plan_render(model: Model, payload: dict[str, Any]) -> Any:
    """The RenderRequest for a payload, read through the catalogue's hints; ValueError on a bad data URI."""
    from videostudio.media import decode_data_uri, is_data_uri
    from videostudio.offline.render import RenderRequest, audio_duration, frame_size, image_aspect

    def media_fields(kind: str) -> list[str]:
        # Top-level fields only, in schema order; masks are not frames.
        return [n for n in model.properties if model.media_kind(n) == kind and "mask" not in n]

    def decoded(name: str) -> bytes | None:
        value = payload.get(name)
        if isinstance(value, str) and is_data_uri(value):
            try:
                return decode_data_uri(value)[1]
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}") from None
        return None

    image_fields = media_fields("image")
    image = decoded(image_fields[0]) if image_fields else None
    end_image = decoded(image_fields[1]) if len(image_fields) > 1 else None
    title = ""
    if image_fields and image is None and isinstance(payload.get(image_fields[0]), str):
        # A web address is never fetched: a server that fetches URLs it is handed is an open door.
        title = f"Image from {_host_of(payload[image_fields[0]])} (not fetched offline)"

    audio_fields = media_fields("audio")
    audio = decoded(audio_fields[0]) if audio_fields else None
    audio_given = bool(audio_fields) and isinstance(payload.get(audio_fields[0]), str)

    duration = _number(payload.get("duration"))
    if duration is None and audio is not None:
        duration = audio_duration(audio)  # a talking video lasts as long as its voice
    if duration is None or duration <= 0:
        duration = model.output_seconds

    short_side = short_side_of(payload.get("resolution")) or model.output_short_side
    aspect = image_aspect(image) if image is not None else _aspect(payload.get("aspect_ratio")) or image_aspect(None)
    width, height = frame_size(short_side, aspect)

    speech = payload.get("lip_sync_tts_content")
    speech = speech.strip() if isinstance(speech, str) else ""
    prompt = payload.get("prompt")
    caption = prompt.strip() if isinstance(prompt, str) and prompt.strip() else speech
    return RenderRequest(
        width=width,
        height=height,
        duration=float(duration),
        caption=caption,
        image=image,
        end_image=end_image,
        placeholder_title=title,
        audio=audio,
        # A stand-in voice for spoken text, or for audio that sits behind a web address.
        tone=audio is None and (bool(speech) or audio_given),
        motion=_motion(payload.get("camera_control")),
    )


def _host_of(value: str) -> str:
    host = urlsplit(value).hostname
    return host or "an address"


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _aspect(value: Any) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*[:/x]\s*(\d+(?:\.\d+)?)\s*", value) if isinstance(value, str) else None
    if not match or not float(match.group(2)):
        return None
    return float(match.group(1)) / float(match.group(2))


def _motion(camera: Any) -> str:
    """A sideways camera move pans; anything else (or nothing) zooms."""
    if isinstance(camera, dict):
        config = camera.get("config") if isinstance(camera.get("config"), dict) else {}
        sideways = any(_number(config.get(k)) for k in ("horizontal", "pan"))
        if sideways and not _number(config.get("zoom")):
            return "pan"
    return "zoom"


def demo_seconds(model: Model | None) -> float:
    """How long a job takes at speed 1: a few seconds, longer for models that are slow for real."""
    typical = model.typical_seconds if model is not None else 120
    return min(8.0, max(2.0, typical / 40))
