"""An image, audio or video input: an upload with a preview, or a web address.

An upload is checked and prepared (videostudio.media) once, when it arrives; the prepared result
is kept in the session, so it survives switching models and coming back, which a file uploader
alone does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from videostudio.catalogue import Model
from videostudio.form import FieldSpec
from videostudio.media import (
    MediaError,
    PreparedAudio,
    PreparedImage,
    decode_data_uri,
    prepare_audio,
    prepare_image,
    upload_extensions,
)

UPLOAD = "Upload"
WEB_ADDRESS = "Web address"


@dataclass(frozen=True)
class MediaValue:
    """What a media input gives the form: the value to send, the upload's name, or why there is none."""

    value: str | None = None
    upload_name: str | None = None
    error: str | None = None


def media_input(spec: FieldSpec, model: Model, key: str) -> MediaValue:
    """Draw the input for ``spec`` under the widget key ``key``, and return its value."""
    kind = spec.media_kind or "image"
    source = st.segmented_control(
        _label(spec),
        options=[UPLOAD, WEB_ADDRESS],
        default=UPLOAD,
        required=True,
        key=f"{key}__source",
        persist_state="session",
        help=spec.help or None,
    )
    if source == WEB_ADDRESS:
        url = st.text_input(
            f"Web address of the {kind}",
            key=f"{key}__url",
            persist_state="session",
            placeholder="https://…",
            label_visibility="collapsed",
        )
        return MediaValue(value=url.strip() or None)

    uploaded = st.file_uploader(
        f"Upload the {kind}",
        type=upload_extensions(kind),
        key=f"{key}__file",
        label_visibility="collapsed",
        on_change=_forget_if_cleared,
        args=(key,),
    )
    if uploaded is not None and st.session_state.get(f"{key}__file_id") != uploaded.file_id:
        _prepare(key, kind, model, uploaded.name, uploaded.getvalue())
        st.session_state[f"{key}__file_id"] = uploaded.file_id
    error = st.session_state.get(f"{key}__error")
    if error:
        return MediaValue(error=error)
    prepared: PreparedImage | PreparedAudio | None = st.session_state.get(f"{key}__prepared")
    if prepared is None:
        return MediaValue()
    name = st.session_state.get(f"{key}__name", "upload")
    _preview(prepared, name, kept=uploaded is None, key=key)
    return MediaValue(value=prepared.data_uri, upload_name=name)


def _label(spec: FieldSpec) -> str:
    return spec.label + (" :red[*]" if spec.required else "")


def _prepare(key: str, kind: str, model: Model, name: str, data: bytes) -> None:
    st.session_state[f"{key}__name"] = name
    prepared: PreparedImage | PreparedAudio
    try:
        if kind == "audio":
            prepared = prepare_audio(data, name, model.audio_rules, model_name=model.name)
        else:
            prepared = prepare_image(data, name, model.image_rules, model_name=model.name)
    except MediaError as exc:
        st.session_state[f"{key}__error"] = str(exc)
        st.session_state.pop(f"{key}__prepared", None)
        return
    st.session_state.pop(f"{key}__error", None)
    st.session_state[f"{key}__prepared"] = prepared


def _forget_if_cleared(key: str) -> None:
    # Runs only when the person changes the uploader; a cleared uploader means "remove this file".
    if st.session_state.get(f"{key}__file") is None:
        forget(key)


def forget(key: str) -> None:
    for suffix in ("prepared", "error", "name", "file_id"):
        st.session_state.pop(f"{key}__{suffix}", None)


def _preview(prepared: PreparedImage | PreparedAudio, name: str, *, kept: bool, key: str) -> None:
    columns = st.columns([1, 2], vertical_alignment="center")
    with columns[0]:
        if isinstance(prepared, PreparedImage):
            st.image(decode_data_uri(prepared.data_uri)[1], width=180)
        else:
            st.audio(decode_data_uri(prepared.data_uri)[1], format=prepared.mime)
    with columns[1]:
        details = [f"**{name}**", f"{prepared.size_bytes / 1024:,.0f} KB"]
        if isinstance(prepared, PreparedImage):
            details.append(f"{prepared.width}×{prepared.height} px")
        elif prepared.duration_seconds:
            details.append(f"{prepared.duration_seconds:.1f} s")
        st.caption(" · ".join(details))
        for note in prepared.notes:
            st.caption(f":material/auto_fix_high: {note}")
        if kept:
            st.button("Remove", key=f"{key}__remove", icon=":material/close:", on_click=forget, args=(key,))
