"""Prices from the live catalogue: the short line on a model's entry, and the quote for one run."""

from __future__ import annotations

import pytest

from videostudio.catalogue.pricing import CREDITS_PER_USD, money, price_line, quote

PER_SECOND = {
    "kind": "fixed",
    "currency": "USD",
    "units": [{"name": "output", "measure": "second", "price": 0.1, "per": 1}],
}
PER_VIDEO = {"kind": "fixed", "units": [{"name": "output", "measure": "video", "price": 0.4, "per": 1}]}
BY_RESOLUTION = {
    "kind": "variants",
    "dimensions": ["resolution", "generate_audio"],
    "variants": [
        {"when": {"resolution": "720p"}, "price": 0.05, "unit": "second", "per": 1},
        {"when": {"resolution": "1080p"}, "price": 0.65, "unit": "second", "per": 1},
        {"when": {"resolution": "1080p", "generate_audio": "true"}, "price": 0.8, "unit": "second", "per": 1},
    ],
}
VARIABLE = {"kind": "variable"}


@pytest.mark.parametrize(
    ("pricing", "line"),
    [
        (PER_SECOND, "$0.10 per second"),
        (PER_VIDEO, "$0.40 per video"),
        (BY_RESOLUTION, "$0.05–$0.80 per second"),
        (VARIABLE, "priced after the run"),
        ({"kind": "fixed", "units": [{"measure": "second", "price": 125, "per": 1000}]}, "$0.125 per second"),
        (None, None),
        ({"kind": "unheard-of"}, None),
        ({"kind": "fixed", "units": [{"measure": "second", "price": "free"}]}, None),
    ],
)
def test_price_line(pricing: dict | None, line: str | None) -> None:
    assert price_line(pricing) == line


def test_a_mix_of_units_says_where_it_starts() -> None:
    mixed = {
        "kind": "variants",
        "variants": [
            {"when": {"a": 1}, "price": 0.3, "unit": "video"},
            {"when": {"a": 2}, "price": 0.1, "unit": "second"},
        ],
    }
    assert price_line(mixed) == "from $0.10"


def test_the_docs_worked_example_five_seconds_at_1080p() -> None:
    result = quote(BY_RESOLUTION, {"resolution": "1080p", "prompt": "a cat"}, 5)
    assert result is not None
    assert result.usd == pytest.approx(3.25)
    assert result.credits == 3.25 * CREDITS_PER_USD
    assert result.detail == "$0.65 per second × 5 s"


def test_the_most_specific_variant_wins_and_values_match_across_types() -> None:
    # The form gives a boolean where the catalogue writes "true".
    result = quote(BY_RESOLUTION, {"resolution": "1080p", "generate_audio": True}, 4.0)
    assert result is not None and result.usd == pytest.approx(3.2)


def test_fixed_rates_per_second_and_per_video() -> None:
    assert quote(PER_SECOND, {}, 8).usd == pytest.approx(0.8)
    assert quote(PER_VIDEO, {}, None).usd == pytest.approx(0.4)
    assert quote(PER_VIDEO, {}, None).describe() == "$0.40 ($0.40 per video)"


@pytest.mark.parametrize(
    ("pricing", "values", "seconds"),
    [
        (VARIABLE, {}, 5),
        (BY_RESOLUTION, {"resolution": "4k"}, 5),  # no variant for it
        (BY_RESOLUTION, {}, 5),  # the form does not say
        (PER_SECOND, {}, None),  # per second with no duration
        ({"kind": "fixed", "units": [{"measure": "token", "price": 2, "per": 1_000_000}]}, {}, 5),
        (None, {}, 5),
    ],
)
def test_no_quote_when_the_price_cannot_be_told_beforehand(pricing: dict | None, values: dict, seconds: float) -> None:
    assert quote(pricing, values, seconds) is None


# A catalogue entry that names the second in ``name`` and says only "output" in ``measure``.
SECOND_IN_NAME = {"kind": "fixed", "units": [{"name": "second", "measure": "output", "price": 0.21, "per": 1}]}


def test_the_unit_may_be_named_in_name_when_measure_is_no_unit() -> None:
    assert price_line(SECOND_IN_NAME) == "$0.21 per second"
    result = quote(SECOND_IN_NAME, {}, 8)
    assert result is not None and result.usd == pytest.approx(1.68) and result.detail == "$0.21 per second × 8 s"


@pytest.mark.parametrize(
    ("unit", "line"),
    [
        ({"name": "seconds", "measure": "output"}, "$0.21 per second"),
        ({"name": "sec"}, "$0.21 per second"),
        ({"name": "video", "measure": "output"}, "$0.21 per video"),
        # measure wins when it is a unit word, whatever name says.
        ({"name": "output_video", "measure": "second"}, "$0.21 per second"),
        ({"name": "video", "measure": "token"}, "$0.21 per token"),
        ({"name": "output", "measure": "widget"}, "$0.21 per widget"),
    ],
)
def test_which_field_holds_the_unit(unit: dict, line: str) -> None:
    assert price_line({"kind": "fixed", "units": [{**unit, "price": 0.21, "per": 1}]}) == line


def test_money() -> None:
    assert [money(x) for x in (0.1, 3.25, 0.125, 2, 0.0004)] == ["$0.10", "$3.25", "$0.125", "$2.00", "$0.0004"]
