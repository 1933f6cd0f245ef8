"""How a job is named in words, wherever it appears: its model's name, when it was made, its status, cost and time."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime

from components.shell import services
from components.shell.markdown_text import as_typed
from components.shell.whose import seen_jobs
from videostudio.catalogue.labels import shortened
from videostudio.catalogue.pricing import cost_text, money, usd_of
from videostudio.history.store import Job, JobStatus
from videostudio.jobs.backends import Backend
from videostudio.jobs.batches import position_text
from videostudio.jobs.service import PollPolicy
from videostudio.library.chain import STUDIO_MADE

STATUS_LOOK = {
    JobStatus.SUBMITTING: ("Sending", "gray", ":material/upload:"),
    JobStatus.QUEUED: ("Queued", "blue", ":material/schedule:"),
    JobStatus.GENERATING: ("Generating", "violet", ":material/autorenew:"),
    JobStatus.COMPLETED: ("Done", "green", ":material/check_circle:"),
    JobStatus.FAILED: ("Failed", "red", ":material/error:"),
}
OVERDUE_LOOK = ("Still running at the provider", "orange", ":material/hourglass_top:")
# How much of the prompt a job picker's label shows.
PICK_PROMPT_CHARS = 40
# The start of a job id a picker adds when two labels would read alike; then the whole id, should starts clash.
SHORT_ID_CHARS = 8
# How much of the prompt an opened job's title shows: enough to recognise it, short enough for one line.
DIALOG_PROMPT_CHARS = 48


def model_name(model_id: str) -> str:
    if model_id in STUDIO_MADE:
        return STUDIO_MADE[model_id]  # joined clips, a film: the studio made it, no model of the catalogue
    model = services.model_or_none(model_id)
    return model.name if model else model_id


def created_text(created: datetime) -> str:
    return created.astimezone().strftime("%d %b %Y, %H:%M")


def never_billed(job: Job) -> bool:
    # A failed generation is not billed; joining runs on this computer.
    return job.status == JobStatus.FAILED or not job.kind.was_sent


def charge_text(job: Job, backend: Backend | None, *, short: bool = False) -> str | None:
    """What the job cost, dollars first: "$0.42 · 840,000 credits"; ``short``: "$0.42", for a narrow column.

    A failed job is billed nothing. The offline demo's figures are marked simulated, so they are never read as
    money spent. Never shown to a role that doesn't see prices: callers ask ``whose.sees_prices`` once per page.
    """
    if never_billed(job):
        return "no charge"
    if job.credits is None and job.usd is None:
        return None
    text = money(usd_of(job.credits, job.usd) or 0.0) if short else cost_text(job.usd, job.credits)
    return f"{text} (simulated)" if backend is not None and not backend.bills else text


def status_look(job: Job, policy: PollPolicy | None = None) -> tuple[str, str, str]:
    if policy and policy.is_overdue(job):
        return OVERDUE_LOOK
    return STATUS_LOOK[job.status]


def timing_text(job: Job) -> str:
    """A card's time: how long the job ran ("1 min 05 s"); for a video the studio made itself (a join, a film),
    which takes no time worth saying, how long the video is ("30 s long")."""
    if job.kind.was_sent or not job.video_seconds:
        return elapsed_text(job.elapsed_seconds)
    return f"{elapsed_text(job.video_seconds)} long"


def elapsed_text(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"


def job_title(job: Job) -> str:
    """How a note names a job: "Kling 1.6 Pro, 21 Nov 2026, 15:30"."""
    return f"{model_name(job.model_id)}, {created_text(job.created_at)}"


def dialog_title(job: Job) -> str:
    """What an opened job is, for its dialog's title: "Veo 3.1 Text-to-video, 7 Dec 2026, 06:40 · “A fox in snow…”".

    Markdown-escaped (a dialog title is Markdown): the prompt shows as typed. Ids go in the dialog's Details.
    """
    prompt = " ".join(job.prompt.split())
    if len(prompt) > DIALOG_PROMPT_CHARS:
        head = prompt[:DIALOG_PROMPT_CHARS]
        prompt = (head.rsplit(" ", 1)[0] if " " in head else head) + "…"  # cut at a word, not inside one
    title = job_title(job) + (f" · “{prompt}”" if prompt else "")
    return as_typed(title)


def eta_text(median_seconds: float, elapsed_seconds: float) -> str:
    """Time left from the median run time: "about 1 min 20 s left", or "any moment now" once past it."""
    left = median_seconds - elapsed_seconds
    return f"about {elapsed_text(left)} left" if left >= 1 else "any moment now"


def batch_places(jobs: Sequence[Job]) -> dict[str, str]:
    """Each batch job's place in its batch, by job id: ``{"a1b2…": "2 of 3"}`` (one query for the whole page)."""
    batches = seen_jobs().batch_members({job.batch_id for job in jobs if job.batch_id})
    places = {}
    for job in jobs:
        place = position_text(job, batches.get(job.batch_id or "", []))
        if place:
            places[job.id] = place
    return places


def pick_label(job: Job, place: str | None = None) -> str:
    """A job in a picker: "Kling 1.6 Pro · a cat surfing · 2 of 3 · seed 43 · 5.0 s · 21 Nov 2026, 15:30"."""
    seed = job.params.get("seed")
    parts = (
        model_name(job.model_id),
        shortened(" ".join(job.prompt.split()), PICK_PROMPT_CHARS),
        place,
        f"seed {seed}" if seed is not None else None,
        f"{job.video_seconds:.1f} s" if job.video_seconds else None,
        created_text(job.created_at),
    )
    return " · ".join(part for part in parts if part)


def pick_labels(jobs: Sequence[Job]) -> dict[str, str]:
    """Every job picker's labels, by job id: each job's ``pick_label``, and no two alike.

    A picker's options are job ids, but Streamlit keeps a multiselect's choice as the labels shown: two jobs that
    read alike are one choice to it, so picking one picks its twin away (and Compare's address then named one
    job three times). Labels that would still clash get the start of their job's id, or the whole id.
    """
    places = batch_places(jobs)
    return _distinct({job.id: pick_label(job, places.get(job.id)) for job in jobs})


def _distinct(labels: Mapping[str, str]) -> dict[str, str]:
    distinct = dict(labels)
    for width in (SHORT_ID_CHARS, None):
        counts = Counter(distinct.values())
        if len(counts) == len(distinct):
            break
        distinct = {i: f"{label} · {i[:width]}" if counts[label] > 1 else label for i, label in distinct.items()}
    return distinct
