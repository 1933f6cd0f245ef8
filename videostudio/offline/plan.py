"""From a request to a render: check the payload against the model's schema, then plan what to draw.

Everything is read generically through the catalogue's hints (which fields hold images, video or audio, the
default length and size) and common field names, never through branches on model ids.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from videostudio.catalogue import MEDIA_KIND_NAMES, NOT_A_FRAME, MediaKind, Model, Task
from videostudio.offline.vendor import short_side_of

if TYPE_CHECKING:
    from videostudio.offline.render.footage import ClipInfo
    from videostudio.offline.render.request import RenderRequest


MAX_SECONDS = 60.0  # a longer request is rendered this long: the demo stays quick
MAX_IMAGES = 8  # images after the first that are cross-faded through
# Two numbers with a separator: "16:9", "1280:720", "1280x720", "1280*720".
_PAIR = re.compile(r"\s*(\d+(?:\.\d+)?)\s*[:/x*×]\s*(\d+(?:\.\d+)?)\s*")


def validate(model: Model, payload: dict[str, Any]) -> list[str]:
    """The payload's problems as ``field: message`` lines, checked with jsonschema against the model's own schema.

    An independent check of what the studio sends (not the studio's own validator), plus the cross-field rules
    the model's documentation states in prose.
    """
    problems = schema_problems(model.schema, payload)
    defaults = model.defaults
    problems += [rule.message for rule in model.rules if rule.broken_by(payload, defaults)]
    return problems


def schema_problems(schema: Mapping[str, Any], payload: Mapping[str, Any]) -> list[str]:
    """The payload's problems against a JSON Schema, as ``field: message`` lines worded like the API's."""
    validator = Draft202012Validator(schema)
    return [_problem(error) for error in sorted(validator.iter_errors(payload), key=_error_order)]


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


def plan_render(model: Model, payload: dict[str, Any]) -> RenderRequest:
    """The RenderRequest for a payload, read through the catalogue's hints; ValueError on a bad data URI."""
    from videostudio.offline.render.footage import clip_info
    from videostudio.offline.render.video import RenderRequest

    inputs = media_inputs(model, payload)
    images = [m for m in inputs if m.kind == "image"]
    ends = [m for m in images if Task.FIRST_LAST.sheet.image_field_in(m.path)]
    firsts = [m for m in images if m not in ends]
    videos = [m for m in inputs if m.kind == "video"]
    audios = [m for m in inputs if m.kind == "audio"]

    image = firsts[0].decoded if firsts else None
    keyframes = tuple(d for m in firsts[1 : 1 + MAX_IMAGES] if (d := m.decoded) is not None)
    end_image = ends[0].decoded if ends else None
    if image is None and keyframes:  # the first was a web address: start from the first one we have
        image, keyframes = keyframes[0], keyframes[1:]
    video = videos[0].decoded if videos else None
    clip = clip_info(video) if video is not None else None
    if video is not None and clip is None:
        raise ValueError(f"{videos[0].path}: not a video the offline backend can read")
    audio = audios[0].decoded if audios else None

    title = ""
    unread = next((m for m in (*firsts[:1], *videos[:1]) if m.decoded is None), None)
    if image is None and video is None and unread is not None:
        # A web address is never fetched: a server that fetches URLs it is handed is an open door.
        title = f"{unread.kind.title()} from {_host_of(unread.value)} (not fetched offline)"

    extend = video is not None and _extends(model, videos[0].path)
    duration = _duration(model, payload, clip, audio, extend=extend)

    reference = bool(firsts) and Task.REFERENCE.sheet.image_field_in(firsts[0].path)
    width, height = _frame_size(model, payload, image, clip, reference=reference)

    speech, caption = _words(payload)
    if audio is None and video is not None and clip is not None and clip.has_audio and not _makes_sound(model):
        audio = video  # an edit keeps the input's sound
    generated = _makes_sound(model) or _wants_audio(model, payload)
    return RenderRequest(
        width=width,
        height=height,
        duration=duration,
        caption=caption,
        image=image,
        end_image=end_image,
        keyframes=keyframes,
        video=video,
        extend=extend,
        placeholder_title=title,
        scene="" if title else caption or model.name,
        audio=audio,
        # A stand-in voice for spoken text, or for audio that sits behind a web address.
        tone=audio is None and (bool(speech) or bool(audios)),
        ambience=audio is None and generated,
        motion=_motion(payload.get("camera_control")),
    )


def _duration(
    model: Model, payload: dict[str, Any], clip: ClipInfo | None, audio: bytes | None, *, extend: bool
) -> float:
    """Seconds to render: as asked, else as long as the voice or the input clip, else the model's default."""
    from videostudio.offline.render.video import audio_duration

    duration = _seconds(payload.get("duration", payload.get("seconds")))
    default = _seconds(model.defaults.get("duration")) or model.output_seconds
    if extend and clip is not None:
        duration = clip.duration + (duration or default)  # the input, then the new part
    elif duration is None and audio is not None:
        duration = audio_duration(audio)  # a talking video lasts as long as its voice
    elif duration is None and clip is not None and clip.duration > 0:
        duration = clip.duration  # an edit keeps the input's length
    return float(min(MAX_SECONDS, duration or default))


def _words(payload: dict[str, Any]) -> tuple[str, str]:
    """(the text to speak, the caption): the prompt is the caption, else the spoken text."""
    speech = payload.get("lip_sync_tts_content")
    speech = speech.strip() if isinstance(speech, str) else ""
    prompt = payload.get("prompt")
    return speech, prompt.strip() if isinstance(prompt, str) and prompt.strip() else speech


@dataclass(frozen=True)
class MediaInput:
    """One image, video or audio in a payload: where it is, what it is, and the data URI or web address."""

    path: str  # dotted field path, list positions left out: "elements.frontal_image_url"
    kind: MediaKind
    value: str

    @functools.cached_property
    def decoded(self) -> bytes | None:
        """The bytes of a data URI; None for a web address (never fetched); ValueError when damaged."""
        from videostudio.media import decode_data_uri, is_data_uri

        if not is_data_uri(self.value):
            return None
        try:
            return decode_data_uri(self.value)[1]
        except ValueError as exc:
            raise ValueError(f"{self.path}: {exc}") from None


def media_inputs(model: Model, payload: dict[str, Any]) -> list[MediaInput]:
    """Every media input in the payload, in payload order, typed by the catalogue's hints where it has them,
    else by a sibling ``type`` (``{type: video, url}``), the data URI's type, or the field's name."""
    found: list[MediaInput] = []

    def walk(value: Any, path: str, parent: dict[str, Any] | None) -> None:
        if isinstance(value, dict):
            for key, child in value.items():
                if key != "model":
                    walk(child, f"{path}.{key}" if path else str(key), value)
        elif isinstance(value, list):
            for child in value:
                walk(child, path, None)
        elif isinstance(value, str) and not NOT_A_FRAME.search(path):
            kind = _media_kind(model, path, parent, value)
            if kind is not None:
                found.append(MediaInput(path, kind, value))

    walk(payload, "", None)
    return found


def _media_kind(model: Model, path: str, parent: dict[str, Any] | None, value: str) -> MediaKind | None:
    from videostudio.media import is_data_uri

    is_address = value.startswith(("http://", "https://"))
    if not (is_address or is_data_uri(value)):
        return None
    sibling = parent.get("type") if parent else None
    if sibling in MEDIA_KIND_NAMES:
        return sibling  # {type: video, url}: the request says it outright
    if (kind := model.media_kind(path)) is not None:
        return kind
    if is_data_uri(value):
        mime = value[5:].split(";", 1)[0].split(",", 1)[0].strip().lower()
        top = mime.split("/", 1)[0]
        if top in MEDIA_KIND_NAMES:
            return top  # type: ignore[return-value]
    name = path.rsplit(".", 1)[-1]
    for word in ("video", "audio", "image"):
        if word in name:
            return word  # type: ignore[return-value]
    return None


def _extends(model: Model, video_path: str) -> bool:
    """True when the model continues its input video rather than reworking it."""
    if Task.EXTEND in model.tasks or Task.EXTEND.sheet.named_in(model.id):
        return True
    description = str(model.properties.get(video_path, {}).get("description", "")).lower()
    return bool(re.search(r"\b(continue|extend)", description))


def _makes_sound(model: Model) -> bool:
    """True for models that add a sound track to a video (foley)."""
    return Task.SOUND in model.tasks or Task.SOUND.sheet.named_in(f"{model.id} {model.summary}")


def _wants_audio(model: Model, payload: dict[str, Any]) -> bool:
    """True when the request asks the model to generate sound with the video."""
    for name in ("generate_audio", "generate_sound", "with_audio", "sound", "audio"):
        if model.properties.get(name, {}).get("type") in ("boolean", ["boolean", "null"]):
            return payload.get(name, model.defaults.get(name)) is True
    return False


def _frame_size(
    model: Model, payload: dict[str, Any], image: bytes | None, clip: ClipInfo | None, *, reference: bool
) -> tuple[int, int]:
    """Width and height from the request: an exact frame size, or a resolution word and an aspect ratio."""
    from videostudio.offline.render.video import frame_size, image_aspect

    defaults = model.defaults
    for name in ("frame_size", "size", "resolution"):
        exact = _pair(payload.get(name, defaults.get(name)))
        if exact and min(exact) >= 64:
            return _even(exact[0]), _even(exact[1])
    short = short_side_of(payload.get("resolution", defaults.get("resolution")))
    if not short and clip is not None and min(clip.width, clip.height) >= 16:
        short = min(clip.width, clip.height)  # a video in, no size asked: the same size out
    short = short or model.output_short_side
    explicit = None
    for name in ("aspect_ratio", "ratio"):
        explicit = explicit or _aspect(payload.get(name, defaults.get(name)))
    if image is not None and not (reference and explicit):
        aspect = image_aspect(image)  # a first frame fixes the shape
    elif explicit:
        aspect = explicit
    elif clip is not None and clip.width and clip.height:
        aspect = clip.width / clip.height
    else:
        aspect = image_aspect(None)
    return frame_size(short, aspect)


def _pair(value: Any) -> tuple[float, float] | None:
    match = _PAIR.fullmatch(value) if isinstance(value, str) else None
    if not match or not float(match.group(1)) or not float(match.group(2)):
        return None
    return float(match.group(1)), float(match.group(2))


def _aspect(value: Any) -> float | None:
    """Width/height of "16:9", "1280:720" or "4x3"; None for words like auto or adaptive."""
    pair = _pair(value)
    return pair[0] / pair[1] if pair else None


def _even(value: float) -> int:
    return max(16, 2 * round(value / 2))


def _seconds(value: Any) -> float | None:
    """Seconds from 5, 5.0, "5" or "5s"; None when not a positive length."""
    if isinstance(value, str):
        value = value.strip().lower().removesuffix("s")
    number = _number(value)
    return number if number is not None and number > 0 else None


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
