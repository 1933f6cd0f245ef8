"""The price of one run from the form's values: each pricing kind, the run's length, and past runs as an estimate."""

from __future__ import annotations

from dataclasses import replace

import pytest

from tests.conftest import wav_bytes
from videostudio.catalogue import Model, load_catalogue
from videostudio.catalogue.pricing import cost_text, usd_of
from videostudio.form.run_price import length_follows_audio, price_of_run, run_seconds, sent_audio_seconds, times
from videostudio.media import to_data_uri
from videostudio.offline.vendor import credits_for, pricing_of

CATALOGUE = load_catalogue()
PIXVERSE = CATALOGUE.get("pixverse/v5/image-to-video")  # duration 5 | 8, resolution 360p … 1080p
VIDEO01 = CATALOGUE.get("video-01")  # no duration field: 6 s videos
FABRIC = CATALOGUE.get("veed/fabric-1.0")  # lasts as long as its recording

BY_RESOLUTION = {
    "kind": "variants",
    "dimensions": ["resolution"],
    "variants": [
        {"when": {"resolution": "720p"}, "price": 0.10, "unit": "second", "per": 1},
        {"when": {"resolution": "1080p"}, "price": 0.65, "unit": "second", "per": 1},
    ],
}
PER_SECOND = {"kind": "fixed", "units": [{"name": "output_video", "measure": "second", "price": 0.12, "per": 1}]}
PER_VIDEO = {"kind": "fixed", "units": [{"name": "output_video", "measure": "video", "price": 0.4, "per": 1}]}


def priced(model: Model, pricing: dict | None) -> Model:
    return replace(model, pricing=pricing)


def test_variants_follow_resolution_and_duration() -> None:
    model = priced(PIXVERSE, BY_RESOLUTION)
    five = price_of_run(model, {"resolution": "1080p", "duration": 5})
    assert (five.kind, five.usd) == ("quote", pytest.approx(3.25))
    assert five.text == "$3.25 · 6,500,000 credits"
    assert five.detail == "$0.65 per second × 5 s"
    assert price_of_run(model, {"resolution": "1080p", "duration": 8}).usd == pytest.approx(5.2)
    assert price_of_run(model, {"resolution": "720p", "duration": "8"}).usd == pytest.approx(0.8)


def test_a_parameter_left_out_is_priced_at_its_default() -> None:
    # PixVerse's defaults: 720p, 5 s.
    assert price_of_run(priced(PIXVERSE, BY_RESOLUTION), {"prompt": "a cat"}).usd == pytest.approx(0.5)


def test_fixed_per_second_uses_the_models_default_length_without_a_duration_field() -> None:
    run = price_of_run(priced(VIDEO01, PER_SECOND), {"prompt": "a cat"})
    assert run.kind == "quote" and run.usd == pytest.approx(0.72) and run.detail == "$0.12 per second × 6 s"


def test_a_rate_that_names_the_second_in_name_is_quoted_not_priced_after_the_run() -> None:
    pricing = {"kind": "fixed", "units": [{"name": "second", "measure": "output", "price": 0.21, "per": 1}]}
    run = price_of_run(priced(PIXVERSE, pricing), {"duration": 8})
    assert run.kind == "quote" and run.usd == pytest.approx(1.68) and run.text == "$1.68 · 3,360,000 credits"


def test_fixed_per_video_ignores_the_length() -> None:
    assert price_of_run(priced(PIXVERSE, PER_VIDEO), {"duration": 8}).usd == pytest.approx(0.4)


def test_length_follows_the_uploaded_recording() -> None:
    assert length_follows_audio(FABRIC) and not length_follows_audio(PIXVERSE)
    model = priced(FABRIC, PER_SECOND)
    assert run_seconds(model, {}, audio_seconds=12.5) == 12.5
    assert price_of_run(model, {}, audio_seconds=12.5).usd == pytest.approx(1.5)
    assert price_of_run(model, {}, audio_seconds=3.0).usd == pytest.approx(0.36)
    # A model with a duration field is priced by it, whatever recording it was given.
    assert run_seconds(PIXVERSE, {"duration": 8}, audio_seconds=30.0) == 8


def test_a_request_rebuilt_from_a_job_is_priced_by_the_recording_it_sends() -> None:
    recording = to_data_uri(wav_bytes(seconds=2.5), "audio/wav")
    assert sent_audio_seconds(FABRIC, {"audio_url": recording}) == pytest.approx(2.5, abs=0.05)
    assert sent_audio_seconds(FABRIC, {"audio_url": "https://example.com/voice.mp3"}) is None  # not read from the web
    assert sent_audio_seconds(PIXVERSE, {"audio_url": recording}) is None  # its length is its duration field


@pytest.mark.parametrize(
    "pricing", [{"kind": "variable"}, None, {"kind": "fixed", "units": [{"price": 1, "measure": "token"}]}]
)
def test_without_a_price_past_runs_give_an_estimate(pricing: dict | None) -> None:
    model = priced(FABRIC, pricing)
    estimate = price_of_run(model, {}, past_usd=[0.2, 0.9, 0.3])
    assert (estimate.kind, estimate.usd) == ("estimate", pytest.approx(0.3))
    assert estimate.text == "about $0.30 · 600,000 credits"
    assert estimate.detail == "estimate from your past 3 jobs"
    after = price_of_run(model, {})
    assert (after.kind, after.usd, after.text) == ("after", None, "Priced after the run")


def test_a_variant_that_matches_nothing_is_not_guessed() -> None:
    assert price_of_run(priced(PIXVERSE, BY_RESOLUTION), {"resolution": "360p"}).kind == "after"


@pytest.mark.parametrize("model_id", ["pixverse/v5/image-to-video", "video-01", "wan/v2.1/1.3b/text-to-video"])
@pytest.mark.parametrize("values", [{}, {"resolution": "1080p", "duration": 8}, {"resolution": "360p"}])
def test_the_offline_demos_quote_is_what_its_jobs_report(model_id: str, values: dict) -> None:
    model = CATALOGUE.get(model_id)
    model = priced(model, pricing_of(model))
    payload = {k: v for k, v in values.items() if k in model.properties}
    run = price_of_run(model, payload)
    seconds = run_seconds(model, {**model.defaults, **payload})
    assert run.kind == "quote"
    assert run.usd * 2_000_000 == pytest.approx(credits_for(model, payload, seconds))


def test_cost_text_is_dollars_first() -> None:
    assert cost_text(0.42) == "$0.42 · 840,000 credits"
    assert cost_text(None, 840_000) == "$0.42 · 840,000 credits"
    assert cost_text(0.5, 840_000) == "$0.50 · 840,000 credits"  # the reported dollars win
    assert cost_text(None, None) == "–"
    assert usd_of(3_080_000, None) == pytest.approx(1.54) and usd_of(None, None) is None


def test_a_price_still_loading_says_so_instead_of_after_the_run_or_an_estimate() -> None:
    loading = price_of_run(priced(PIXVERSE, None), {}, past_usd=[0.3], loading=True)
    assert (loading.kind, loading.usd, loading.text) == ("loading", None, "Price loading…")
    assert times(loading, 3).text == "Price loading…"  # not "3 runs, each priced after the run"
    quoted = price_of_run(priced(PIXVERSE, BY_RESOLUTION), {}, loading=True)
    assert quoted.kind == "quote"  # a price the catalogue already gives is shown as it is
