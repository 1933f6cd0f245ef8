"""One door for every upload: which file endings a field offers, and which preparation a file goes through."""

from __future__ import annotations

from videostudio.catalogue import MediaKind, Model
from videostudio.media.audio import PreparedAudio, prepare_audio
from videostudio.media.images import PreparedImage, prepare_image
from videostudio.media.kinds import media_kind_sheet
from videostudio.media.video import PreparedVideo, prepare_video
from videostudio.media.video_rules import video_rules_from_text

Prepared = PreparedImage | PreparedAudio | PreparedVideo


def upload_extensions(kind: str) -> list[str]:
    """File endings an upload field of this kind should offer: exactly what this package can prepare."""
    return media_kind_sheet(kind).extensions()


def prepare_upload(kind: MediaKind, data: bytes, filename: str, model: Model, description: str = "") -> Prepared:
    """Prepare an uploaded file for ``model``'s field of this kind; ``description`` is the field's own prose
    (video limits are read from it). Raises MediaError with a message for the person."""
    if kind == "audio":
        return prepare_audio(data, filename, model.audio_rules, model_name=model.name)
    if kind == "video":
        return prepare_video(data, filename, video_rules_from_text(description), model_name=model.name)
    return prepare_image(data, filename, model.image_rules, model_name=model.name)
