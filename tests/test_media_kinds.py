"""The media kinds registry: one sheet per kind the catalogue knows, with words, files and a preview."""

from __future__ import annotations

from typing import get_args

import pytest

from videostudio.catalogue import MEDIA_KIND_NAMES, Catalogue, MediaKind
from videostudio.media import upload_extensions
from videostudio.media.kinds import MEDIA_KIND_SHEETS, a_noun, accepted_formats, media_kind_sheet
from videostudio.payload import _required_message


def test_every_media_kind_has_a_complete_sheet() -> None:
    assert set(MEDIA_KIND_SHEETS) == set(get_args(MediaKind)) == set(MEDIA_KIND_NAMES)
    for kind, sheet in MEDIA_KIND_SHEETS.items():
        assert sheet.name == kind
        assert sheet.a_noun and sheet.takes and sheet.others and sheet.known_formats, kind
        assert sheet.preview in ("player", "picture")
        endings = sheet.extensions()
        # The endings named in words are ones an upload really takes.
        assert {ending for ending, _ in sheet.known_formats} <= set(endings), kind


def test_every_kind_in_the_catalogue_has_a_sheet(catalogue: Catalogue) -> None:
    kinds = {kind for model in catalogue for kind in model.media.values()}
    assert kinds == set(MEDIA_KIND_SHEETS)


def test_upload_endings_come_from_the_sheets() -> None:
    assert upload_extensions("audio") == MEDIA_KIND_SHEETS["audio"].extensions()
    assert {"mp3", "wav"} <= set(upload_extensions("audio"))
    with pytest.raises(ValueError, match="unknown media kind"):
        media_kind_sheet("hologram")


def test_words_of_each_kind() -> None:
    assert [a_noun(k) for k in ("image", "video", "audio", None)] == ["an image", "a video", "an audio clip", "a file"]
    assert _required_message("audio") == "An audio clip is required: upload one or give its web address."
    assert _required_message(None) == "This field is required."
    assert MEDIA_KIND_SHEETS["audio"].preview == "player" and MEDIA_KIND_SHEETS["video"].preview == "picture"


def test_accepted_formats_are_named_briefly_with_the_full_list_behind() -> None:
    short, full = media_kind_sheet("image").accepted()
    assert short == "JPG, PNG, WebP and other photos"
    assert "JFIF" in full and "HEIC" in full and "…" not in full
    assert accepted_formats("video", ["mp4", "mov", "webm"]) == ("MP4, MOV and WebM", "MOV, MP4, WEBM")
    assert accepted_formats("audio", ["flac"]) == ("FLAC", "FLAC")
