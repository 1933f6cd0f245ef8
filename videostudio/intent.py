"""One intention, one job: what identifies "these settings" so that a second press can be recognised.

A press of Generate on a form that is unchanged since its last submit is the same intention as that submit,
however long ago it was: it must not send (and bill) a second identical job. The form is identified by a
fingerprint of what would be sent: the backend, the model, the endpoint and the built payload, uploads included
(their base64 is hashed, never kept a second time).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def fingerprint(backend: str, model_id: str, payload: Mapping[str, Any], *, legacy: bool = False) -> str:
    """A short hex digest that changes whenever anything that would be sent changes."""
    digest = hashlib.sha256()
    head = json.dumps([backend, model_id, bool(legacy)], separators=(",", ":"))
    digest.update(head.encode())
    # Canonical JSON: the same values give the same bytes whatever the order the form built them in.
    for chunk in json.JSONEncoder(sort_keys=True, separators=(",", ":"), default=str).iterencode(dict(payload)):
        digest.update(chunk.encode())
    return digest.hexdigest()


@dataclass(frozen=True)
class SentIntent:
    """The last settings this session sent from the Generate page, and the job they made."""

    fingerprint: str
    job_id: str

    def matches(self, current: str) -> bool:
        return self.fingerprint == current
