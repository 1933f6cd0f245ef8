"""Compare: which jobs a ``/compare?jobs=a,b,c`` address names, which of them can be played, and their settings
side by side with the differences marked. No Streamlit here; components/compare/compare_view.py draws it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from videostudio.history.store import Job, JobStatus

# Two videos make a comparison; more than four no longer fit side by side on a laptop's screen.
MIN_JOBS = 2
MAX_JOBS = 4
# What a job lacking a setting another job has shows in its column.
MISSING = "–"


def compare_ids(raw: str | None) -> list[str]:
    """``"a, b,,a,c"`` → ``["a", "b", "c"]``: the ids a Compare address names, in order, each once."""
    ids: list[str] = []
    for part in (raw or "").split(","):
        job_id = part.strip()
        if job_id and job_id not in ids:
            ids.append(job_id)
    return ids


@dataclass(frozen=True)
class Selection:
    """The jobs an address names that can be compared, in its order, and what to tell about the others."""

    jobs: list[Job]
    problems: list[str]

    @property
    def ready(self) -> bool:
        return len(self.jobs) >= MIN_JOBS


def select_jobs(
    ids: Sequence[str],
    get: Callable[[str], Job | None],
    name: Callable[[str], str],
    *,
    not_found: str = "No job {job_id} in this studio's history: it may have been deleted.",
) -> Selection:
    """Look up each id (``get``, e.g. the store's) and keep the playable ones, at most MAX_JOBS.

    Nothing here raises for a bad id: each one not kept gets a sentence in plain words (``name`` gives a model's
    name for it; ``not_found`` is said of an id ``get`` gives nothing for, its ``{job_id}`` filled in).
    """
    jobs: list[Job] = []
    problems: list[str] = []
    for job_id in ids:
        job = get(job_id)
        if job is None:
            problems.append(not_found.format(job_id=job_id))
        elif job.is_active:
            problems.append(f"The {name(job.model_id)} job {job_id} is still running: compare it once it has finished.")
        elif job.status != JobStatus.COMPLETED:
            problems.append(f"The {name(job.model_id)} job {job_id} failed: it has no video to compare.")
        elif not job.has_local_video:
            problems.append(
                f"The video of the {name(job.model_id)} job {job_id} is not on this computer (yet), so it can't be "
                "played here."
            )
        elif len(jobs) == MAX_JOBS:
            problems.append(f"Compare shows at most {MAX_JOBS} videos: job {job_id} is left out.")
        else:
            jobs.append(job)
    return Selection(jobs, problems)


@dataclass(frozen=True)
class SettingRow:
    """One setting across the compared jobs: its name and each job's value, in the jobs' order."""

    setting: str
    values: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return len(set(self.values)) > 1


def side_by_side(columns: Sequence[Iterable[tuple[str, str]]]) -> list[SettingRow]:
    """Each job's (setting, value) pairs → one row per setting, one value per job.

    Settings come in the order they are first met (the first job's, then what later jobs add); a job without a
    setting shows MISSING there, which counts as a difference.
    """
    per_job: list[dict[str, str]] = []
    order: list[str] = []
    for pairs in columns:
        values: dict[str, str] = {}
        for setting, value in pairs:
            if setting in values:
                continue  # the first wins, as it is listed first under the video
            values[setting] = value
            if setting not in order:
                order.append(setting)
        per_job.append(values)
    return [SettingRow(setting, tuple(values.get(setting, MISSING) for values in per_job)) for setting in order]


def differing(rows: Iterable[SettingRow]) -> list[SettingRow]:
    return [row for row in rows if row.differs]
