"""What every helper endpoint shares, done once for all routes: key, usage logs, faults, cost headers, files."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from videostudio.offline.assist import MEDIA_TYPES, AssistAnswer, AssistCall
from videostudio.offline.assist.routes import ASSIST_ROUTES
from videostudio.offline.faults import FaultConfig
from videostudio.offline.logs import UsageLogs, cost_headers, model_named
from videostudio.offline.vendor import RequestError


@dataclass(frozen=True)
class AssistDesk:
    """The backend's parts a helper route needs; made by ``OfflineBackend``."""

    files_dir: Path
    state_dir: Path
    logs: UsageLogs
    check_key: Callable[[dict[str, str]], None]
    link: Callable[[str, str], str]  # (file key, ending) -> a signed link
    speed: float = 1.0

    def answers(self, method: str, path: str) -> bool:
        return (("GET" if method == "HEAD" else method), path) in ASSIST_ROUTES

    def answer(
        self,
        method: str,
        path: str,
        headers: dict[str, str],
        query: dict[str, list[str]],
        body: bytes,
        faults: FaultConfig,
    ) -> tuple[AssistAnswer, list[tuple[str, str]]]:
        """The route's answer and its cost headers; RequestError as the API would refuse. Logs billed calls."""
        route = ASSIST_ROUTES[("GET" if method == "HEAD" else method, path)]
        self.check_key(headers)
        client_request_id = headers.get("x-client-request-id")
        posting = method == "POST"
        try:
            if posting and faults.submit_error:
                raise RequestError(faults.submit_error)
            call = AssistCall(
                payload=_payload(body) if posting else {k: v[0] for k, v in query.items() if v},
                faults=faults,
                files_dir=self.files_dir,
                state_dir=self.state_dir,
                keep=self._keep,
                speed=self.speed,
                link=self.link,
            )
            answer = route(call)
        except RequestError:
            if posting:
                self.logs.record(
                    model=model_named(body),
                    status="failed",
                    credits=0,
                    inference_id=None,
                    client_request_id=client_request_id,
                )
            raise
        if answer.billed:
            self.logs.record(
                model=answer.model,
                status="succeeded",
                credits=answer.credits,
                inference_id=answer.inference_id,
                client_request_id=client_request_id,
            )
        return answer, cost_headers(answer.credits)

    def _keep(self, data: bytes, ending: str) -> str:
        if ending not in MEDIA_TYPES:
            raise ValueError(f"no media type for .{ending}")
        key = uuid.uuid4().hex
        self.files_dir.mkdir(parents=True, exist_ok=True)
        part = self.files_dir / f".{key}.{ending}.part"
        part.write_bytes(data)
        part.replace(self.files_dir / f"{key}.{ending}")
        return self.link(key, ending)


def _payload(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise RequestError(400, "Body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise RequestError(400, "Body must be a JSON object.")
    return payload
