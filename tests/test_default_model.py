"""The model a fresh studio opens on: named, prompt-only, cheap, and a stand-in when the API drops it."""

from __future__ import annotations

import dataclasses
import statistics

from videostudio.catalogue import Catalogue, Model, Task, load_catalogue
from videostudio.default_model import DEFAULT_MODEL, default_model, takes_only_a_prompt
from videostudio.offline.vendor import pricing_of
from videostudio.run_price import price_of_run


def offline_price(model: Model) -> float:
    """What a run with the form as it opens costs on the offline backend (the prices the studio can know here)."""
    price = price_of_run(dataclasses.replace(model, pricing=pricing_of(model)), {})
    assert price.usd is not None, model.id
    return price.usd


def test_the_default_is_in_the_bundle_and_takes_only_a_prompt() -> None:
    model = load_catalogue().get(DEFAULT_MODEL)
    assert takes_only_a_prompt(model)
    assert model.offered and not model.deprecated
    assert not model.inputs() and model.required == {"model", "prompt"}


def test_the_default_is_cheap_among_the_prompt_only_models() -> None:
    prompt_only = [m for m in load_catalogue() if takes_only_a_prompt(m) and not m.deprecated]
    prices = sorted(offline_price(m) for m in prompt_only)
    chosen = offline_price(load_catalogue().get(DEFAULT_MODEL))
    assert chosen <= 0.50
    assert chosen <= prices[len(prices) // 4]  # in the cheapest quarter
    assert chosen < statistics.median(prices)


def test_prompt_only_excludes_models_that_take_a_picture() -> None:
    catalogue = load_catalogue()
    assert not takes_only_a_prompt(catalogue.get("video-01"))  # text to video, but with an optional image
    assert not takes_only_a_prompt(catalogue.get("alibaba/happyhorse-1-0"))  # takes an image and a video


def test_a_stand_in_when_the_api_no_longer_offers_the_default() -> None:
    models = list(load_catalogue())
    gone = Catalogue([dataclasses.replace(m, offered=m.id != DEFAULT_MODEL) for m in models])
    stand_in = default_model(gone)
    assert stand_in.id != DEFAULT_MODEL and takes_only_a_prompt(stand_in) and stand_in.offered
    assert not stand_in.deprecated and Task.TEXT in stand_in.tasks
    assert default_model(load_catalogue()).id == DEFAULT_MODEL
