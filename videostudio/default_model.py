"""The model a fresh studio opens on: a cheap text-to-video model whose form needs nothing but a prompt.

A newcomer's first screen should ask for one thing (words) and cost little. The choice is a named model, not
"the first in the list" (the list is sorted by vendor, so that was whatever vendor sorts first) and not "the
cheapest today" (prices arrive with the live list, after the first screen is drawn: the default would change
under the person). When the live list no longer offers it, the first usable prompt-only model stands in.
"""

from __future__ import annotations

from videostudio.catalogue import Catalogue, Model, Task
from videostudio.live_catalogue import find_model

# Wan 2.1 turbo: text to video, one required field (the prompt), no upload, and among the cheapest per run
# (tests/test_default_model.py checks all three).
DEFAULT_MODEL = "alibaba/wan2.1-t2v-turbo"


def takes_only_a_prompt(model: Model) -> bool:
    """True for a text-to-video model that needs a prompt and nothing else: no image, video or audio at all."""
    return (
        Task.TEXT in model.tasks
        and "prompt" in model.properties
        and model.required <= {"model", "prompt"}
        and not model.media
    )


def usable(model: Model) -> bool:
    return model.offered and not model.deprecated


def default_model(catalogue: Catalogue) -> Model:
    """``DEFAULT_MODEL`` when the catalogue offers it, else the first usable prompt-only model, else any usable."""
    named = find_model(catalogue, DEFAULT_MODEL)
    if named is not None and usable(named):
        return named
    models = list(catalogue)
    for rule in (lambda m: usable(m) and takes_only_a_prompt(m), usable):
        found = next((m for m in models if rule(m)), None)
        if found is not None:
            return found
    return models[0]
