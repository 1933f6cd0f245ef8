"""One intention, one job: what identifies "these settings, from this browser", and whether a press repeats one.

A press of Generate on a form whose settings equal those of a job this browser sent, still running or ended a
few minutes ago, is the same request as that one: it must not send (and bill) a second identical job. The
decision is made from the history (the job store), not from one tab's memory, so it holds after a reload, in a
second tab and after a studio restart.

- The settings are identified by a ``fingerprint`` of what would be sent: the backend, the model, the endpoint
  and the built payload, uploads included (their base64 is hashed, never kept a second time).
- The browser is the random id of its drafts cookie (videostudio/workflows/drafts.py). Each job a press of Generate
sends is recorded with ``press_key(browser id, fingerprint)``, a hash, so the history never holds the id itself.
- ``sent_press`` decides, from the jobs recorded with that key, which earlier press (if any) a press repeats.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from videostudio.history.record import Job

# An ended press still counts this long after its last job ended: a press on its settings shows it (Done or
# Failed) rather than sending again. After that, Generate on the same form sends a new job.
RECENT_END = timedelta(minutes=10)


def fingerprint(backend: str, model_id: str, payload: Mapping[str, Any], *, legacy: bool = False) -> str:
    """A short hex digest that changes whenever anything that would be sent changes."""
    digest = hashlib.sha256()
    head = json.dumps([backend, model_id, bool(legacy)], separators=(",", ":"))
    digest.update(head.encode())
    # Canonical JSON: the same values give the same bytes whatever the order the form built them in.
    for chunk in json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).iterencode(dict(payload)):
        digest.update(chunk.encode())
    return digest.hexdigest()


def press_key(browser_id: str, settings: str) -> str:
    """What the history records of a press: these settings (a ``fingerprint``) sent from this browser."""
    return hashlib.sha256(f"{browser_id}\n{settings}".encode()).hexdigest()


def run_again_key(job_id: str) -> str:
    """What the history records of a **Run again** (or Try again) of ``job_id``, in its jobs' press key: whether such
    a run is still going is then read from the history, so it holds after a reload, in a second tab, and when the
    press that sent it was stopped before it could note anything in the page's session."""
    return press_key("run-again", job_id)


def press_id(job: Job) -> str:
    """The press a job was sent by: its batch's id, or its own for a single job."""
    return job.batch_id or job.id


def _counts(job: Job, cutoff: datetime) -> bool:
    """Whether ``job`` makes its press "the same request": running, or ended since ``cutoff`` after starting.

    A job the API never accepted (refused at submit: no generation id) was neither run nor billed; pressing
    again after fixing the cause (a key, credits) is a new try, not a repeat.
    """
    if job.is_active:
        return True
    return job.generation_id is not None and (job.finished_at or job.updated_at) >= cutoff


def sent_press(jobs: Iterable[Job], *, now: datetime, since: datetime | None = None) -> Job | None:
    """The first job of the newest press among ``jobs`` (all of one press key) that a new press would repeat.

    A press counts while any of its jobs runs, or until ``RECENT_END`` after one of them ended (having run).
    Jobs created before ``since`` are left out: the person chose a fresh start then ("Use these settings", a
    preset). None: a press on these settings sends.
    """
    cutoff = now - RECENT_END
    presses: dict[str, list[Job]] = {}
    for job in jobs:
        if since is None or job.created_at >= since:
            presses.setdefault(press_id(job), []).append(job)
    counted = [members for members in presses.values() if any(_counts(job, cutoff) for job in members)]
    if not counted:
        return None
    newest = max(counted, key=lambda members: max(job.created_at for job in members))
    return min(newest, key=lambda job: (job.created_at, job.id))
