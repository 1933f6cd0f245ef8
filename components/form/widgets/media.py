"""Media fields: one image, video or audio clip (components/form/media_input.py), or several in order
(components/form/media_list_input.py). Both record each upload's file name under its payload path, which is
how the history keeps uploads and puts them back."""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.form.media_input import UPLOAD, WEB_ADDRESS, ExtraSource, forget, media_input
from components.form.media_list_input import (
    UPLOADABLE,
    UPLOADS,
    WEB_ADDRESSES,
    ListItem,
    forget_list,
    limits_text,
    media_list_input,
    prepare_file,
)
from components.form.several_images import SEVERAL_IMAGES
from components.form.start_image import MAKE_PICTURE
from components.form.typed_speech import TYPED_SPEECH, limit_text
from components.form.widgets.base import (
    NOT_HELD,
    FormState,
    Saved,
    field_key,
    given,
    is_top_level,
    payload_path,
    put,
)
from components.shell.whose import may_generate
from videostudio.catalogue import Model
from videostudio.form.fields import FieldSpec, Widget
from videostudio.jobs.batches import batch_image_field
from videostudio.media import MediaError
from videostudio.media.kinds import a_noun
from videostudio.voices import audio_limit


class Media:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> str | None:
        key = field_key(model, path)
        extras = _extra_sources(spec, model, path)
        result = media_input(spec, model, key, extras)
        limit = audio_limit(model, spec.help) if spec.media_kind == "audio" else None
        if limit and st.session_state.get(f"{key}__source") not in {extra.label for extra in extras}:
            st.caption(limit_text(model, limit))  # beside the field, not only behind its "?"; typed speech shows it too
        where = payload_path(path)
        if result.error:
            state.input_errors[where] = result.error
        if result.spent_usd is not None:
            state.spent[where] = result.spent_usd
        if result.upload_name:
            state.upload_names[where] = result.upload_name
        if result.several:
            state.batch_images = list(result.several)
        return result.value

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return NOT_HELD  # an upload lives in its uploader alone

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        key = field_key(model, path)
        where = payload_path(path)
        forget(key)
        if where in saved.inputs:
            name, data, _mime = saved.inputs[where]
            put(f"{key}__source", UPLOAD)
            try:
                # The kept bytes are the ones that were sent, so preparing them again changes nothing; it
                # rebuilds the preview, size and notes media_input shows.
                prepared = prepare_file(spec.media_kind or "image", model, name, data, spec.help)
            except MediaError as exc:
                saved.notes.append(f"{spec.label}: {exc}")
                return
            # What media_input keeps after an upload: the uploader itself cannot be filled from code.
            put(f"{key}__prepared", prepared)
            put(f"{key}__name", name)
        elif where in saved.media:
            put(f"{key}__source", UPLOAD)
            what = saved.media[where].get("name") or f"the {spec.media_kind or 'file'}"
            saved.notes.append(f"{spec.label}: {what} was not kept on this computer; upload it again.")
        elif given(value) and isinstance(value, str):
            put(f"{key}__source", WEB_ADDRESS)
            put(f"{key}__url", value)
        else:
            put(f"{key}__source", UPLOAD)
            put(f"{key}__url", "")

    def describe(self, spec: FieldSpec) -> str:
        return f"{a_noun(spec.media_kind)}, uploaded or from a web address"


class MediaList:
    def draw(self, spec: FieldSpec, model: Model, path: str, state: FormState) -> list[str] | None:
        result = media_list_input(spec, model, field_key(model, path))
        where = payload_path(path)
        if result.error:
            state.input_errors[where] = result.error
            return None
        for index, name in enumerate(result.upload_names):
            if name:
                state.upload_names[f"{where}.{index}"] = name
        return result.values

    def held(self, spec: FieldSpec, model: Model, path: str) -> Any:
        return NOT_HELD  # an upload lives in its uploader alone

    def restore(self, spec: FieldSpec, model: Model, path: str, value: Any, saved: Saved) -> None:
        key = field_key(model, path)
        where = payload_path(path)
        forget_list(key)
        values = value if given(value) and isinstance(value, list) else []
        items: list[ListItem] = []
        urls: list[str] = []
        for index, item in enumerate(values):
            item_path = f"{where}.{index}"
            if item_path in saved.inputs:
                name, data, _mime = saved.inputs[item_path]
                try:
                    items.append(
                        ListItem(None, name, prepare_file(spec.media_kind or "image", model, name, data, spec.help))
                    )
                except MediaError as exc:
                    saved.notes.append(f"{spec.label}: {exc}")
            elif item_path in saved.media:
                what = saved.media[item_path].get("name") or f"{spec.media_kind or 'file'} {index + 1}"
                saved.notes.append(f"{spec.label}: {what} was not kept on this computer; upload it again.")
            elif isinstance(item, str):
                urls.append(item)
        uploads = (items or not urls) and spec.media_kind in UPLOADABLE
        put(f"{key}__source", UPLOADS if uploads else WEB_ADDRESSES)
        put(f"{key}__urls", "\n".join(urls) if not uploads else "")
        if items:
            put(f"{key}__items", items)
        if uploads and urls:
            saved.notes.append(f"{spec.label}: {len(urls)} web address(es) were left out; add them again.")

    def describe(self, spec: FieldSpec) -> str:
        how = "uploaded or from web addresses" if spec.media_kind in UPLOADABLE else "from web addresses"
        return f"{limits_text(spec)}: {how}"


def _extra_sources(spec: FieldSpec, model: Model, path: str) -> list[ExtraSource]:
    """The other ways to give a field, beside Upload and Web address: several start images (one job each: a batch),
    a picture made from words, a recording typed as words. A viewer never sends anything, so gets none but the first."""
    extras: list[ExtraSource] = []
    if is_top_level(spec, path) and spec.path == batch_image_field(model):
        extras.append(SEVERAL_IMAGES)
    if spec.media_kind == "image" and may_generate():
        extras.append(MAKE_PICTURE)
    if spec.media_kind == "audio" and may_generate():
        extras.append(TYPED_SPEECH)
    return extras


WIDGETS = {Widget.MEDIA: Media(), Widget.MEDIA_LIST: MediaList()}
