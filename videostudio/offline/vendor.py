"""What the offline backend knows about the real API's vendors: messages, routes, id styles, legacy names, prices.

Facts from the fact sheets (/work/shared/reference/api_contract.md and catalogue_and_billing.md); the prices are
the demo's own, simulated but deterministic per model, so a price shown before a submit matches what the job
reports when it completes.
"""

from __future__ import annotations

import hashlib
import itertools
import re
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from videostudio.api.contract import GENERATIONS_PATH
from videostudio.catalogue import Catalogue, Model
from videostudio.form.run_price import length_follows_audio

UNIVERSAL_PATH = GENERATIONS_PATH
# The legacy vendor routes: one submit/poll path per vendor (fact sheet §1a).
VENDOR_PATH = re.compile(r"/v2/generate/video/([a-z0-9-]+)/generation")
SEED_VENDORS = ("kling", "minimax", "pixverse")  # the routes the seed models' legacy_endpoint names
LEGACY_PATHS = tuple(f"/v2/generate/video/{vendor}/generation" for vendor in SEED_VENDORS)

# The documented messages (fact sheet §1c), so a client's error handling meets the real words.
MESSAGES = {
    401: "This request requires a valid API key. You can create a new API key on the Billing page: "
    "https://aimlapi.com/app/keys",
    403: "You've run out of credits. Please top up your balance or update your payment method to continue: "
    "https://aimlapi.com/app/billing/",
    404: "Not Found",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Something wrong with the server. Please, try again later.",
    502: "Bad Gateway",
    503: "Service unavailable",
    504: "Generation timeout",
}

# Field renames between the seed-era (legacy) docs and today's schemas (fact sheet §1a-6). The legacy
# routes accept the old names, as the docs' legacy examples send them.
LEGACY_FIELD_NAMES = {
    "first_frame_image": "image_url",
    "prompt_optimizer": "enhance_prompt",
    "static_mask_url": "static_mask",
}

# How a vendor's ids look on the real API (fact sheet §0), keyed by the vendor segment of the model's
# vendor route; everything else gets "<uuid>:<model-id>".
ID_STYLES = {"kling": "nanoid", "minimax": "numeric"}


class RequestError(Exception):
    """A request the API would refuse: an HTTP status and the message for the error body."""

    def __init__(self, status: int, message: str | None = None, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message or MESSAGES.get(status, "Error"))
        self.status = status
        self.message = message or MESSAGES.get(status, "Error")
        self.headers = list(headers)


LEGACY_STATUS = {"queued": "waiting", "generating": "active", "completed": "succeeded"}

# --------------------------------------------------------------------------------------------- routes


def vendor_routes(model: Model) -> frozenset[str]:
    """The vendor paths a model can be sent to: its legacy route and its endpoint, when that is a vendor path."""
    return frozenset(p for p in (model.legacy_endpoint, model.endpoint) if p and VENDOR_PATH.fullmatch(p))


def generation_paths(catalogue: Catalogue) -> frozenset[str]:
    """Every path that submits and polls: the universal one, the seed vendors' and any a model names."""
    paths = {UNIVERSAL_PATH, *LEGACY_PATHS}
    for model in catalogue:
        paths |= vendor_routes(model)
    return frozenset(paths)


def new_job_id(model: Model) -> str:
    """An id in the form the model's vendor uses on the real API."""
    vendors = [VENDOR_PATH.fullmatch(p).group(1) for p in sorted(vendor_routes(model))]  # type: ignore[union-attr]
    style = next((ID_STYLES[v] for v in vendors if v in ID_STYLES), "uuid")
    if style == "nanoid":
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(secrets.choice(alphabet) for _ in range(21))
    if style == "numeric":
        return str(secrets.randbelow(9 * 10**14) + 10**14)
    return f"{uuid.uuid4()}:{model.id}"


def modern_field_names(model: Model, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with seed-era field names renamed to the ones the model's schema uses."""
    renamed = dict(payload)
    for old, new in LEGACY_FIELD_NAMES.items():
        if old in renamed and new not in renamed and new in model.properties and old not in model.properties:
            renamed[new] = renamed.pop(old)
    return renamed


# --------------------------------------------------------------------------------------------- prices

CREDITS_PER_USD = 2_000_000  # fact sheet §3
CURRENCY = "USD"
MIN_RATE, MAX_RATE = 0.03, 0.60  # USD per second of video, the range real video models charge
# Resolution and sound change the price; these are the dimensions a ``variants`` price can have (fact sheet §2).
PRICE_DIMENSIONS = ("resolution", "generate_audio")
AUDIO_FACTOR = 1.5
RESOLUTION_WORDS = {"sd": 480, "hd": 720, "fhd": 1080, "2k": 1440, "4k": 2160}


def short_side_of(value: Any) -> int | None:
    """The short side in pixels a resolution word names: 720p, 1080P, 768P, hd, fhd, 2K, 4k; None otherwise."""
    if not isinstance(value, str):
        return None
    word = value.strip().lower()
    if word in RESOLUTION_WORDS:
        return RESOLUTION_WORDS[word]
    match = re.fullmatch(r"(\d{3,4})\s*p", word)
    return int(match.group(1)) if match else None


def base_rate(model: Model) -> float:
    """The model's 720p, silent price per second: from its id's hash, so the same model always costs the same."""
    fraction = int.from_bytes(hashlib.sha256(model.id.encode()).digest()[:4], "big") / 2**32
    return round(0.04 + 0.16 * fraction, 3)


def rate(model: Model, when: dict[str, Any]) -> float:
    """USD per second of video for the request parameters in ``when`` (resolution, generate_audio)."""
    price = base_rate(model)
    short = short_side_of(when.get("resolution"))
    if short:
        price *= max(0.6, short / 720)
    if when.get("generate_audio") is True:
        price *= AUDIO_FACTOR
    return round(min(MAX_RATE, max(MIN_RATE, price)), 3)


def price_dimensions(model: Model) -> dict[str, list[Any]]:
    """The request parameters the model's price depends on, with every value the schema allows."""
    dimensions: dict[str, list[Any]] = {}
    for name in PRICE_DIMENSIONS:
        prop = model.properties.get(name, {})
        if prop.get("enum"):
            dimensions[name] = [v for v in prop["enum"] if v is not None]
        elif prop.get("type") == "boolean" or (isinstance(prop.get("type"), list) and "boolean" in prop["type"]):
            dimensions[name] = [False, True]
    return dimensions


def pricing_of(model: Model) -> dict[str, Any]:
    """The ``pricing`` section of the model's catalogue entry (kinds ``fixed``, ``variants``, ``variable``)."""
    if length_follows_audio(model):
        return {"kind": "variable", "currency": CURRENCY}
    dimensions = price_dimensions(model)
    if not dimensions:
        units = [{"name": "output_video", "measure": "second", "price": rate(model, {}), "per": 1}]
        return {"kind": "fixed", "currency": CURRENCY, "units": units}
    names = list(dimensions)
    variants = []
    for values in itertools.product(*(dimensions[n] for n in names)):
        when = dict(zip(names, values, strict=True))
        variants.append({"when": when, "price": rate(model, when), "unit": "second", "per": 1})
    return {"kind": "variants", "currency": CURRENCY, "dimensions": names, "variants": variants}


def price_per_second(model: Model, payload: dict[str, Any]) -> float:
    """What one second of this request's video costs, by the same rule as the catalogue's ``pricing``."""
    dimensions = price_dimensions(model)
    defaults = model.defaults
    when = {n: payload.get(n, defaults.get(n)) for n in dimensions}
    return rate(model, when)


def credits_for(model: Model, payload: dict[str, Any], seconds: float) -> int:
    """The credits a completed job reports: its price per second × the video's seconds, at $1 = 2,000,000."""
    return int(round(price_per_second(model, payload) * seconds * CREDITS_PER_USD))
