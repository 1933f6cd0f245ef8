"""Several images, videos or audio clips for one field (image_urls, reference_image_urls): uploads in the
order given, or web addresses one per line.

Uploads are prepared (videostudio.media) once when they arrive and kept in the session in order, so they
survive switching models and coming back, which the file uploader alone does not. The field's item limits
(minItems/maxItems) are said up front; more files than allowed are refused with a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from components.upload_formats import formats_caption
from videostudio.catalogue import MEDIA_KIND_NAMES, MediaKind, Model
from videostudio.form import FieldSpec
from videostudio.media import MediaError, Prepared, PreparedImage, PreparedVideo, prepare_upload

UPLOADS = "Upload"
WEB_ADDRESSES = "Web addresses"
# Media kinds the studio can check and prepare as uploads; the others are given by web address.
UPLOADABLE: tuple[MediaKind, ...] = MEDIA_KIND_NAMES  # every kind can be uploaded
PREVIEWS_PER_ROW = 5


@dataclass(frozen=True)
class ListItem:
    """One kept upload: the uploader's file id (None once restored from history), its name, and what is sent."""

    file_id: str | None
    name: str
    prepared: Prepared


@dataclass(frozen=True)
class MediaListValue:
    """What the input gives the form: values in order, the upload name of each (None for a web address)."""

    values: list[str] = field(default_factory=list)
    upload_names: list[str | None] = field(default_factory=list)
    error: str | None = None


def prepare_file(kind: MediaKind, model: Model, name: str, data: bytes, description: str = "") -> Prepared:
    """Check and prepare one uploaded file of ``kind`` for ``model``; MediaError says what is wrong.

    ``description`` is the field's own text, where some models state their video limits.
    """
    return prepare_upload(kind, data, name, model, description)


def limits_text(spec: FieldSpec) -> str:
    """``1 to 9 images``, ``up to 4 images``, ``at least 2 images``: the item limits in plain words."""
    plural = f"{spec.media_kind or 'file'}s"
    if spec.max_items and spec.min_items:
        if spec.max_items == spec.min_items:
            return f"exactly {spec.min_items} {plural}"
        return f"{spec.min_items} to {spec.max_items} {plural}"
    if spec.max_items:
        return f"up to {spec.max_items} {plural}"
    if spec.min_items:
        return f"at least {spec.min_items} {plural}"
    return f"any number of {plural}"


def media_list_input(spec: FieldSpec, model: Model, key: str) -> MediaListValue:
    """Draw the list input for ``spec`` under the widget key ``key``, and return its values in order."""
    kind: MediaKind = spec.media_kind or "image"
    title = spec.label + (" :red[*]" if spec.required else "")
    options = [UPLOADS, WEB_ADDRESSES] if kind in UPLOADABLE else [WEB_ADDRESSES]
    source = st.segmented_control(
        title,
        options=options,
        default=options[0],
        required=True,
        key=f"{key}__source",
        persist_state="session",
        help=spec.help or None,
    )
    st.caption(f"Give {limits_text(spec)}, in the order the model should use them.")
    if source != UPLOADS:
        return _web_addresses(spec, kind, key)
    return _uploads(spec, kind, model, key)


def _web_addresses(spec: FieldSpec, kind: str, key: str) -> MediaListValue:
    text = st.text_area(
        f"Web addresses of the {kind}s, one per line",
        key=f"{key}__urls",
        persist_state="session",
        placeholder="https://…\nhttps://…",
        label_visibility="collapsed",
    )
    urls = [line.strip() for line in text.splitlines() if line.strip()]
    return MediaListValue(values=urls, upload_names=[None] * len(urls), error=_over_limit(spec, len(urls)))


def _uploads(spec: FieldSpec, kind: MediaKind, model: Model, key: str) -> MediaListValue:
    # No type filter: a file the browser refused would never reach the checks below (components/upload_formats.py).
    uploaded = st.file_uploader(
        f"Upload the {kind}s",
        accept_multiple_files=True,
        key=f"{key}__files",
        label_visibility="collapsed",
        on_change=_forget_if_cleared,
        args=(key,),
    )
    formats_caption(kind)
    if uploaded:
        _sync(key, kind, model, uploaded, spec.help)
    items: list[ListItem] = st.session_state.get(f"{key}__items", [])
    errors: list[str] = st.session_state.get(f"{key}__errors", [])
    _preview(items, kept=not uploaded, key=key)
    if errors:
        return MediaListValue(error=" ".join(errors))
    over = _over_limit(spec, len(items))
    if over:
        return MediaListValue(error=over)
    return MediaListValue(values=[item.prepared.data_uri for item in items], upload_names=[item.name for item in items])


def _sync(key: str, kind: MediaKind, model: Model, uploaded: list[Any], description: str) -> None:
    """Make the kept items follow the uploader's files, in its order, preparing only files not seen before."""
    known = {item.file_id: item for item in st.session_state.get(f"{key}__items", []) if item.file_id}
    old_errors = st.session_state.get(f"{key}__error_ids", {})
    items: list[ListItem] = []
    errors: dict[str, str] = {}
    for file in uploaded:
        if file.file_id in known:
            items.append(known[file.file_id])
            continue
        if file.file_id in old_errors:
            errors[file.file_id] = old_errors[file.file_id]
            continue
        try:
            items.append(
                ListItem(file.file_id, file.name, prepare_file(kind, model, file.name, file.getvalue(), description))
            )
        except MediaError as exc:
            errors[file.file_id] = f"{file.name}: {exc}"
    st.session_state[f"{key}__items"] = items
    st.session_state[f"{key}__error_ids"] = errors
    st.session_state[f"{key}__errors"] = list(errors.values())


def _over_limit(spec: FieldSpec, count: int) -> str | None:
    if spec.max_items is not None and count > spec.max_items:
        extra = count - spec.max_items
        return f"At most {spec.max_items} {spec.media_kind or 'file'}s: you gave {count}. Remove {extra}."
    return None


def _forget_if_cleared(key: str) -> None:
    # Runs only when the person changes the uploader; an emptied uploader means "remove these files".
    if not st.session_state.get(f"{key}__files"):
        forget_list(key)


def forget_list(key: str) -> None:
    for suffix in ("items", "errors", "error_ids"):
        st.session_state.pop(f"{key}__{suffix}", None)


def _preview(items: list[ListItem], *, kept: bool, key: str) -> None:
    if not items:
        return
    for start in range(0, len(items), PREVIEWS_PER_ROW):
        columns = st.columns(PREVIEWS_PER_ROW)
        for offset, item in enumerate(items[start : start + PREVIEWS_PER_ROW]):
            with columns[offset]:
                caption = f"{start + offset + 1}. {item.name}"
                if isinstance(item.prepared, PreparedImage | PreparedVideo):
                    st.image(item.prepared.thumbnail_data_uri, caption=caption, width=90)
                else:
                    st.caption(f":material/audio_file: {caption}")
    notes = [f"{item.name}: {note}" for item in items for note in item.prepared.notes]
    for note in notes:
        st.caption(f":material/auto_fix_high: {note}")
    if kept:
        st.button("Remove all", key=f"{key}__remove", icon=":material/close:", on_click=forget_list, args=(key,))
