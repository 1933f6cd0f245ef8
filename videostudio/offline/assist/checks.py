"""The checks every helper route makes of a request, with the API's 400 words ("Body validation error! ...")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from videostudio.catalogue.assist import AssistKindName, AssistModel, assist_models
from videostudio.offline.vendor import RequestError


def refused(field: str, message: str) -> RequestError:
    """A 400 as the API words it: ``Body validation error! prompt: Required``."""
    return RequestError(400, f"Body validation error! {field}: {message}")


def model_of(kind: AssistKindName, payload: Mapping[str, Any]) -> AssistModel:
    """The model of ``kind`` the payload names; a 400 listing the ones this endpoint takes otherwise."""
    models = assist_models(kind)
    wanted = payload.get("model")
    for model in models:
        if wanted == model.id:
            return model
    if wanted is None:
        raise refused("model", "Required")
    expected = " | ".join(f"'{m.id}'" for m in models)
    received = f"'{wanted}'" if isinstance(wanted, str) else json.dumps(wanted)
    raise refused("model", f"Invalid enum value. Expected {expected}, received {received}")


def text_of(payload: Mapping[str, Any], field: str) -> str:
    """A required, non-empty text field."""
    value = payload.get(field)
    if value is None:
        raise refused(field, "Required")
    if not isinstance(value, str):
        raise refused(field, f"Expected string, received {type(value).__name__}")
    if not value.strip():
        raise refused(field, "String must contain at least 1 character(s)")
    return value


def whole_number(payload: Mapping[str, Any], field: str, low: int, high: int, default: int) -> int:
    """An optional whole number within [low, high]."""
    value = payload.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise refused(field, "Expected a whole number")
    if not low <= value <= high:
        raise refused(field, f"Number must be between {low} and {high}")
    return int(value)
