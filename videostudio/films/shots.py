"""A shot as a request: its settings with the uploads put back, the prompt, and its start picture in the model's
start-image field (a picture the person gave, or the previous shot's last frame), prepared for the model as an upload
on Generate is. Also what keeps a shot from being sent, and the price of one run of it.

Pure module (no Streamlit).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from videostudio.catalogue import Catalogue, CatalogueError, Model, start_image_path
from videostudio.films.film import UPLOADS_PREFIX, Shot, StartKind, Upload
from videostudio.form.payload import Problem, prune, validate_payload
from videostudio.form.run_price import RunPrice, price_of_run
from videostudio.media import MediaError, file_extension, prepare_image
from videostudio.storage.base import MediaStorage, StorageError
from videostudio.workflows.kept_forms import KeptForm

log = logging.getLogger(__name__)

FindModel = Callable[[str], Model | None]


def model_finder(catalogue: Catalogue) -> FindModel:
    """``catalogue``'s model of an id, or None for one it does not know (a film may name a model since removed)."""

    def find(model_id: str) -> Model | None:
        try:
            return catalogue.get(model_id)
        except CatalogueError:
            return None

    return find


PICTURE_GONE = "Its start picture is no longer kept by the studio. Give the picture again."


class ShotError(Exception):
    """A shot that can't be sent as it is; the message is for the person."""


@dataclass(frozen=True)
class ShotRequest:
    """What one shot sends: the request and its uploads' file names by payload path."""

    payload: dict[str, Any]
    upload_names: dict[str, str]


def keep_picture(storage: MediaStorage, data: bytes, name: str, mime: str) -> Upload:
    """Keep a start picture in the media storage by its content (``films/<sha256>.<ext>``)."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{UPLOADS_PREFIX}/{digest}{file_extension(mime)}"
    storage.put_bytes(key, data)
    return Upload(key=key, name=name, mime=mime, sha256=digest, bytes=len(data))


def picture_bytes(storage: MediaStorage, picture: Upload) -> bytes:
    try:
        data = storage.get_bytes(picture.key)
    except (OSError, StorageError, ValueError) as exc:
        log.info("a film's picture could not be read (%s): %s", picture.key, exc)
        raise ShotError(PICTURE_GONE) from exc
    if hashlib.sha256(data).hexdigest() != picture.sha256:
        raise ShotError(PICTURE_GONE)
    return data


def base_request(shot: Shot, model: Model, storage: MediaStorage) -> ShotRequest:
    """The shot's request without its start picture: its settings (uploads put back) and its prompt."""
    values, names, _missing = KeptForm(shot.settings, shot.media, shot.uploads, storage).request()
    payload: dict[str, Any] = {"model": model.id}
    payload.update(prune({k: v for k, v in values.items() if k != "model"}) or {})
    if shot.prompt.strip() and "prompt" in model.properties:
        payload["prompt"] = shot.prompt.strip()
    return ShotRequest(payload, names)


def shot_request(shot: Shot, model: Model, storage: MediaStorage, frame: bytes | None = None) -> ShotRequest:
    """The whole request of ``shot``: ``frame`` is the previous shot's last frame (PNG), for a shot that starts there.

    Raises ``ShotError`` when the start picture can't be sent (gone, or not one the model takes).
    """
    request = base_request(shot, model, storage)
    if shot.start == StartKind.NONE:
        return request
    path = start_image_path(model.schema, model.media)
    if path is None:
        raise ShotError(f"{model.name} takes no start picture. Choose an image-to-video model, or start from nothing.")
    if shot.start == StartKind.PICTURE:
        if shot.picture is None:
            raise ShotError("Give its start picture, or choose another start.")
        data, name = picture_bytes(storage, shot.picture), shot.picture.name
    else:
        if frame is None:
            raise ShotError("The previous shot has no video yet, so it has no last frame.")
        data, name = frame, "last-frame.png"
    try:
        prepared = prepare_image(data, name, model.image_rules, model_name=model.name)
    except MediaError as exc:
        raise ShotError(str(exc)) from exc
    _put(request.payload, path, prepared.data_uri)
    return ShotRequest(request.payload, {**request.upload_names, path: name})


def shot_problems(shot: Shot, model: Model | None, storage: MediaStorage) -> list[str]:
    """What keeps ``shot`` from being sent, in words (the start picture of a shot that starts from the previous
    shot's last frame is not there yet, and is not asked for)."""
    if model is None:
        return [f"The model {shot.model_id or '(none)'} is not in the catalogue. Choose another model."]
    try:
        request = shot_request(shot, model, storage, frame=None) if shot.start != StartKind.PREVIOUS else None
    except ShotError as exc:
        return [str(exc)]
    if request is None:
        if start_image_path(model.schema, model.media) is None:
            return [f"{model.name} takes no start picture. Choose an image-to-video model, or start from nothing."]
        request = base_request(shot, model, storage)
        start = start_image_path(model.schema, model.media)
        return [_said(model, p) for p in validate_payload(model, request.payload) if p.path != start]
    return [_said(model, p) for p in validate_payload(model, request.payload)]


def _said(model: Model, problem: Problem) -> str:
    """The field's label, then the problem: "Prompt: This field is required."."""
    return f"{model.label(problem.path.split('.')[0])}: {problem.message}"


def shot_price(
    shot: Shot, model: Model, storage: MediaStorage, *, past_usd: Sequence[float] = (), loading: bool = False
) -> RunPrice:
    """The price of one run of ``shot``, as Generate would show it (``form/run_price.price_of_run``)."""
    payload = base_request(shot, model, storage).payload
    return price_of_run(model, payload, past_usd=past_usd, loading=loading)


def _put(payload: dict[str, Any], path: str, value: str) -> None:
    """Set a value at a dotted payload path (``image``, ``first_frame.url``)."""
    *parents, last = path.split(".")
    node = payload
    for name in parents:
        node = node.setdefault(name, {})
    node[last] = value
