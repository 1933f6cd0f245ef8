"""A film as a file to share: exported as self-contained JSON with its pictures and uploads inside, and read back,
checked, as presets are (``videostudio/workflows/preset_files.py``).

Pure module (no Streamlit). A film file is JSON::

    {"format": "video-studio-film", "version": 1, "exported_at": "<ISO 8601>",
     "film": {"title": "...", "shots": [<Shot.to_dict>, ...], "music": {...} | null},
     "files": {"<sha256>": "<data URI>"}}

where every upload a shot names (its start picture, its form's uploads) is in ``files`` by its content. Nothing else
goes in: never a key, never who made it. Reading a file checks all of it before anything is kept: a file too large,
not JSON, of another format or a newer version, naming a model the catalogue does not know, or with a damaged or
missing upload raises ``TransferError`` with one message in plain words.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from videostudio.catalogue import Model
from videostudio.films.film import UPLOADS_PREFIX, Film, FilmError, Shot, checked_title
from videostudio.history.record import utcnow
from videostudio.media import MediaError, decode_data_uri, file_extension, to_data_uri
from videostudio.media.common import megabytes
from videostudio.storage.base import MediaStorage, StorageError

FORMAT = "video-studio-film"
VERSION = 1
# Room for a film of many shots with pictures (and a video upload or two), base64 included.
MAX_FILE_BYTES = 200_000_000

FindModel = Callable[[str], Model | None]


class TransferError(ValueError):
    """A film file that can't be read or exported; the message is for the person."""


def _uploads(shot: Shot) -> Iterator[Mapping[str, Any]]:
    yield from shot.uploads.values()
    if shot.picture is not None:
        yield shot.picture.to_dict()


def missing_upload(film: Film, storage: MediaStorage) -> str | None:
    """Why ``film`` can't be exported now, in words (an upload no longer kept), or None when it can."""
    for number, shot in enumerate(film.shots, 1):
        for info in _uploads(shot):
            try:
                kept = storage.exists(str(info["key"]))
            except (OSError, StorageError, KeyError, ValueError):
                kept = False
            if not kept:
                return f"Shot {number}'s {info.get('name') or 'upload'} is no longer kept."
    return None


def export_film(film: Film, storage: MediaStorage) -> bytes:
    """The JSON file for ``film``, every upload inside. Raises ``TransferError`` when one is no longer kept."""
    files: dict[str, str] = {}
    for number, shot in enumerate(film.shots, 1):
        for info in _uploads(shot):
            digest = str(info.get("sha256"))
            if digest in files:
                continue
            try:
                data = storage.get_bytes(str(info["key"]))
            except (OSError, StorageError, KeyError, ValueError) as exc:
                raise TransferError(f"Shot {number}'s {info.get('name') or 'upload'} is no longer kept.") from exc
            files[digest] = to_data_uri(data, str(info.get("mime") or "application/octet-stream"))
    body = film.body()
    document = {"format": FORMAT, "version": VERSION, "exported_at": utcnow().isoformat(), "film": body, "files": files}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def film_file_name(film: Film) -> str:
    """``lighthouse-first-cut.film.json``."""
    slug = re.sub(r"[^a-z0-9]+", "-", film.title.casefold()).strip("-")[:60] or "film"
    return f"{slug}.film.json"


def import_film(data: bytes, storage: MediaStorage, *, owner: str | None, find_model: FindModel) -> Film:
    """The film a file holds, as ``owner``'s new film (not shared), its uploads kept in ``storage``; checked first."""
    document = _document(data)
    try:
        film = Film.from_dict(document["film"])
        title = checked_title(film.title)
    except (KeyError, TypeError, ValueError) as exc:
        message = str(exc) if isinstance(exc, FilmError) else "This film file is damaged: its film can't be read."
        raise TransferError(message) from exc
    for number, shot in enumerate(film.shots, 1):
        if shot.model_id and find_model(shot.model_id) is None:
            raise TransferError(f"Shot {number} uses the model {shot.model_id}, which this studio does not know.")
    blobs = _files(document.get("files"), film)
    try:
        for key, blob in blobs.items():
            storage.put_bytes(key, blob)
    except (OSError, StorageError) as exc:
        raise TransferError("The film's pictures could not be kept. Check that the disk has room.") from exc
    return Film(id=uuid.uuid4().hex, owner=owner, shared=False, title=title, shots=film.shots, music=film.music)


def _document(data: bytes) -> dict[str, Any]:
    if len(data) > MAX_FILE_BYTES:
        raise TransferError(
            f"This file is {megabytes(len(data))}; a film file can be at most {megabytes(MAX_FILE_BYTES)}."
        )
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise TransferError("This is not a film file: it is not JSON. Export a film from a Storyboard page.") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TransferError("This is not a film file. Export a film from a Storyboard page, then import that file.")
    version = document.get("version")
    if not isinstance(version, int) or version > VERSION:
        raise TransferError("This film file was made by a newer studio. Update this studio, then import it again.")
    return document


def _files(files: object, film: Film) -> dict[str, bytes]:
    """Each upload the film names, by its storage key, checked against its content."""
    given = files if isinstance(files, dict) else {}
    blobs: dict[str, bytes] = {}
    for number, shot in enumerate(film.shots, 1):
        for info in _uploads(shot):
            digest, name = str(info.get("sha256")), info.get("name") or "upload"
            uri = given.get(digest)
            try:
                mime, blob = decode_data_uri(str(uri))
            except (MediaError, ValueError) as exc:
                raise TransferError(f"Shot {number}'s {name} is missing from the file, or damaged.") from exc
            if hashlib.sha256(blob).hexdigest() != digest:
                raise TransferError(f"Shot {number}'s {name} is damaged in the file.")
            expected = f"{UPLOADS_PREFIX}/{digest}{file_extension(mime)}"
            if info.get("key") != expected:
                raise TransferError(f"Shot {number}'s {name} is named oddly in the file; export the film again.")
            blobs[expected] = blob
    return blobs
