"""A request on its way into the history: where it is sent, and the job record that keeps it.

The record keeps the request's parameters without the uploads' base64, and what the uploads were.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from videostudio.api.client import new_client_request_id
from videostudio.api.contract import GENERATIONS_PATH
from videostudio.catalogue import Model
from videostudio.form.payload import map_leaves
from videostudio.history.record import Job
from videostudio.media import decode_data_uri, is_data_uri, thumbnail_data_uri


@dataclass(frozen=True)
class Submission:
    """What the history keeps of a request: its parameters without blobs, and what the blobs were."""

    params: dict[str, Any]
    media: dict[str, dict[str, Any]]
    thumbnail: str | None
    prompt: str

    @classmethod
    def of(cls, payload: Mapping[str, Any], names: Mapping[str, str] | None = None) -> Submission:
        """Strip base64 data URIs out of ``payload``; ``names`` gives upload file names by field path."""
        media: dict[str, dict[str, Any]] = {}
        thumbnail: list[str] = []

        def strip(path: str, value: Any) -> Any:
            if isinstance(value, str) and is_data_uri(value):
                mime, data = decode_data_uri(value)
                info = {"mime": mime, "bytes": len(data), "sha256": _sha256(data)}
                if names and path in names:
                    info["name"] = names[path]
                media[path] = info
                if mime.startswith("image/") and not thumbnail:
                    small = thumbnail_data_uri(data)
                    if small:
                        thumbnail.append(small)
                return f"(uploaded {mime.split('/')[0]}, sha256 {info['sha256'][:12]}…)"
            return value

        params = map_leaves({k: v for k, v in payload.items() if k != "model"}, strip)
        prompt = str(payload.get("prompt") or payload.get("lip_sync_tts_content") or "")
        return cls(params=params, media=media, thumbnail=thumbnail[0] if thumbnail else None, prompt=prompt)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def submit_endpoint(model: Model, *, legacy: bool = False) -> str | None:
    """The vendor path a request for ``model`` is submitted and polled on; None for the universal one."""
    # A model whose document offers only a vendor path is always sent there; the seeds may opt into theirs.
    return model.legacy_endpoint if legacy else (model.endpoint if model.endpoint != GENERATIONS_PATH else None)


def new_job(
    model: Model,
    payload: Mapping[str, Any],
    *,
    backend: str,
    legacy: bool = False,
    upload_names: Mapping[str, str] | None = None,
    parent_id: str | None = None,
    press_key: str | None = None,
    owner: str | None = None,
    estimate_usd: float | None = None,
) -> Job:
    """The history's record of a request about to be sent (not stored yet).

    ``press_key``: the press of Generate that sends it (videostudio/jobs/intent.py), so a repeat is known again.
    ``owner``: the person who sends it (``Person.owner``); ``estimate_usd``: the price of one job shown before the
    press, which the spending limits count while it runs (videostudio/team/spending.py).
    """
    submission = Submission.of(payload, upload_names)
    return Job(
        model_id=model.id,
        backend=backend,
        endpoint=submit_endpoint(model, legacy=legacy),
        prompt=submission.prompt,
        params=submission.params,
        media=submission.media,
        thumbnail=submission.thumbnail,
        # Fresh for every submit and in the history before the request leaves: if the answer is
        # lost, the usage logs tell by this id whether the provider received it.
        client_request_id=new_client_request_id(),
        parent_id=parent_id,
        press_key=press_key,
        owner=owner,
        estimate_usd=estimate_usd,
    )
