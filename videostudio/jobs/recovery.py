"""Finding a submit whose answer was lost, through the API's usage logs; never by sending it again.

Every submit carries a fresh ``X-Client-Request-Id``, written to the job before the request leaves
(``JobService.submit``). When the answer is lost (a read timeout, a connection cut after sending, the studio
killed between send and answer), the job stays "submitting". The follower then lists ``GET /v2/logs`` for
the job's model around the submit time and looks for that id (catalogue_and_billing.md §5-6):

- found: its ``inference_id`` is the generation id, and the job is followed from there as usual;
- not found yet: asked again every ``LOOKUP_INTERVAL``, since a log row may appear a little late;
- still not found ``NOT_RECEIVED_GRACE`` after the submit: the provider never received it, and the job
  says so. Nothing is ever resubmitted: the person presses Generate again if they want to.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from videostudio.history.store import Job

# How long after a submit the logs must show it before the studio says the provider never received it.
# A request shows in the logs once it arrived; three minutes leaves room for a late row and for clocks
# that disagree a little, and the person learns within minutes that they may press Generate again.
NOT_RECEIVED_GRACE = timedelta(minutes=3)
# Between two looks at the logs for a job not found yet (a handful per job: far below 200 a minute).
LOOKUP_INTERVAL = timedelta(seconds=15)
# The logs are listed this far either side of the submit time (the studio's and the API's clocks differ).
LOG_WINDOW = timedelta(minutes=10)
# Rows asked for at a time (the API's maximum), and pages at most per look.
PAGE_SIZE = 100
MAX_PAGES = 5

ANSWER_LOST = (
    "The answer to this request was lost on the way back. The studio is asking the AI/ML API whether it "
    "received it, and will follow the job if it did. Do not press Generate again for it."
)
NOT_ACCEPTED = (
    "Not accepted: the provider never received this request; nothing was charged. Press Generate to try again."
)
REFUSED = (
    "Not accepted: the provider received this request but refused it, so no job started and nothing was "
    "charged. Check the settings and press Generate to try again."
)
# Jobs submitted before the studio sent request ids cannot be looked up.
INTERRUPTED_SUBMIT = (
    "The studio stopped while sending this job, so it is not known whether the provider started it. "
    "Check your AI/ML API dashboard before generating again, so you are not charged twice."
)


class LogsClient(Protocol):
    """What recovery needs of a client (``videostudio.api.client.VideoClient.logs``)."""

    def logs(
        self, *, start: datetime, end: datetime, models: list[str] | None = None, limit: int = 100, offset: int = 0
    ) -> list[Mapping[str, Any]]: ...


@dataclass(frozen=True)
class LoggedRequest:
    """A submit as the usage logs show it."""

    inference_id: str
    status: str
    credits: float | None = None
    usd: float | None = None

    @property
    def refused(self) -> bool:
        return self.status.lower() == "failed"


def find_logged(client: LogsClient, job: Job, now: datetime) -> LoggedRequest | None:
    """The logs' row for ``job``'s submit (matched by its client request id); None when there is none yet.

    Raises what the client raises (a 429 above all): the caller backs off.
    """
    assert job.client_request_id, "only a job whose submit carried a request id can be looked up"
    return find_request(
        client, model_id=job.model_id, client_request_id=job.client_request_id, sent_at=job.created_at, now=now
    )


def find_request(
    client: LogsClient, *, model_id: str, client_request_id: str, sent_at: datetime, now: datetime
) -> LoggedRequest | None:
    """The logs' row of the request to ``model_id`` that carried ``client_request_id``, sent at ``sent_at``; None
    when there is none yet. For any billed call (a video submit, a music request). Raises what the client raises."""
    start = sent_at - LOG_WINDOW
    end = max(now, sent_at) + LOG_WINDOW
    for page in range(MAX_PAGES):
        rows = client.logs(start=start, end=end, models=[model_id], limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        for row in rows:
            if row.get("client_request_id") == client_request_id and row.get("inference_id"):
                return _logged(row)
        if len(rows) < PAGE_SIZE:
            break
    return None


def given_up(job: Job, now: datetime) -> bool:
    """Whether the logs have had long enough to show ``job``'s submit."""
    return now - job.created_at >= NOT_RECEIVED_GRACE


def next_lookup(job: Job, now: datetime) -> datetime:
    """When to look again for a submit not found yet: soon, and no later than the end of the grace."""
    return min(now + LOOKUP_INTERVAL, job.created_at + NOT_RECEIVED_GRACE)


def _logged(row: Mapping[str, Any]) -> LoggedRequest:
    cost = row.get("cost") if isinstance(row.get("cost"), Mapping) else {}
    return LoggedRequest(
        inference_id=str(row["inference_id"]),
        status=str(row.get("status") or ""),
        credits=_number(cost.get("credits")),
        usd=_number(cost.get("usd")),
    )


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
