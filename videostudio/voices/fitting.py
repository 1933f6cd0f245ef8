"""How long an audio a video model's field takes, as the studio knows it, so a speech can be made to fit."""

from __future__ import annotations

from videostudio.catalogue import Model
from videostudio.media.video_rules import video_rules_from_text


def audio_limit(model: Model, description: str = "") -> float | None:
    """The most seconds of audio the field takes: the model's audio rules (a studio file: Fabric's 30 s), else what
    the field's description states ("Audio must be under 30s long", "must not exceed 15.2 seconds"), read as video
    limits are (``media.video_rules``: the loosest stated). None when nothing is stated (PixVerse lip-sync's document
    gives no limit)."""
    if model.audio_rules is not None and model.audio_rules.max_seconds:
        return model.audio_rules.max_seconds
    return video_rules_from_text(description).max_seconds or None
