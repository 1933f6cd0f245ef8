"""Presets as files to share: export one or all as self-contained JSON, and read such a file back, checked.

Pure module (no Streamlit). A preset file is JSON::

    {"format": "video-studio-presets", "version": 1,
     "presets": [{"name": "...", "model": "<model id>", "values": {<the request without model>},
                  "upload_names": {"<payload path>": "<file name>"}, "saved_at": "<ISO 8601>"}]}

with every upload embedded in ``values`` as a data URI, exactly where the request carries it, so the file
needs nothing else. Nothing else goes in: never the API key (the form's values do not hold it, and a file
bringing a setting its model does not have is refused).

Reading a file checks all of it before anything is added: a file that is too large, not JSON, of another
format or a newer version, for a model the catalogue does not know, with values that do not fit the model's
schema, or with a damaged upload raises ``PresetError`` with one message in plain words.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from videostudio.catalogue import Model
from videostudio.form.payload import leaves, prune, validate_payload
from videostudio.history.store import utcnow
from videostudio.media import MediaError, decode_data_uri, is_data_uri
from videostudio.media.common import megabytes
from videostudio.media.image_codec import open_image
from videostudio.workflows.presets import Incoming, Preset, PresetError, clean_name

FORMAT = "video-studio-presets"
VERSION = 1
# Room for a preset with a video upload (the largest inputs the models take), base64 included.
MAX_FILE_BYTES = 100_000_000

FindModel = Callable[[str], Model | None]


# --- export ---------------------------------------------------------------------------------------------------------


def export_presets(presets: Iterable[Preset]) -> bytes:
    """The JSON file for ``presets``, uploads embedded. An upload no longer on disk is left out of its preset."""
    items = []
    for preset in presets:
        values, names, _missing = preset.form.request()
        items.append(
            {
                "name": preset.name,
                "model": preset.model_id,
                "values": prune(values) or {},  # uploads that are gone came back as None: left out
                "upload_names": names,
                "saved_at": preset.saved_at,
            }
        )
    document = {"format": FORMAT, "version": VERSION, "exported_at": utcnow().isoformat(), "presets": items}
    return json.dumps(document, ensure_ascii=False, indent=1).encode()


def export_file_name(presets: list[Preset]) -> str:
    """``preset-portrait-close-up.json`` for one preset, ``video-studio-presets.json`` for several."""
    if len(presets) != 1:
        return "video-studio-presets.json"
    slug = "".join(ch if ch.isalnum() else "-" for ch in presets[0].name.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:40] or "preset"
    return f"preset-{slug}.json"


# --- import ---------------------------------------------------------------------------------------------------------


def read_preset_file(data: bytes, find_model: FindModel, *, max_bytes: int = MAX_FILE_BYTES) -> list[Incoming]:
    """The presets a file holds, every one checked against its model; ``PresetError`` says what is wrong."""
    if len(data) > max_bytes:
        raise PresetError(
            f"This file is too large for a preset file ({megabytes(len(data))}; at most {megabytes(max_bytes)})."
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise PresetError("This file is not a preset file: it is not JSON text.") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise PresetError("This file is not a Video Studio preset file.")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise PresetError("This preset file has no valid version number, so it cannot be read.")
    if version > VERSION:
        raise PresetError(
            f"This preset file was made by a newer Video Studio (file version {version}; this studio reads "
            f"version {VERSION}). Update the studio to import it."
        )
    items = document.get("presets")
    if not isinstance(items, list) or not items:
        raise PresetError("This preset file holds no presets.")
    return [_incoming(item, number, find_model) for number, item in enumerate(items, start=1)]


def _incoming(item: object, number: int, find_model: FindModel) -> Incoming:
    if not isinstance(item, dict):
        raise PresetError(f"Preset {number} in this file is damaged: it is not a preset.")
    name, model_id, values = item.get("name"), item.get("model"), item.get("values")
    if not isinstance(name, str) or not isinstance(model_id, str) or not isinstance(values, dict):
        raise PresetError(f"Preset {number} in this file is incomplete: it needs a name, a model and its settings.")
    try:
        name = clean_name(name)
    except PresetError as exc:
        raise PresetError(f"Preset {number} in this file has no usable name: {exc}") from None
    model = find_model(model_id)
    if model is None:
        raise PresetError(f"The preset “{name}” is for the model “{model_id}”, which this studio does not know.")
    values = {k: v for k, v in values.items() if k != "model"}
    problem = preset_problem(model, values)
    if problem:
        raise PresetError(f"The preset “{name}” does not fit the model {model.name}: {problem}")
    names = item.get("upload_names")
    upload_names = {
        str(path): str(file_name)[:200]
        for path, file_name in (names.items() if isinstance(names, dict) else ())
        if isinstance(file_name, str)
    }
    return Incoming(name=name, model_id=model.id, values=values, upload_names=upload_names)


def preset_problem(model: Model, values: Mapping[str, Any]) -> str | None:
    """What keeps ``values`` from being ``model``'s preset, in plain words; None when they fit.

    Settings the model does not have, damaged uploads, and values its schema refuses. A field left empty is
    no problem: a preset may hold only some settings (the prompt is often typed afresh).
    """
    unknown = sorted(set(values) - set(model.field_names()))
    if unknown:
        return f"it has settings this model does not have ({', '.join(unknown)})."
    for path, value in leaves(dict(values)):
        if isinstance(value, str) and is_data_uri(value):
            broken = _upload_problem(value)
            if broken:
                return f"{_label(model, path)}: {broken}"
    problems = [p for p in validate_payload(model, {"model": model.id, **values}) if not p.missing]
    if problems:
        return f"{_label(model, problems[0].path)}: {problems[0].message}"
    return None


def _upload_problem(uri: str) -> str | None:
    """Why an embedded upload cannot be used, or None: it decodes, and it is a picture, a sound or a video."""
    try:
        mime, data = decode_data_uri(uri)
    except MediaError:
        return "its file is damaged and cannot be read."
    kind = mime.split("/")[0]
    if kind == "image":
        try:
            open_image(data).close()
        except MediaError as exc:
            return str(exc)
        return None
    if kind in ("audio", "video"):
        return _stream_problem(data, kind)
    return f"its file is of a kind the studio does not take ({mime})."


def _stream_problem(data: bytes, kind: str) -> str | None:
    import av

    try:
        with av.open(io.BytesIO(data)) as container:
            streams = container.streams.audio if kind == "audio" else container.streams.video
            if not streams:
                return f"its {kind} file holds no {kind}."
    except (av.FFmpegError, OSError, ValueError):
        return f"its {kind} file is damaged and cannot be read."
    return None


def _label(model: Model, path: str) -> str:
    top = path.split(".")[0]
    return model.label(top) if top else "The settings"
