"""The music models, as their official documents describe them: how long a piece can be, and whether it needs lyrics.

Read from ``catalogue.assist`` (``assist_models("music")``): a model's length field is ``music_length_ms``
(ElevenLabs, in milliseconds) or ``seconds_total`` (Stable Audio, in seconds), with the minimum, maximum and default
its document gives. A model whose document has no length field (Lyria 2, MiniMax) makes what it makes: its
``min_seconds`` and ``max_seconds`` are both ``UNSTATED_SECONDS``, the length it is priced at, and its request
carries no length. ``needs_lyrics`` is true when the document lists ``lyrics`` as required (``minimax/music-2.0``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from videostudio.catalogue.assist import AssistModel, assist_models
from videostudio.catalogue.pricing import quote_counts

DEFAULT_MUSIC_MODEL = "elevenlabs/eleven_music"
# What a model whose document states no length is priced at: Lyria 2 makes 30 s clips; MiniMax's songs follow
# their lyrics, for which no figure is published.
UNSTATED_SECONDS = 30.0
# A length field and what one of its units is in seconds.
LENGTH_FIELDS: dict[str, float] = {"music_length_ms": 0.001, "seconds_total": 1.0}


@dataclass(frozen=True)
class MusicModel:
    """One music model: what a person picks, and the limits its document sets."""

    id: str
    title: str
    min_seconds: float
    max_seconds: float
    needs_lyrics: bool
    default_seconds: float = UNSTATED_SECONDS
    length_field: str | None = None  # "music_length_ms", "seconds_total", or None: the model picks its length
    vendor: str = ""
    prompt_limit: int | None = None  # the document's maxLength for ``prompt``
    fields: tuple[str, ...] = ()  # every field its request may carry, as the document lists them

    def has_field(self, name: str) -> bool:
        return name in self.fields

    def seconds_for(self, seconds: float) -> float:
        """The length a request for ``seconds`` gets: within the limits (all a model without a length field has)."""
        return min(self.max_seconds, max(self.min_seconds, float(seconds)))

    def length_value(self, seconds: float) -> int | None:
        """What the length field carries for ``seconds`` (whole units, as the documents type them); None without one."""
        if self.length_field is None:
            return None
        return round(self.seconds_for(seconds) / LENGTH_FIELDS[self.length_field])


@functools.cache
def music_models() -> tuple[MusicModel, ...]:
    """Every music model of the bundled documents, the default first."""
    models = [_music_model(model) for model in assist_models("music")]
    return tuple(sorted(models, key=lambda m: (m.id != DEFAULT_MUSIC_MODEL, m.vendor.lower(), m.id)))


def music_model(model_id: str) -> MusicModel | None:
    return next((m for m in music_models() if m.id == model_id), None)


def default_music_model() -> MusicModel:
    model = music_model(DEFAULT_MUSIC_MODEL)
    return model if model is not None else music_models()[0]


def music_estimate(model: MusicModel, seconds: float, pricing: Mapping[str, Any] | None) -> float | None:
    """What ``seconds`` of music from ``model`` costs in dollars by its live ``pricing`` (per second); None when
    the price is unknown (no pricing, or one that counts something else)."""
    quote = quote_counts(pricing, {"second": model.seconds_for(seconds)})
    return quote.usd if quote is not None else None


def _music_model(model: AssistModel) -> MusicModel:
    length_field = next((name for name in LENGTH_FIELDS if isinstance(model.properties.get(name), Mapping)), None)
    prompt = model.properties.get("prompt")
    prompt_limit = prompt.get("maxLength") if isinstance(prompt, Mapping) else None
    common = {
        "id": model.id,
        "title": model.title,
        "needs_lyrics": "lyrics" in model.required,
        "vendor": model.vendor,
        "prompt_limit": prompt_limit if isinstance(prompt_limit, int) else None,
        "fields": tuple(model.properties),
    }
    if length_field is None:
        return MusicModel(min_seconds=UNSTATED_SECONDS, max_seconds=UNSTATED_SECONDS, **common)
    spec, unit = model.properties[length_field], LENGTH_FIELDS[length_field]
    low, high = _number(spec.get("minimum"), 1 / unit) * unit, _number(spec.get("maximum"), 300 / unit) * unit
    default = _number(spec.get("default"), UNSTATED_SECONDS / unit) * unit
    return MusicModel(
        min_seconds=low,
        max_seconds=high,
        default_seconds=min(high, max(low, default)),
        length_field=length_field,
        **common,
    )


def _number(value: Any, fallback: float) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else fallback
