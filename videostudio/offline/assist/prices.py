"""The offline catalogue's prices for the helper models, and what a call costs by them.

Real helper prices are per character (speech), per token (chat), per second (music) and per picture: the same
units here, at plausible demo rates that differ by model (a stable hash of its id), so a test can tell them apart.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from videostudio.catalogue.assist import AssistModel
from videostudio.catalogue.pricing import CREDITS_PER_USD, quote_counts

CURRENCY = "USD"


def _step(model_id: str, steps: int) -> int:
    return zlib.crc32(model_id.encode()) % steps


def assist_pricing_of(model: AssistModel) -> dict[str, Any]:
    """The ``pricing`` section of a helper model's catalogue entry (kind ``fixed``)."""
    step = _step(model.id, 5)
    if model.kind == "speech":  # $15-$95 per million characters
        units = [{"name": "input_characters", "measure": "character", "price": 15 + 20 * step, "per": 1_000_000}]
    elif model.kind == "chat":  # per million tokens, in and out
        units = [
            {"name": "input_tokens", "measure": "token", "price": round(0.15 * (1 + step), 2), "per": 1_000_000},
            {"name": "output_tokens", "measure": "token", "price": round(0.6 * (1 + step), 2), "per": 1_000_000},
        ]
    elif model.kind == "music":  # $0.005-$0.025 per second of music
        units = [{"name": "output_audio", "measure": "second", "price": 0.005 * (1 + step), "per": 1}]
    else:  # $0.003-$0.083 per picture
        units = [{"name": "output_image", "measure": "image", "price": round(0.003 + 0.02 * step, 3), "per": 1}]
    return {"kind": "fixed", "currency": CURRENCY, "units": units}


def credits_for(model: AssistModel, counts: Mapping[str, float]) -> int:
    """What a call that used ``counts`` costs, in credits ($1 = 2,000,000), by the model's own catalogue price."""
    quote = quote_counts(assist_pricing_of(model), counts)
    return int(round(quote.usd * CREDITS_PER_USD)) if quote else 0
