"""A submit read into an offline job, or refused as the API would refuse it.

The body must be a JSON object naming a model this route takes (by id or alias); a vendor route's field names
are turned into the modern ones; the payload is checked against the model's schema and planned (which also
decodes its data URIs), so a request the renderer could not draw is refused now, not failed later.
"""

from __future__ import annotations

import json
import time
from typing import Any

from videostudio.catalogue import Catalogue, Model
from videostudio.offline.faults import FaultConfig
from videostudio.offline.jobs import Job
from videostudio.offline.plan import plan_render, problems_message, validate
from videostudio.offline.vendor import (
    UNIVERSAL_PATH,
    RequestError,
    credits_for,
    modern_field_names,
    new_job_id,
    vendor_routes,
)

__all__ = ["job_from_submit", "model_for"]


def job_from_submit(catalogue: Catalogue, route: str, body: bytes, faults: FaultConfig) -> Job:
    """The job a submit to ``route`` asks for; RequestError (a 400, or the fault's status) when it is refused."""
    if faults.submit_error is not None:
        raise RequestError(faults.submit_error)
    payload = _json_object(body)
    model = model_for(catalogue, route, payload)
    payload["model"] = model.id  # an alias names the same model: the job keeps its id
    if route != UNIVERSAL_PATH:
        payload = modern_field_names(model, payload)
    problems = validate(model, payload)
    if problems:
        raise RequestError(400, problems_message(problems))
    try:
        plan = plan_render(model, payload)
    except ValueError as exc:  # an undecodable data URI
        raise RequestError(400, f"Body validation error! {exc}") from None
    return Job(
        id=new_job_id(model),
        model_id=model.id,
        payload=payload,
        created=time.time(),
        faults=faults,
        duration=plan.duration,
        credits=credits_for(model, payload, plan.duration),
        route=route,
    )


def model_for(catalogue: Catalogue, route: str, payload: dict[str, Any]) -> Model:
    """The model the payload names (by id or alias) if this route takes it; a 400 like the API's otherwise."""
    accepted = [m for m in catalogue if route == UNIVERSAL_PATH or route in vendor_routes(m)]
    model_id = payload.get("model")
    for model in accepted:
        if model_id == model.id or model_id in model.aliases:
            return model
    expected = " | ".join(f"'{m.id}'" for m in accepted)
    received = f"'{model_id}'" if isinstance(model_id, str) else json.dumps(model_id)
    message = f"Invalid enum value. Expected {expected}, received {received}"
    raise RequestError(400, f"Body validation error! model: {message}")


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body or b"null")
    except ValueError:
        raise RequestError(400, "Body validation error! The body is not valid JSON.") from None
    if not isinstance(payload, dict):
        raise RequestError(400, "Body validation error! The body must be a JSON object.")
    return payload
