"""The offline backend's usage logs: ``GET /v2/logs``, one row per submit, as the API keeps them.

Rows (catalogue_and_billing.md §6): ``created``, ``status`` (succeeded | failed), ``origin`` ("api"), ``model``,
``cost: {usd, credits}``, ``tokens``, ``request_id``, ``inference_id`` (the generation id) and
``client_request_id`` (the request's valid ``X-Client-Request-Id``, else null). A row is written when the
job is created, before any answer goes out, so a submit whose answer was lost is in the logs. Rows are
kept in ``logs.jsonl`` under the state folder, so they survive a restart. Over ``limit`` requests in
``window`` seconds (200 in 60, as the API) the endpoint answers 429 with Retry-After.
"""

from __future__ import annotations

import collections
import json
import math
import re
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from videostudio.offline.vendor import CREDITS_PER_USD, RequestError

REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
PERIODS = {"24h": timedelta(hours=24), "7d": timedelta(days=7)}
MAX_SPAN = timedelta(days=92)
STATUSES = ("succeeded", "failed")


class UsageLogs:
    """Every submit's row, in memory and appended to ``logs.jsonl``; queried like ``GET /v2/logs``."""

    def __init__(self, state_dir: Path, *, limit: int = 200, window: float = 60.0) -> None:
        self.path = state_dir / "logs.jsonl"
        self.limit = limit
        self.window = window
        self._lock = threading.Lock()
        self._asked: collections.deque[float] = collections.deque()
        self._rows: list[dict[str, Any]] = []
        if self.path.exists():
            for line in self.path.read_text(encoding="utf-8").splitlines():
                try:
                    self._rows.append(json.loads(line))
                except ValueError:
                    continue  # a torn last line after a crash

    def record(
        self, *, model: str, status: str, credits: int, inference_id: str | None, client_request_id: str | None
    ) -> dict[str, Any]:
        row = {
            "created": _iso(datetime.now(UTC)),
            "status": status,
            "origin": "api",
            "model": model,
            "cost": {"usd": credits / CREDITS_PER_USD, "credits": credits},
            "tokens": 0,
            "request_id": str(uuid.uuid4()),
            "inference_id": inference_id or str(uuid.uuid4()),
            "client_request_id": client_request_id
            if client_request_id and REQUEST_ID.fullmatch(client_request_id)
            else None,
        }
        with self._lock:
            self._rows.append(row)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(row) + "\n")
        return row

    def query(self, query: dict[str, list[str]]) -> dict[str, Any]:
        """One page of rows, newest first, for the query string of ``GET /v2/logs``; RequestError as the API."""
        self._count_request()
        start, end = _window(query)
        models = set(query.get("model") or [])
        statuses = set(query.get("status") or [])
        unknown = statuses - set(STATUSES)
        if unknown:
            raise RequestError(
                400, f"Query validation error! status: expected succeeded | failed, got {unknown.pop()!r}"
            )
        limit = _integer(query, "limit", 20, 1, 100)
        offset = _integer(query, "offset", 0, 0, None)
        with self._lock:
            rows = [
                row
                for row in self._rows
                if start <= _parse(row["created"]) <= end
                and (not models or row["model"] in models)
                and (not statuses or row["status"] in statuses)
            ]
        rows.sort(key=lambda row: row["created"], reverse=True)
        return {"data": rows[offset : offset + limit], "total": len(rows), "limit": limit, "offset": offset}

    def _count_request(self) -> None:
        now = time.monotonic()
        with self._lock:
            while self._asked and self._asked[0] <= now - self.window:
                self._asked.popleft()
            if len(self._asked) >= self.limit:
                wait = max(1, math.ceil(self._asked[0] + self.window - now))
                raise RequestError(429, headers=[("Retry-After", str(wait))])
            self._asked.append(now)


def cost_headers(credits: int) -> list[tuple[str, str]]:
    """The API's cost headers for an answer about a job of ``credits`` (catalogue_and_billing.md §4)."""
    return [("x-aimlapi-credits-used", str(credits)), ("x-aimlapi-usd-spent", f"{credits / CREDITS_PER_USD:.6f}")]


def model_named(body: bytes) -> str:
    """The model a request body names, for the log row of a refused request ("" when there is none)."""
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        return ""
    model = payload.get("model") if isinstance(payload, dict) else None
    return model if isinstance(model, str) else ""


def _window(query: dict[str, list[str]]) -> tuple[datetime, datetime]:
    now = datetime.now(UTC)
    period = (query.get("period") or [""])[0]
    start_text, end_text = (query.get("start") or [""])[0], (query.get("end") or [""])[0]
    if period:
        if period not in PERIODS:
            raise RequestError(400, "Query validation error! period: expected 24h | 7d")
        return now - PERIODS[period], now
    if not start_text or not end_text:
        raise RequestError(400, "Query validation error! give period, or start and end")
    try:
        start, end = _parse(start_text), _parse(end_text)
    except ValueError:
        raise RequestError(400, "Query validation error! start and end must be ISO-8601 times") from None
    if end < start or end - start > MAX_SPAN:
        raise RequestError(400, "Query validation error! the window must run forward, at most 92 days")
    return start, end


def _integer(query: dict[str, list[str]], name: str, default: int, low: int, high: int | None) -> int:
    text = (query.get(name) or [""])[0]
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise RequestError(400, f"Query validation error! {name}: expected a whole number") from None
    if value < low or (high is not None and value > high):
        raise RequestError(400, f"Query validation error! {name}: out of range")
    return value


def _parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
