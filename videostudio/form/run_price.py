"""The price of one run as the form stands, told before Generate is pressed.

From the catalogue's ``pricing`` (videostudio.catalogue.pricing.quote) and the run's length: the form's duration, else
the length of the uploaded recording for a model whose video lasts as long as its audio, else the model's
default. When the catalogue cannot price it beforehand (``variable``, unknown, a unit the form cannot count),
the median of this person's past runs of the model is an estimate; without any, it is priced after the run.
While the live list (which carries the prices) is still being read, a model without a price yet is "loading":
saying "priced after the run" then would be wrong a moment later.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from videostudio.catalogue import Model
from videostudio.catalogue.pricing import cost_text, money, quote
from videostudio.media import MediaError, decode_data_uri, is_data_uri, prepare_audio

# The request fields that say how long the video lasts, in the order the offline backend and the API read them.
DURATION_FIELDS = ("duration", "seconds", "video_duration")

LOADING_TEXT = "Price loading…"

PriceKind = Literal["quote", "loading", "estimate", "after"]


@dataclass(frozen=True)
class RunPrice:
    """What Generate will cost, and how sure that is."""

    kind: PriceKind
    usd: float | None
    text: str  # the amount: "$0.65 · 1,300,000 credits", "Price loading…" or "Priced after the run"
    detail: str  # how it was reached: "$0.13 per second × 5 s", "estimate from your past 3 jobs"


def run_seconds(model: Model, values: Mapping[str, Any], audio_seconds: float | None = None) -> float | None:
    """How long this run's video will last: the form's duration, the recording's length, or the model's default."""
    for name in DURATION_FIELDS:
        seconds = _seconds(values.get(name))
        if seconds is not None:
            return seconds
    if audio_seconds and length_follows_audio(model):
        return float(audio_seconds)
    for name in DURATION_FIELDS:
        seconds = _seconds(model.defaults.get(name))
        if seconds is not None:
            return seconds
    return float(model.output_seconds) if model.output_seconds else None


def length_follows_audio(model: Model) -> bool:
    """True for a model that takes a recording and has no duration field: its video lasts as long as the audio."""
    takes_audio = any(kind == "audio" for kind in model.inputs().values())
    return takes_audio and not any(name in model.properties for name in DURATION_FIELDS)


def sent_audio_seconds(model: Model, payload: Mapping[str, Any]) -> float | None:
    """The length of the recording ``payload`` sends, for a model whose video lasts as long as it (else None).

    For a request rebuilt from a job (Run again, Try again), whose recording is not in the form.
    """
    if not length_follows_audio(model):
        return None
    for path, kind in model.inputs().items():
        value = payload.get(path)
        if kind == "audio" and isinstance(value, str) and is_data_uri(value):
            try:
                return prepare_audio(decode_data_uri(value)[1]).duration_seconds
            except MediaError:
                return None
    return None


def price_of_run(
    model: Model,
    values: Mapping[str, Any],
    *,
    audio_seconds: float | None = None,
    past_usd: Sequence[float] = (),
    loading: bool = False,
) -> RunPrice:
    """The price of sending ``values`` (the request as it would go out) to ``model``.

    ``past_usd`` is what this person's past completed runs of the model cost, newest first, on the same backend.
    ``loading``: the catalogue's prices are still on their way (the live list is being read).
    """
    # The catalogue's variants are keyed by request parameters; a parameter left out is sent as its default.
    request = {**model.defaults, **{k: v for k, v in values.items() if v is not None}}
    seconds = run_seconds(model, request, audio_seconds)
    priced = quote(model.pricing, request, seconds)
    if priced is not None:
        return RunPrice("quote", priced.usd, cost_text(priced.usd), priced.detail)
    if loading:
        return RunPrice("loading", None, LOADING_TEXT, "the live model list, with the prices, is being read")
    if past_usd:
        usd = statistics.median(past_usd)
        past = "your past job" if len(past_usd) == 1 else f"your past {len(past_usd)} jobs"
        return RunPrice("estimate", usd, f"about {cost_text(usd)}", f"estimate from {past}")
    return RunPrice("after", None, "Priced after the run", "the catalogue gives no price for it beforehand")


def times(price: RunPrice, count: int) -> RunPrice:
    """The price of ``count`` runs of the same price (a batch): "3 × $0.10 = $0.30 · 600,000 credits"."""
    if count == 1 or price.kind == "loading":
        return price
    if price.usd is None:
        return RunPrice(price.kind, None, f"{count} runs, each priced after the run", price.detail)
    total = cost_text(price.usd * count)
    about = "about " if price.kind == "estimate" else ""
    text = f"{about}{count} × {money(price.usd)} = {total}"
    return RunPrice(price.kind, price.usd * count, text, f"each run: {price.detail}")


def _seconds(value: Any) -> float | None:
    # The form gives 5 or "5" (an enum of strings), sometimes "5s".
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if value > 0 else None
    if isinstance(value, str):
        text = value.strip().lower().removesuffix("s").strip()
        try:
            number = float(text)
        except ValueError:
            return None
        return number if number > 0 else None
    return None
