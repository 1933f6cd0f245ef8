"""What a model makes, in the words of the model browser, derived from its request schema.

One ``TaskSheet`` per ``Task`` (``TASK_SHEETS``) holds everything about it: the capability word of the live
catalogue, the phrase of a model's summary, the rule in plain words, example models, what the offline backend
renders for it, and the patterns the rule reads. The rules, in the order they are applied (``RULE_ORDER``):

- **From text**: no media input is required, so a prompt alone can start it;
- **Animate a picture**: a top-level image that is a start frame (not a last, tail or end frame, not a mask, alpha or
  reference image, not a list), or ``keyframes.frame0``; only for models that need no video or audio, because there
  the picture is the character or face, not the first frame;
- **First and last frame**: a last, tail or end frame image, or ``keyframes.frame1``;
- **From reference images**: an image list (``image_urls``, ``image_list``, ...), a reference image, ``elements``,
  or ``r2v`` / ``reference-to-video`` in the id;
- **Extend a video**: ``extend`` in the id;
- **Motion control**: ``motion-control``, ``animate-move`` or ``act_two`` in the id;
- **Add sound to a video**: ``foley`` (or ``video-to-audio``) in the id;
- **Talking avatar or lip-sync**: a required audio input, a ``lip_sync_*`` field, or ``avatar``, ``omnihuman``,
  ``fabric`` or ``lip-sync`` in the id;
- **Edit or restyle a video**: a required video input on a model that is none of extend, motion, sound, avatar or
  reference-to-video (whose videos are references, not the video to change);
- a model that none of these fits is listed under **From text**, so every model has at least one task.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
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
    def sheet(self) -> TaskSheet:
        """Everything about this task: words, rule, offline rendering."""
        return TASK_SHEETS[self]

    @property
    def capability(self) -> str:
        """The word the live catalogue's ``capabilities`` list uses for this task."""
        return TASK_SHEETS[self].capability


@dataclass(frozen=True)
class TaskSheet:
    """One task: its words, the rule that gives a model this task, and what the offline backend renders for it."""

    capability: str  # the live catalogue's word (and the offline backend's /v1/models)
    phrase: str  # in a summary line: "Animates a picture."
    rule: str  # the rule, in plain words
    examples: tuple[str, ...]  # model ids that make it
    offline: str  # what the offline backend renders for it
    named_by: re.Pattern[str] | None = None  # words in a model's id (or summary, offline) that give it
    image_field: re.Pattern[str] | None = None  # an image field whose path gives it (also read by the offline plan)
    needs: str = ""  # a required media kind that gives it
    field_prefix: str = ""  # a field whose name starts so gives it
    unless: frozenset[Task] = frozenset()  # never beside these tasks
    unless_named: Task | None = None  # never for a model named as this task is (reference-to-video)

    def named_in(self, text: str) -> bool:
        """True when ``text`` (a model id, or id and summary) names this task."""
        return self.named_by is not None and self.named_by.search(text.casefold()) is not None

    def image_field_in(self, path: str) -> bool:
        """True when an image at ``path`` (dotted) is one this task reads: a last frame, a reference image."""
        return self.image_field is not None and self.image_field.search(path) is not None

    def gives(self, ident: str, field_names: Iterable[str], needed_kinds: set[str], so_far: set[Task]) -> bool:
        """True when the model-wide rule (id words, a needed kind, a field prefix) gives this task."""
        if self.unless & so_far or (self.unless_named is not None and self.unless_named.sheet.named_in(ident)):
            return False
        by_field = bool(self.field_prefix) and any(n.startswith(self.field_prefix) for n in field_names)
        return self.named_in(ident) or (bool(self.needs) and self.needs in needed_kinds) or by_field


# Image fields that are no frame at all: masks and mattes (the offline backend does not show them either).
NOT_A_FRAME = re.compile(r"mask|alpha")

TASK_SHEETS: dict[Task, TaskSheet] = {
    Task.TEXT: TaskSheet(
        capability="text_to_video",
        phrase="makes a video from a text prompt",
        rule="no media input is required",
        examples=("google/veo-3.1-t2v", "openai/sora-2-t2v", "video-01"),
        offline="a scene drawn for the prompt, captioned with it",
    ),
    Task.IMAGE: TaskSheet(
        capability="image_to_video",
        phrase="animates a picture",
        rule="takes a start-frame image and needs no video or audio",
        examples=("openai/sora-2-i2v", "pixverse/v5/image-to-video", "video-01-live2d"),
        offline="the picture, zooming in (or panning for a sideways camera move), shaped like the picture",
        image_field=re.compile(r"^keyframes\.frame0(\.|$)"),  # besides any top-level image
    ),
    Task.FIRST_LAST: TaskSheet(
        capability="first_last_frame_to_video",
        phrase="moves from a first frame to a last frame",
        rule="takes a last, tail or end frame",
        examples=("google/veo-3.1-first-last-image-to-video", "kling-video/v1/standard/image-to-video"),
        offline="the first picture turning into the last one",
        # last_image_url, tail_image_url, end_image, keyframes.frame1.url
        image_field=re.compile(r"(^|[._])(last|tail|end)([._]|$)|(^|[._])frame1([._]|$)"),
    ),
    Task.REFERENCE: TaskSheet(
        capability="reference_to_video",
        phrase="follows reference images",
        rule="takes a list of images, a reference image or elements, or is a reference-to-video model",
        examples=("google/veo-3.1-reference-to-video", "kling-video/v1.6/standard/multi-image-to-video"),
        offline="the pictures cross-faded in turn, in the aspect ratio asked for (references do not fix the shape)",
        named_by=re.compile(r"r2v|reference-to-video"),
        # Images that guide the look but do not fix the frame's shape.
        image_field=re.compile(r"reference|element|style|subject"),
    ),
    Task.EDIT: TaskSheet(
        capability="video_to_video",
        phrase="edits or restyles a video",
        rule="requires a video and is none of extend, motion, sound, avatar or reference-to-video",
        examples=("runway/gen4_aleph", "klingai/video-o1-video-to-video-edit"),
        offline="the input video at its own length and size, keeping its sound",
        needs="video",
        unless=frozenset({Task.EXTEND, Task.MOTION, Task.SOUND, Task.AVATAR}),
        unless_named=Task.REFERENCE,
    ),
    Task.EXTEND: TaskSheet(
        capability="video_extension",
        phrase="extends a video",
        rule="'extend' in the id",
        examples=("google/veo3-1-extend-video",),
        offline="the input video, then a new part as long as asked",
        named_by=re.compile(r"extend"),
    ),
    Task.AVATAR: TaskSheet(
        capability="lip_sync",
        phrase="makes a portrait talk or lip-syncs a video",
        rule="requires audio, has lip-sync fields, or is an avatar, omnihuman, fabric or lip-sync model",
        examples=("veed/fabric-1.0", "bytedance/omnihuman", "pixverse/lip-sync"),
        offline="the portrait as long as the voice lasts, with the voice (a stand-in tone for spoken text)",
        named_by=re.compile(r"avatar|omnihuman|fabric|lip-sync"),
        needs="audio",
        field_prefix="lip_sync",
    ),
    Task.MOTION: TaskSheet(
        capability="motion_control",
        phrase="moves a character like the person in a video",
        rule="'motion-control', 'animate-move' or 'act_two' in the id",
        examples=("klingai/video-v2-6-motion-control", "runway/act_two"),
        offline="the input video that shows the movement, keeping its sound",
        named_by=re.compile(r"motion-control|animate-move|act_two|act-two"),
    ),
    Task.SOUND: TaskSheet(
        capability="video_to_audio",
        phrase="adds sound to a video",
        rule="'foley' or 'video-to-audio' in the id",
        examples=("tencent/hunyuan-video-foley",),
        offline="the input video with a generated sound track in place of its own",
        named_by=re.compile(r"foley|video[-_ ]to[-_ ]audio|sound effects"),
    ),
}

# The model-wide rules after the image fields', in the order applied: Edit last, as it is given only when none of
# the tasks before it is.
RULE_ORDER: tuple[Task, ...] = (Task.REFERENCE, Task.EXTEND, Task.MOTION, Task.SOUND, Task.AVATAR, Task.EDIT)

# The live catalogue's words, and the rules in plain words, each in one place: the sheets.
TASK_CAPABILITIES: dict[Task, str] = {task: sheet.capability for task, sheet in TASK_SHEETS.items()}
TASK_RULES: dict[Task, str] = {task: TASK_SHEETS[task].rule for task in (Task.TEXT, Task.IMAGE, Task.FIRST_LAST)} | {
    task: TASK_SHEETS[task].rule for task in RULE_ORDER
}


def derive_tasks(model_id: str, schema: Mapping[str, Any], media: Mapping[str, str]) -> frozenset[Task]:
    """The tasks of a model, by the rules above, from its (normalized) request schema and its media fields."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    needed_kinds = _needed_kinds(schema, media)
    ident = model_id.casefold()
    tasks = {role for path in media if (role := _image_role(path, properties, media, needed_kinds)) is not None}
    for task in RULE_ORDER:
        if task.sheet.gives(ident, properties, needed_kinds, tasks):
            tasks.add(task)
    if not needed_kinds or not tasks:
        tasks.add(Task.TEXT)
    return frozenset(tasks)


def start_image_path(schema: Mapping[str, Any], media: Mapping[str, str]) -> str | None:
    """The field that holds an "Animate a picture" model's start image (``image_url``, ``keyframes.frame0``), or None.

    The same rule as the task: a start-frame image on a model that needs no video or audio.
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", ()))
    needed_kinds = _needed_kinds(schema, media)
    starts = [p for p in media if _image_role(p, properties, media, needed_kinds) is Task.IMAGE]
    # A required start image first: it is the one the model animates.
    starts.sort(key=lambda p: p.split(".")[0] not in required)
    return starts[0] if starts else None


def _needed_kinds(schema: Mapping[str, Any], media: Mapping[str, str]) -> set[str]:
    required = set(schema.get("required", ()))
    return {kind for path, kind in media.items() if path.split(".")[0] in required}


def _image_role(
    path: str, properties: Mapping[str, Any], media: Mapping[str, str], needed_kinds: set[str]
) -> Task | None:
    """What an image field makes of its model, by the rules above; None for a field that is no frame."""
    if media[path] != "image" or NOT_A_FRAME.search(path):
        return None
    top = path.split(".")[0]
    if Task.FIRST_LAST.sheet.image_field_in(path):
        return Task.FIRST_LAST
    if Task.REFERENCE.sheet.image_field_in(path) or _is_list(properties.get(top, {})):
        return Task.REFERENCE
    if ("." not in path or Task.IMAGE.sheet.image_field_in(path)) and not needed_kinds & {"video", "audio"}:
        return Task.IMAGE
    return None


def _is_list(prop: Mapping[str, Any]) -> bool:
    declared = prop.get("type")
    return "array" in declared if isinstance(declared, list) else declared == "array"
