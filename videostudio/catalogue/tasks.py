"""What a model makes, in the words of the model browser, derived from its request schema.

The rules, in the order they are applied (``TASK_RULES`` holds the same words for the Models page):

- **From text**: no media input is required, so a prompt alone can start it;
- **Animate a picture**: a top-level image that is a start frame (not a last, tail or end frame, not a mask, alpha or
  reference image, not a list), or ``keyframes.frame0``; only for models that need no video or audio, because there
  the picture is the character or face, not the first frame;
- **First and last frame**: a last, tail or end frame image, or ``keyframes.frame1``;
- **From reference images**: an image list (``image_urls``, ``image_list``, ...), a reference image, ``elements``,
  or ``r2v`` / ``reference-to-video`` in the id;
- **Extend a video**: ``extend`` in the id;
- **Motion control**: ``motion-control``, ``animate-move`` or ``act_two`` in the id;
- **Add sound to a video**: ``foley`` in the id;
- **Talking avatar or lip-sync**: a required audio input, a ``lip_sync_*`` field, or ``avatar``, ``omnihuman``,
  ``fabric`` or ``lip-sync`` in the id;
- **Edit or restyle a video**: a required video input on a model that is none of extend, motion, sound, avatar or
  reference-to-video (whose videos are references, not the video to change);
- a model that none of these fits is listed under **From text**, so every model has at least one task.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any


class Task(StrEnum):
    """What a person wants to make: how the model browser groups models. The value is the words shown."""

    TEXT = "From text"
    IMAGE = "Animate a picture"
    FIRST_LAST = "First and last frame"
    REFERENCE = "From reference images"
    EDIT = "Edit or restyle a video"
    EXTEND = "Extend a video"
    AVATAR = "Talking avatar or lip-sync"
    MOTION = "Motion control"
    SOUND = "Add sound to a video"

    @property
    def capability(self) -> str:
        """The word the live catalogue's ``capabilities`` list uses for this task."""
        return TASK_CAPABILITIES[self]


# One place for the vocabulary shared by the live catalogue, the offline backend's /v1/models and the browser.
TASK_CAPABILITIES: dict[Task, str] = {
    Task.TEXT: "text_to_video",
    Task.IMAGE: "image_to_video",
    Task.FIRST_LAST: "first_last_frame_to_video",
    Task.REFERENCE: "reference_to_video",
    Task.EDIT: "video_to_video",
    Task.EXTEND: "video_extension",
    Task.AVATAR: "lip_sync",
    Task.MOTION: "motion_control",
    Task.SOUND: "video_to_audio",
}

# Plain words for each rule, in the order applied (the module docstring says the same at length).
TASK_RULES: dict[Task, str] = {
    Task.TEXT: "no media input is required",
    Task.IMAGE: "takes a start-frame image and needs no video or audio",
    Task.FIRST_LAST: "takes a last, tail or end frame",
    Task.REFERENCE: "takes a list of images, a reference image or elements, or is a reference-to-video model",
    Task.EXTEND: "'extend' in the id",
    Task.MOTION: "'motion-control', 'animate-move' or 'act_two' in the id",
    Task.SOUND: "'foley' in the id",
    Task.AVATAR: "requires audio, has lip-sync fields, or is an avatar, omnihuman, fabric or lip-sync model",
    Task.EDIT: "requires a video and is none of extend, motion, sound, avatar or reference-to-video",
}

_LAST_FRAME = re.compile(r"(^|_)(last|tail|end)(_|$)|^keyframes\.frame1(\.|$)")
_FIRST_FRAME = re.compile(r"^keyframes\.frame0(\.|$)")
_REFERENCE = re.compile(r"reference|^elements\.|^references\.")
_NOT_A_FRAME = re.compile(r"mask|alpha")
_REFERENCE_ID = re.compile(r"r2v|reference-to-video")
_EXTEND_ID = re.compile(r"extend")
_MOTION_ID = re.compile(r"motion-control|animate-move|act_two|act-two")
_SOUND_ID = re.compile(r"foley")
_AVATAR_ID = re.compile(r"avatar|omnihuman|fabric|lip-sync")


def derive_tasks(model_id: str, schema: Mapping[str, Any], media: Mapping[str, str]) -> frozenset[Task]:
    """The tasks of a model, by the rules above, from its (normalized) request schema and its media fields."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    needed_kinds = {kind for path, kind in media.items() if path.split(".")[0] in required}
    ident = model_id.casefold()
    tasks: set[Task] = set()

    for path in media:
        role = _image_role(path, properties, media, needed_kinds)
        if role is not None:
            tasks.add(role)

    if _REFERENCE_ID.search(ident):
        tasks.add(Task.REFERENCE)
    if _EXTEND_ID.search(ident):
        tasks.add(Task.EXTEND)
    if _MOTION_ID.search(ident):
        tasks.add(Task.MOTION)
    if _SOUND_ID.search(ident):
        tasks.add(Task.SOUND)
    if "audio" in needed_kinds or any(n.startswith("lip_sync") for n in properties) or _AVATAR_ID.search(ident):
        tasks.add(Task.AVATAR)
    if (
        "video" in needed_kinds
        and not tasks & {Task.EXTEND, Task.MOTION, Task.SOUND, Task.AVATAR}
        and not _REFERENCE_ID.search(ident)
    ):
        tasks.add(Task.EDIT)
    if not needed_kinds or not tasks:
        tasks.add(Task.TEXT)
    return frozenset(tasks)


def start_image_path(schema: Mapping[str, Any], media: Mapping[str, str]) -> str | None:
    """The field that holds an "Animate a picture" model's start image (``image_url``, ``keyframes.frame0``), or None.

    The same rule as the task: a start-frame image on a model that needs no video or audio.
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    needed_kinds = {kind for path, kind in media.items() if path.split(".")[0] in required}
    starts = [p for p in media if _image_role(p, properties, media, needed_kinds) is Task.IMAGE]
    # A required start image first: it is the one the model animates.
    starts.sort(key=lambda p: p.split(".")[0] not in required)
    return starts[0] if starts else None


def _image_role(
    path: str, properties: Mapping[str, Any], media: Mapping[str, str], needed_kinds: set[str]
) -> Task | None:
    """What an image field makes of its model, by the rules above; None for a field that is no frame."""
    if media[path] != "image" or _NOT_A_FRAME.search(path):
        return None
    top = path.split(".")[0]
    if _LAST_FRAME.search(path):
        return Task.FIRST_LAST
    if _REFERENCE.search(path) or _is_list(properties.get(top, {})):
        return Task.REFERENCE
    if ("." not in path or _FIRST_FRAME.search(path)) and not needed_kinds & {"video", "audio"}:
        return Task.IMAGE
    return None


def _is_list(prop: Mapping[str, Any]) -> bool:
    declared = prop.get("type")
    return "array" in declared if isinstance(declared, list) else declared == "array"
