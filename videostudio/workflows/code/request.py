"""The exact request the studio sends, as "Copy as code" needs it: where it goes, its body, and its uploads.

Built either from a form's payload (uploads as data URIs) or from a job in the history (uploads as the
placeholders ``jobs.Submission`` left, with their file names in ``Job.media``). Either way an upload becomes a
file the code reads from disk by its upload name, never a base64 blob pasted into the code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any

from videostudio.api.contract import GENERATIONS_PATH
from videostudio.catalogue import Model
from videostudio.form.payload import map_leaves
from videostudio.history.store import Job
from videostudio.jobs.submission import submit_endpoint
from videostudio.media import data_uri_mime, file_extension, is_data_uri

__all__ = ["ApiRequest", "Upload", "request_from_job", "request_from_payload"]

# Characters no file name should carry into a script: path separators and control characters.
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


@dataclass(frozen=True)
class Upload:
    """One uploaded file of a request: where it sits in the body, the file the code reads, and its type."""

    path: (
        str  # dotted payload path, as videostudio.form.payload.map_leaves names it: "image_url", "dynamic_masks.0.mask"
    )
    file_name: str  # the file to put next to the script
    mime: str


@dataclass(frozen=True)
class ApiRequest:
    """A generation request as the studio sends it: ``POST base_url + endpoint`` with ``body``, polled on the same path.

    ``body`` holds anything at the paths of ``uploads``; the code puts the file's data URI there.
    """

    base_url: str
    endpoint: str
    body: dict[str, Any]
    uploads: tuple[Upload, ...] = ()
    title: str = ""  # the model's name, for the code's first comment
    note: str = ""  # one line about the backend, e.g. that the offline demo accepts any key
    poll_seconds: float = 10.0
    give_up_seconds: float = 20 * 60

    @property
    def model_id(self) -> str:
        return str(self.body.get("model", ""))

    def with_poll(self, seconds: float) -> ApiRequest:
        """The same request, polled every ``seconds``."""
        return replace(self, poll_seconds=seconds)

    def upload_at(self, path: str) -> Upload | None:
        return next((upload for upload in self.uploads if upload.path == path), None)

    @property
    def file_names(self) -> list[str]:
        """The files the code reads, each once, in body order."""
        return list(dict.fromkeys(upload.file_name for upload in self.uploads))


def request_from_payload(
    model: Model,
    payload: Mapping[str, Any],
    *,
    base_url: str,
    legacy: bool = False,
    upload_names: Mapping[str, str] | None = None,
    **options: Any,
) -> ApiRequest:
    """The request the Generate button would send now: ``payload`` as ``build_payload`` made it.

    ``options`` are ``ApiRequest``'s own (``note``, ``poll_seconds``, ``give_up_seconds``).
    """
    found: dict[str, tuple[str, str]] = {}  # path → (mime, the data URI itself: same URI, same file)

    def spot(path: str, value: Any) -> Any:
        if isinstance(value, str) and is_data_uri(value):
            found[path] = (data_uri_mime(value) or "application/octet-stream", value)
        return value

    body = {"model": model.id, **map_leaves({k: v for k, v in payload.items() if k != "model"}, spot)}
    uploads = _name_uploads(
        [(path, (upload_names or {}).get(path), mime, uri) for path, (mime, uri) in found.items()],
    )
    endpoint = submit_endpoint(model, legacy=legacy) or GENERATIONS_PATH
    return ApiRequest(_base(base_url), endpoint, body, uploads, title=model.name, **options)


def request_from_job(job: Job, *, base_url: str, title: str = "", **options: Any) -> ApiRequest:
    """The request ``job`` sent, from its stored params, endpoint and upload facts (``Job.media``)."""
    body = {"model": job.model_id, **job.params}
    media = [
        (path, info.get("name"), str(info.get("mime") or "application/octet-stream"), info.get("sha256") or path)
        for path, info in job.media.items()
        if isinstance(info, Mapping)
    ]
    uploads = _name_uploads(media)
    return ApiRequest(
        _base(base_url), job.endpoint or GENERATIONS_PATH, body, uploads, title=title or job.model_id, **options
    )


def _base(base_url: str) -> str:
    return base_url.strip().rstrip("/")


def _name_uploads(found: list[tuple[str, Any, str, str]]) -> tuple[Upload, ...]:
    """One file name per distinct file: (path, upload name or None, mime, what tells files apart).

    The same file in two fields is read once; two different files that were both called ``cat.png``
    become ``cat.png`` and ``cat-2.png``, so neither overwrites the other next to the script.
    """
    owner: dict[str, str] = {}  # file name → the file it stands for
    named: dict[str, str] = {}  # file identity → its file name
    uploads = []
    for path, given, mime, identity in found:
        name = named.get(identity)
        if name is None:
            wanted = _clean_name(given) or _fallback_name(path, mime)
            name, number = wanted, 1
            while name in owner:
                number += 1
                stem, dot, ext = wanted.rpartition(".")
                name = f"{stem}-{number}.{ext}" if dot and stem else f"{wanted}-{number}"
            owner[name] = identity
            named[identity] = name
        uploads.append(Upload(path=path, file_name=name, mime=mime))
    return tuple(uploads)


def _clean_name(name: Any) -> str:
    if not isinstance(name, str):
        return ""
    # Only the last part of a path a browser may have sent, without anything that could leave the folder.
    base = PurePosixPath(PureWindowsPath(name).name).name
    base = _UNSAFE_NAME.sub("", base).strip()
    return "" if base in ("", ".", "..") else base


def _fallback_name(path: str, mime: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", path).strip("-") + file_extension(mime)
