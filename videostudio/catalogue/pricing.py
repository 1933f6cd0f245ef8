"""Prices from the live catalogue's ``pricing`` object: a short line for a model's entry, and the quote for one run.

The shapes (catalogue_and_billing.md §2): ``kind`` is ``fixed`` (``units: [{name, measure, price, per}]``),
``variants`` (``dimensions``, ``variants: [{when: {...}, price, unit, per}]``) or ``variable`` (no price before the
run). A rate is always ``price`` per ``per`` units; per-second rates multiply by the video's duration.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

CREDITS_PER_USD = 2_000_000

# Unit words that mean "per second of video" and "per video (one run)"; anything else cannot be quoted.
_SECONDS = {"second", "seconds", "sec", "s"}
_PER_RUN = {"video", "videos", "generation", "generations", "request", "requests", "run", "runs", "item"}
# Units the studio knows but cannot count before a run: a field that names one of these names the unit too.
_OTHER_UNITS = {"token", "tokens", "megapixel", "megapixels", "character", "characters", "image", "images", "frame"}
_KNOWN_UNITS = _SECONDS | _PER_RUN | _OTHER_UNITS


@dataclass(frozen=True)
class Rate:
    """One price: ``usd`` for each ``unit`` (already divided by ``per``)."""

    usd: float
    unit: str  # "second", "video", or the catalogue's own word

    @property
    def per_second(self) -> bool:
        return self.unit in _SECONDS

    @property
    def per_run(self) -> bool:
        return self.unit in _PER_RUN


@dataclass(frozen=True)
class Quote:
    """The price of one run, before it is sent."""

    usd: float
    detail: str  # how it was reached, e.g. "$0.65 per second × 5 s"

    @property
    def credits(self) -> int:
        return round(self.usd * CREDITS_PER_USD)

    def describe(self) -> str:
        return f"{money(self.usd)} ({self.detail})"


def price_line(pricing: Mapping[str, Any] | None) -> str | None:
    """A short line for a model's entry ("$0.10 per second", "$0.05–$0.13 per second"), or None when unknown."""
    if not isinstance(pricing, Mapping):
        return None
    kind = pricing.get("kind")
    if kind == "variable":
        return "priced after the run"
    rates = _fixed_rates(pricing) if kind == "fixed" else _variant_rates(pricing) if kind == "variants" else []
    if not rates:
        return None
    units = {_unit_words(r.unit) for r in rates}
    unit = units.pop() if len(units) == 1 else None
    low, high = min(r.usd for r in rates), max(r.usd for r in rates)
    if kind == "fixed" and len(rates) > 1 and unit is None:
        return " + ".join(f"{money(r.usd)} {_unit_words(r.unit)}" for r in rates)
    amount = money(low) if low == high else f"{money(low)}–{money(high)}"
    return f"{amount} {unit}" if unit else f"from {money(low)}"


def quote(pricing: Mapping[str, Any] | None, values: Mapping[str, Any], seconds: float | None) -> Quote | None:
    """The price of one run with the form's ``values`` lasting ``seconds``; None when it cannot be told beforehand."""
    if not isinstance(pricing, Mapping):
        return None
    kind = pricing.get("kind")
    if kind == "fixed":
        rates = _fixed_rates(pricing)
    elif kind == "variants":
        variant = _matching_variant(pricing, values)
        rates = [variant] if variant else []
    else:
        return None
    if not rates:
        return None
    total, parts = 0.0, []
    for rate in rates:
        if rate.per_second:
            if seconds is None or seconds <= 0:
                return None
            total += rate.usd * seconds
            parts.append(f"{money(rate.usd)} per second × {seconds:g} s")
        elif rate.per_run:
            total += rate.usd
            parts.append(f"{money(rate.usd)} per video")
        else:
            return None  # per token, per megapixel, ...: nothing the form can count
    return Quote(usd=total, detail=" + ".join(parts))


# The counts ``quote_counts`` takes, by the unit words a catalogue may use for them.
_COUNTED = {
    **{word: "second" for word in _SECONDS},
    **{word: "run" for word in _PER_RUN},
    "character": "character",
    "characters": "character",
    "token": "token",
    "tokens": "token",
    "image": "image",
    "images": "image",
    "megapixel": "megapixel",
    "megapixels": "megapixel",
}


def quote_counts(pricing: Mapping[str, Any] | None, counts: Mapping[str, float]) -> Quote | None:
    """The price of one helper call (speech, chat, music, a picture) from what it uses: ``{"character": 120}``.

    ``counts`` names units ("character", "token", "second", "image", "megapixel"; "run" defaults to 1) or a
    rate's own ``name`` ("input_tokens") where a model prices two of one unit apart. A ``fixed`` price adds every
    rate; ``variants`` take the first variant (helpers' prices do not vary with the request here). None when a rate
    counts something not given, or the price is ``variable``.
    """
    if not isinstance(pricing, Mapping):
        return None
    kind = pricing.get("kind")
    entries = (
        pricing.get("units") if kind == "fixed" else (pricing.get("variants") or [])[:1] if kind == "variants" else None
    )
    if not isinstance(entries, list) or not entries:
        return None
    total, parts = 0.0, []
    for entry in entries:
        if not isinstance(entry, Mapping):
            return None
        rate = _rate(entry, _fixed_unit(entry) if kind == "fixed" else entry.get("unit"))
        if rate is None:
            return None
        unit = _COUNTED.get(rate.unit)
        name = entry.get("name")
        count = counts.get(name) if isinstance(name, str) and name in counts else counts.get(unit or "", None)
        if count is None and unit == "run":
            count = 1
        if count is None:
            return None
        total += rate.usd * count
        parts.append(_counted_detail(entry, unit or rate.unit, count))
    return Quote(usd=total, detail=" + ".join(parts))


def _counted_detail(entry: Mapping[str, Any], unit: str, count: float) -> str:
    """ "$15.00 per 1,000,000 characters × 1,200": the rate as the catalogue gives it, then the count."""
    per = entry.get("per", 1)
    if unit == "run":
        return f"{money(float(entry['price']))} per run" + (f" × {count:g}" if count != 1 else "")
    rate = f"per {unit}" if per == 1 else f"per {per:,.0f} {unit}s"
    return f"{money(float(entry['price']))} {rate} × {count:,.0f}"


def usd_of(credits: float | None, usd: float | None) -> float | None:
    """A job's charge in dollars: as the API reported it, else its credits at $1 = 2,000,000 credits."""
    if usd is not None:
        return usd
    return credits / CREDITS_PER_USD if credits is not None else None


def cost_text(usd: float | None, credits: float | None = None) -> str:
    """Dollars first, credits second: "$0.42 · 840,000 credits" (credits from dollars when not given)."""
    if usd is None and credits is None:
        return "–"
    dollars = usd_of(credits, usd) or 0.0
    credits = credits if credits is not None else dollars * CREDITS_PER_USD
    return f"{money(dollars)} · {credits:,.0f} credits"


def money(usd: float) -> str:
    """$0.10, $3.25, $0.125: cents always shown, more digits only when the rate has them."""
    text = f"{usd:.4f}".rstrip("0")
    whole, _, cents = text.partition(".")
    return f"${whole}.{cents.ljust(2, '0')}"


def _fixed_rates(pricing: Mapping[str, Any]) -> list[Rate]:
    units = pricing.get("units")
    if not isinstance(units, list):
        return []
    rates = [_rate(u, _fixed_unit(u)) for u in units if isinstance(u, Mapping)]
    return [r for r in rates if r]


def _fixed_unit(entry: Mapping[str, Any]) -> Any:
    """The unit of a fixed rate: the first of ``measure``, ``unit`` and ``name`` that is a unit word.

    The documents do not say which field holds it: ``{"name": "output_video", "measure": "second"}`` and
    ``{"name": "second", "measure": "output"}`` both occur, so a field that is no unit word ("output") is passed over.
    """
    fields = [entry.get(key) for key in ("measure", "unit", "name")]
    for value in fields:
        if isinstance(value, str) and value.strip().lower() in _KNOWN_UNITS:
            return value
    return next((value for value in fields if value), None)


def _variant_rates(pricing: Mapping[str, Any]) -> list[Rate]:
    variants = pricing.get("variants")
    if not isinstance(variants, list):
        return []
    rates = [_rate(v, v.get("unit")) for v in variants if isinstance(v, Mapping)]
    return [r for r in rates if r]


def _matching_variant(pricing: Mapping[str, Any], values: Mapping[str, Any]) -> Rate | None:
    """The variant whose every ``when`` key has the form's value; the most specific one when several match."""
    best: tuple[int, Rate] | None = None
    for variant in pricing.get("variants") or ():
        if not isinstance(variant, Mapping):
            continue
        when = variant.get("when") or {}
        if not isinstance(when, Mapping):
            continue
        if all(k in values and _same(values[k], v) for k, v in when.items()):
            rate = _rate(variant, variant.get("unit"))
            if rate and (best is None or len(when) > best[0]):
                best = (len(when), rate)
    return best[1] if best else None


def _rate(entry: Mapping[str, Any], unit: Any) -> Rate | None:
    price, per = entry.get("price"), entry.get("per", 1)
    if isinstance(price, bool) or not isinstance(price, int | float):
        return None
    if isinstance(per, bool) or not isinstance(per, int | float) or per <= 0:
        return None
    return Rate(usd=price / per, unit=str(unit or "video").strip().lower())


def _same(value: Any, wanted: Any) -> bool:
    # The form gives 5 where the catalogue may say "5", and True where it may say "true".
    return _canonical(value) == _canonical(wanted)


def _canonical(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip().lower()


def _unit_words(unit: str) -> str:
    if unit in _SECONDS:
        return "per second"
    if unit in _PER_RUN:
        return "per video"
    return f"per {unit}"
