"""The task registry: one sheet per task with its rule, words and offline rendering, and every model gets a task."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from videostudio.catalogue import RULE_ORDER, TASK_SHEETS, Catalogue, Task, derive_tasks, load_catalogue
from videostudio.catalogue.facts import summary_line
from videostudio.offline.catalogue_api import capabilities_of

README = Path(__file__).resolve().parent.parent / "README.md"
URI = {"type": "string", "format": "uri"}


def test_every_task_has_a_sheet_with_words_and_an_offline_rendering() -> None:
    assert set(TASK_SHEETS) == set(Task)
    for task, sheet in TASK_SHEETS.items():
        assert sheet.capability and sheet.phrase and sheet.rule and sheet.offline and sheet.examples, task
    assert len({sheet.capability for sheet in TASK_SHEETS.values()}) == len(Task)


def test_every_task_has_a_rule() -> None:
    # From text is the fallback; the image roles come from fields; the rest are model-wide rules, each once.
    by_image = {Task.IMAGE, Task.FIRST_LAST, Task.REFERENCE}
    assert len(RULE_ORDER) == len(set(RULE_ORDER))
    assert set(Task) == {Task.TEXT} | by_image | set(RULE_ORDER)
    for task in by_image:
        assert task.sheet.image_field is not None, task
    for task in RULE_ORDER:
        sheet = task.sheet
        assert sheet.named_by is not None or sheet.needs or sheet.field_prefix, task


def test_each_tasks_examples_are_models_that_make_it(catalogue: Catalogue) -> None:
    for task, sheet in TASK_SHEETS.items():
        for model_id in sheet.examples:
            assert task in catalogue.get(model_id).tasks, (task, model_id)


def test_the_readme_task_table_shows_the_registry_words() -> None:
    rows = {line.split("|")[1].strip(): line for line in README.read_text().splitlines() if line.startswith("| ")}
    for task, sheet in TASK_SHEETS.items():
        assert task.value in rows, task
        for model_id in sheet.examples:
            assert f"`{model_id}`" in rows[task.value], (task, model_id)


def test_every_model_gets_a_task_and_the_counts_are_pinned() -> None:
    models = list(load_catalogue())
    assert len(models) == 143
    assert all(model.tasks for model in models)
    counts = Counter(task for model in models for task in model.tasks)
    assert counts == PINNED_COUNTS


def test_the_offline_capabilities_and_summary_come_from_the_sheets(catalogue: Catalogue) -> None:
    model = catalogue.get("google/veo3-1-extend-video")
    assert capabilities_of(model) == [t.capability for t in Task if t in model.tasks]
    assert summary_line("", frozenset({Task.SOUND, Task.IMAGE})) == "Animates a picture, or adds sound to a video."


def test_a_sound_model_named_video_to_audio_gets_the_sound_task() -> None:
    schema = {"properties": {"video_url": URI, "prompt": {"type": "string"}}, "required": ["video_url"]}
    assert derive_tasks("acme/video-to-audio", schema, {"video_url": "video"}) == {Task.SOUND}
    assert derive_tasks("acme/restyle", schema, {"video_url": "video"}) == {Task.EDIT}


# Measured on the shipped catalogue when the rules became a registry (the same as the if-chain before it).
PINNED_COUNTS: Counter[Task] = Counter(
    {
        Task.TEXT: 65,
        Task.IMAGE: 74,
        Task.FIRST_LAST: 37,
        Task.REFERENCE: 26,
        Task.EDIT: 14,
        Task.EXTEND: 2,
        Task.AVATAR: 9,
        Task.MOTION: 4,
        Task.SOUND: 1,
    }
)
