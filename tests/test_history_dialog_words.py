"""An opened job's dialog in History says what the job is in words; its ids wait, folded, under "Details"."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.jobs.job_words import created_text
from tests.conftest import Studio
from tests.test_history_page import add_job, history, select_row

pytestmark = pytest.mark.apptest

VEO = "google/veo-3.1-t2v"
PROMPT = "A red fox runs through fresh snow at dawn, camera tracking beside it"


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def dialog_title(at: AppTest) -> str:
    """The open dialog's title as a person reads it (the Markdown escapes undone)."""
    [dialog] = [n for n in _walk(at._tree) if getattr(n, "type", None) == "dialog"]
    return re.sub(r"\\(.)", r"\1", dialog.proto.dialog.title)


def captions_in(node: Any) -> list[str]:
    return [n.value for n in _walk(node) if getattr(n, "type", None) == "caption"]


def test_the_title_names_the_model_the_time_and_the_prompt_and_the_ids_are_folded_in_details(studio: Studio) -> None:
    job = add_job(PROMPT, model_id=VEO, generation_id="d314c0ffee-generation")
    at = history()
    select_row(at, 0)

    title = dialog_title(at)
    when = created_text(job.created_at)
    assert title == f"Veo 3.1 Text-to-video, {when} · “A red fox runs through fresh snow at dawn,…”"
    assert job.id[:4] not in title and "d314" not in title and VEO not in title

    [details] = [e for e in at.expander if e.label == "Details"]
    assert not details.proto.expanded  # folded until asked for
    assert captions_in(details) == [f"Model: `{VEO}`", f"Job: `{job.id}`", "Generation: `d314c0ffee-generation`"]
    # Nowhere but there: the ids are no longer a caption beside the settings.
    with_ids = [c.value for c in at.caption if job.id in c.value or "d314c0ffee" in c.value]
    assert with_ids == captions_in(details)[1:]


def test_a_short_prompt_is_whole_and_markdown_in_it_shows_as_typed(studio: Studio) -> None:
    job = add_job("a **bold** [cat](x)", model_id=VEO)
    at = history()
    select_row(at, 0)
    assert dialog_title(at) == f"Veo 3.1 Text-to-video, {created_text(job.created_at)} · “a **bold** [cat](x)”"
