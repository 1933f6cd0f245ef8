"""An image, audio or video input: an upload with a preview, or a web address.

An upload is checked and prepared (videostudio.media) once, when it arrives; the prepared result
is kept in the session, so it survives switching models and coming back, which a file uploader
alone does not. The preview is drawn from the small thumbnail or poster prepared with it: a rerun
never decodes the uploaded file again, and a video is never pushed through a player.

Session keys, under the field's widget key ``k``: ``k__source`` (Upload / Web address), ``k__url``,
``k__file`` (the uploader), ``k__file_id`` (the upload last prepared), ``k__prepared`` (a PreparedImage,
PreparedAudio or PreparedVideo), ``k__name`` (its file name), ``k__error`` (why it was refused), and
``k__uploads`` (how many uploads were prepared: it sets the uploader's identity, see below; never reset).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import streamlit as st

from components.form.upload_formats import formats_caption
from videostudio.catalogue import MediaKind, Model
from videostudio.form.fields import FieldSpec
from videostudio.media import (
    MediaError,
    Prepared,
    PreparedAudio,
    PreparedImage,
    PreparedVideo,
    decode_data_uri,
    prepare_upload,
)
from videostudio.media.kinds import media_kind_sheet

UPLOAD = "Upload"
THUMBNAIL_WIDTH = 160  # the prepared thumbnails' own size (videostudio.media.THUMBNAIL_SIDE): never enlarged
WEB_ADDRESS = "Web address"


@dataclass(frozen=True)
class MediaValue:
    """What a media input gives the form: the value to send, the upload's name, or why there is none."""

    value: str | None = None
    upload_name: str | None = None
    error: str | None = None
    # Several images given through an extra source ("One job per image"): (value, upload name or None) each.
    several: tuple[tuple[str, str | None], ...] = ()
    # What making the value already cost (a typed speech, components/form/typed_speech.py), shown beside the price.
    spent_usd: float | None = None


class ExtraSource(Protocol):
    """Another way to give the field, offered beside Upload and Web address (components/form/several_images.py,
    components/form/typed_speech.py)."""

    label: str

    def draw(self, spec: FieldSpec, model: Model, key: str) -> MediaValue: ...


def media_input(
    spec: FieldSpec, model: Model, key: str, extra: ExtraSource | Sequence[ExtraSource] | None = None
) -> MediaValue:
    """Draw the input for ``spec`` under the widget key ``key``, and return its value. ``extra``: other ways to give
    it, offered after Upload and Web address."""
    kind = spec.media_kind or "image"
    extras = () if extra is None else tuple(extra) if isinstance(extra, Sequence) else (extra,)
    source = st.segmented_control(
        _label(spec),
        options=[UPLOAD, WEB_ADDRESS] + [e.label for e in extras],
        default=UPLOAD,
        required=True,
        key=f"{key}__source",
        persist_state="session",
        help=spec.help or None,
    )
    for chosen in extras:
        if source == chosen.label:
            return chosen.draw(spec, model, key)
    if source == WEB_ADDRESS:
        url = st.text_input(
            f"Web address of the {kind}",
            key=f"{key}__url",
            persist_state="session",
            placeholder="https://…",
            label_visibility="collapsed",
        )
        return MediaValue(value=url.strip() or None)

    # Once a file is prepared, the uploader is drawn afresh (empty, ready for a replacement): Streamlit copies the
    # file an uploader holds on every rerun (three times 50 MB for a big video), and the prepared copy is in the
    # session already. Its identity changes, not its key: the upload limit alternates between "the server's" and
    # the same number given outright, which Streamlit counts as a new uploader.
    prepared_count = st.session_state.get(f"{key}__uploads", 0)
    # No type filter: a file the browser refused would never reach the studio's checks, and the field would count
    # as empty (components/form/upload_formats.py). Every file is checked in _prepare; a refusal blocks Generate.
    uploaded = st.file_uploader(
        f"Upload the {kind}",
        max_upload_size=None if prepared_count % 2 == 0 else st.get_option("server.maxUploadSize"),
        key=f"{key}__file",
        label_visibility="collapsed",
        on_change=_forget_if_cleared,
        args=(key, prepared_count),
    )
    formats_caption(kind)
    if uploaded is not None and st.session_state.get(f"{key}__file_id") != uploaded.file_id:
        if _prepare(key, spec, model, uploaded.name, uploaded.getvalue()):
            st.session_state[f"{key}__uploads"] = prepared_count + 1
        st.session_state[f"{key}__file_id"] = uploaded.file_id
    error = st.session_state.get(f"{key}__error")
    if error:
        return MediaValue(error=error)
    prepared: Prepared | None = st.session_state.get(f"{key}__prepared")
    if prepared is None:
        return MediaValue()
    name = st.session_state.get(f"{key}__name", "upload")
    _preview(prepared, name, kind, kept=uploaded is None, key=key)
    return MediaValue(value=prepared.data_uri, upload_name=name)


def _label(spec: FieldSpec) -> str:
    return spec.label + (" :red[*]" if spec.required else "")


def _prepare(key: str, spec: FieldSpec, model: Model, name: str, data: bytes) -> bool:
    """Prepare the upload into the session; False (with the reason kept under ``__error``) if it can't be used."""
    st.session_state[f"{key}__name"] = name
    try:
        with st.spinner(f"Checking the {spec.media_kind or 'image'}…", show_time=True):
            prepared = prepare_upload(spec.media_kind or "image", data, name, model, spec.help)
    except MediaError as exc:
        st.session_state[f"{key}__error"] = str(exc)
        st.session_state.pop(f"{key}__prepared", None)
        return False
    st.session_state.pop(f"{key}__error", None)
    st.session_state[f"{key}__prepared"] = prepared
    return True


def _forget_if_cleared(key: str, drawn_count: int) -> None:
    # Runs when an uploader's value changes; a cleared uploader means "remove this file", but only from the
    # uploader drawn now. The one drawn before the file was prepared has been replaced by a fresh, empty one
    # (see media_input), and the browser can still report that old one as cleared a moment later: that is not
    # the person removing the file, and acting on it lost a prepared image (seen in browser tests).
    if st.session_state.get(f"{key}__uploads", 0) != drawn_count:
        return
    if st.session_state.get(f"{key}__file") is None:
        forget(key)


def forget(key: str) -> None:
    # __uploads stays: resetting it could bring back the identity of an uploader that still holds a file.
    for suffix in ("prepared", "error", "name", "file_id"):
        st.session_state.pop(f"{key}__{suffix}", None)


def _preview(prepared: Prepared, name: str, kind: MediaKind, *, kept: bool, key: str) -> None:
    columns = st.columns([1, 2], vertical_alignment="center")
    with columns[0]:
        if media_kind_sheet(kind).preview == "player" and isinstance(prepared, PreparedAudio):
            st.audio(_audio_bytes(prepared.sha256, prepared.data_uri), format=prepared.mime)
        else:
            # The prepared thumbnail (image) or poster (video): a few KB, passed to the page as it is.
            st.image(prepared.thumbnail_data_uri, width=THUMBNAIL_WIDTH)
    with columns[1]:
        details = [f"**{name}**", _size(prepared.size_bytes)]
        if isinstance(prepared, PreparedImage):
            details.append(f"{prepared.width}×{prepared.height} px")
        elif isinstance(prepared, PreparedVideo):
            details += [f"{prepared.duration_seconds:.1f} s", f"{prepared.width}×{prepared.height} px", prepared.codec]
        elif prepared.duration_seconds:
            details.append(f"{prepared.duration_seconds:.1f} s")
        st.caption(" · ".join(details))
        for note in prepared.notes:
            st.caption(f":material/auto_fix_high: {note}")
        if kept:
            st.button("Remove", key=f"{key}__remove", icon=":material/close:", on_click=forget, args=(key,))


@st.cache_resource(max_entries=8, show_spinner=False)
def _audio_bytes(sha256: str, _data_uri: str) -> bytes:
    """The clip's bytes for the player, decoded once per clip (by its hash), not on every rerun."""
    return decode_data_uri(_data_uri)[1]


def _size(size_bytes: int) -> str:
    if size_bytes >= 10 * 1024 * 1024:
        return f"{size_bytes / (1024 * 1024):,.0f} MB"
    return f"{size_bytes / 1024:,.0f} KB"
