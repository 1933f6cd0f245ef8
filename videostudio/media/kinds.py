"""The kinds of media a field holds (image, video, audio): one ``MediaKindSheet`` each, in ``MEDIA_KIND_SHEETS``.

A sheet holds what the studio says and does for its kind: the words ("an audio clip"), the file endings an upload
takes (exactly what this package can prepare) and the few a person knows by name, and how an upload is previewed.
Which fields hold which kind is the catalogue's business (``Model.media``, ``infer_media``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

from videostudio.catalogue import MediaKind
from videostudio.labels import and_list
from videostudio.media.audio import audio_extensions
from videostudio.media.image_codec import image_extensions
from videostudio.media.video import video_extensions


@dataclass(frozen=True)
class MediaKindSheet:
    """One kind of media: its words, the files an upload of it takes, and how the upload is shown."""

    name: MediaKind  # "image": also the start of its MIME type and the tag of {type: image, url}
    a_noun: str  # "an audio clip": what a field wants, in a sentence
    takes: str  # "audio": what a model takes, in the model browser's short line
    known_formats: tuple[tuple[str, str], ...]  # (ending, name): the few a person knows, in the order to name them
    others: str  # "other sound files": the rest of the endings, in words
    extensions: Callable[[], list[str]]  # every ending an upload field offers: what this package can prepare
    preview: Literal["player", "picture"]  # an upload is shown in a player, or as its thumbnail or poster frame

    def accepted(self) -> tuple[str, str]:
        """The short line and the full list of the endings an upload of this kind takes."""
        return accepted_formats(self.name, self.extensions())


MEDIA_KIND_SHEETS: dict[MediaKind, MediaKindSheet] = {
    "image": MediaKindSheet(
        name="image",
        a_noun="an image",
        takes="an image",
        known_formats=(("jpg", "JPG"), ("png", "PNG"), ("webp", "WebP")),
        others="other photos",
        extensions=image_extensions,
        preview="picture",
    ),
    "audio": MediaKindSheet(
        name="audio",
        a_noun="an audio clip",
        takes="audio",
        known_formats=(("mp3", "MP3"), ("wav", "WAV"), ("m4a", "M4A")),
        others="other sound files",
        extensions=audio_extensions,
        preview="player",
    ),
    "video": MediaKindSheet(
        name="video",
        a_noun="a video",
        takes="a video",
        known_formats=(("mp4", "MP4"), ("mov", "MOV"), ("webm", "WebM")),
        others="other videos",
        extensions=video_extensions,
        preview="picture",  # its poster frame: a rerun never pushes a video through a player
    ),
}


def media_kind_sheet(kind: str) -> MediaKindSheet:
    """The sheet of ``kind``; ValueError for a kind the studio does not know."""
    if kind not in MEDIA_KIND_SHEETS:
        raise ValueError(f"unknown media kind {kind!r}")
    return MEDIA_KIND_SHEETS[kind]  # type: ignore[index]


def a_noun(kind: str | None, otherwise: str = "a file") -> str:
    """``an image``, ``a video``, ``an audio clip``; ``otherwise`` for no kind or an unknown one."""
    sheet = MEDIA_KIND_SHEETS.get(kind)  # type: ignore[call-overload]
    return sheet.a_noun if sheet is not None else otherwise


def accepted_formats(kind: str, extensions: Collection[str]) -> tuple[str, str]:
    """A short line and the full list of the file endings an upload field takes.

    ``("JPG, PNG, WebP and other photos", "APNG, AVIF, BMP, …")``: the short line is shown, the full list sits
    behind a hover, so it is never cut off at "… ICO, JFIF, J…".
    """
    endings = sorted({e.lower().lstrip(".") for e in extensions})
    full = ", ".join(e.upper() for e in endings)
    sheet = MEDIA_KIND_SHEETS.get(kind)  # type: ignore[call-overload]
    known = [name for ending, name in (sheet.known_formats if sheet else ()) if ending in endings]
    if not known:
        return full, full
    rest = len(endings) - len(known)
    if rest <= 0:
        return and_list(known), full
    return f"{', '.join(known)} and {sheet.others if sheet else 'other files'}", full
