"""Prepare uploaded images and audio for the video API: check them, fix what can be fixed, and embed them as data URIs.

Pure module (no Streamlit): every problem is a ``MediaError`` whose message a non-programmer can act on, and every
change made to a file is reported back as a plain-words note.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import math
import re
import urllib.parse
import warnings
from dataclasses import dataclass
from fractions import Fraction

import av
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from videostudio.catalogue import AudioRules, ImageRules

# Far above any sensible first frame, far below what could exhaust memory (a 50 MP RGBA image is 200 MB decoded).
# Pillow's own bomb check only starts at ~89 MP, so this cap is ours. Tests lower it.
MAX_PIXELS = 50_000_000
THUMBNAIL_SIDE = 160

# Formats we are willing to decode at all. Leaving out EPS/PSD/etc. keeps Pillow from ever running
# Ghostscript or rarely used decoders on an upload.
_READABLE = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF", "HEIF", "ICO", "TGA")
# Sent as-is when the model states no format rule: what every image API reads.
_DEFAULT_FORMATS = ("JPEG", "PNG", "WEBP")
_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_LABEL = {"JPEG": "JPG", "MPO": "JPG"}
_JPEG_QUALITY = 90
_SHRINK_QUALITIES = (85, 75, 65, 55, 45)
_SHRINK_STEP = 0.8
_WHITE = (255, 255, 255)
_FILLED_WHITE = "Transparent areas were filled with white, because JPG has no transparency."

# PyAV container name -> (mime, plain name, file extensions a model's rule may list).
_AUDIO_CONTAINERS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "mp3": ("audio/mpeg", "MP3", ("mp3",)),
    "wav": ("audio/wav", "WAV", ("wav",)),
    "mov,mp4,m4a,3gp,3g2,mj2": ("audio/mp4", "M4A", ("m4a", "mp4")),
    "aac": ("audio/aac", "AAC", ("aac",)),
    "ogg": ("audio/ogg", "OGG", ("ogg", "oga", "opus")),
    "flac": ("audio/flac", "FLAC", ("flac",)),
}

_DATA_URI = re.compile(r"^data:(?P<mime>[^,;]*)(?P<params>(?:;[^,;]*)*),(?P<payload>.*)$", re.IGNORECASE | re.DOTALL)


class MediaError(ValueError):
    """An input file the studio cannot use; its message is plain words for a non-programmer, saying what to do."""


@dataclass(frozen=True)
class PreparedImage:
    """An image ready to send, with what was changed to make it acceptable."""

    data_uri: str
    mime: str
    width: int
    height: int
    size_bytes: int
    sha256: str
    thumbnail_data_uri: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class PreparedAudio:
    """An audio clip ready to send, with warnings about it."""

    data_uri: str
    mime: str
    size_bytes: int
    sha256: str
    duration_seconds: float | None
    notes: tuple[str, ...]


# ---------------------------------------------------------------------------------------------------------------------
# Data URIs


def to_data_uri(data: bytes, mime: str) -> str:
    """``data:<mime>;base64,<payload>``, the form the API's URL fields accept."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def is_data_uri(value: str) -> bool:
    """True if ``value`` is a ``data:`` URI (as opposed to a web link)."""
    return isinstance(value, str) and _DATA_URI.match(value.strip()) is not None


def decode_data_uri(uri: str) -> tuple[str, bytes]:
    """The (mime, bytes) a data URI holds; MediaError if it is malformed."""
    broken = MediaError("This embedded file (data URI) is damaged and cannot be read. Upload the file again.")
    match = _DATA_URI.match(uri.strip()) if isinstance(uri, str) else None
    if match is None:
        raise broken
    # RFC 2397: an omitted type means plain text.
    mime = match["mime"].strip().lower() or "text/plain"
    params = [p.strip().lower() for p in match["params"].split(";") if p.strip()]
    payload = match["payload"]
    if "base64" in params:
        # Line breaks are common when a URI was copied from a wrapped text; they are not data.
        compact = re.sub(r"\s+", "", urllib.parse.unquote(payload))
        try:
            return mime, base64.b64decode(compact, validate=True)
        except (binascii.Error, ValueError):
            raise broken from None
    return mime, urllib.parse.unquote_to_bytes(payload)


# ---------------------------------------------------------------------------------------------------------------------
# Images


def prepare_image(
    data: bytes,
    filename: str = "",
    rules: ImageRules | None = None,
    *,
    max_side: int = 2048,
    model_name: str = "",
) -> PreparedImage:
    """Check an uploaded image against the model's rules, fix what can be fixed, and return it ready to send."""
    rules = rules or ImageRules()
    who = model_name or "This model"
    notes: list[str] = []
    im = _open_image(data, filename)
    source_format = (im.format or "").upper()
    icc = im.info.get("icc_profile")
    changed = False

    if getattr(im, "is_animated", False):
        if source_format == "MPO":
            notes.append("This photo file holds several pictures; only the main one is used.")
        else:
            notes.append("This is an animated image; only its first frame is used.")
        changed = True

    if _orientation(im) not in (0, 1):
        im = ImageOps.exif_transpose(im)
        notes.append("Rotated upright using the photo's orientation data.")
        changed = True

    if im.mode == "CMYK":
        # Many decoders, and some model back ends, mishandle CMYK JPEGs; screen RGB is the safe form.
        im = _cmyk_to_rgb(im, icc)
        notes.append("Converted the colours from print (CMYK) to screen (RGB).")
        changed = True

    _check_short_side(im.size, rules, who)

    allowed = _allowed_formats(rules)
    plain_source = "JPEG" if source_format == "MPO" else source_format
    if plain_source in allowed and plain_source in _MIME:
        target = plain_source
    else:
        transparent = _has_transparency(im)
        target = _pick_target(transparent, allowed)
        why = f"because {who} accepts only {_or_list(allowed)}" if rules.formats else "so the video service can read it"
        notes.append(f"Converted from {_label(source_format)} to {_label(target)} {why}.")
        if transparent and target == "JPEG":
            notes.append(_FILLED_WHITE)
        changed = True

    cropped = _crop_to_aspect(im, rules)
    if cropped is not im:
        _check_short_side(cropped.size, rules, who, cropped_from=im.size)
        notes.append(
            f"Cropped from {_dims(im.size)} to {_dims(cropped.size)} px to fit "
            f"{_possessive(model_name)}{_limit_ratio(im.size, rules)} aspect-ratio limit."
        )
        im = cropped
        changed = True

    scale = _downscale_factor(im.size, max_side, rules.min_short_side)
    if scale < 1:
        before = im.size
        im = _resize(im, scale, rules)
        notes.append(f"Made smaller from {_dims(before)} to {_dims(im.size)} px (longest side at most {max_side} px).")
        changed = True

    # With nothing to fix, the person's file goes byte for byte: no needless quality loss.
    encoded = _encode(im, target, _JPEG_QUALITY, icc) if changed else data
    if rules.max_bytes and len(encoded) > rules.max_bytes:
        before_bytes = len(encoded)
        im, target, encoded = _shrink_to_fit(im, target, allowed, icc, rules, who, notes)
        notes.append(
            f"Compressed from {_megabytes(before_bytes)} to {_megabytes(len(encoded))} to fit "
            f"{_possessive(model_name)}{_megabytes(rules.max_bytes)} limit."
        )

    mime = _MIME[target]
    return PreparedImage(
        data_uri=to_data_uri(encoded, mime),
        mime=mime,
        width=im.width,
        height=im.height,
        size_bytes=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
        thumbnail_data_uri=_thumbnail(im, THUMBNAIL_SIDE),
        notes=tuple(notes),
    )


def thumbnail_data_uri(data: bytes, max_side: int = THUMBNAIL_SIDE) -> str | None:
    """A small upright JPEG data URI of an image, for history lists; None if it is not a readable image."""
    try:
        im = _open_image(data)
    except MediaError:
        return None
    if _orientation(im) not in (0, 1):
        im = ImageOps.exif_transpose(im)
    return _thumbnail(im, max_side)


def _open_image(data: bytes, filename: str = "") -> Image.Image:
    """Decode the first frame fully, turning every way an upload can be unreadable into a MediaError."""
    if not data:
        raise MediaError("This file is empty. Choose the image again, or try a different one.")
    not_image = "This file is not an image we can read. Upload a JPG or PNG photo."
    if filename.lower().endswith((".heic", ".heif")) and "HEIF" not in Image.OPEN:
        not_image = "iPhone HEIC photos can't be read here. Export or share the photo as JPG, then upload that."
    formats = _readable_formats()
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its 1x and 2x limits; any bomb is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # verify() catches broken PNG checksums etc., but leaves the image unusable, hence the reopen.
            with Image.open(io.BytesIO(data), formats=formats) as probe:
                _check_pixels(probe.size)
                probe.verify()
            im = Image.open(io.BytesIO(data), formats=formats)
            _check_pixels(im.size)
            im.load()
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(_too_many_pixels(None)) from None
    except UnidentifiedImageError:
        raise MediaError(not_image) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Typically "image file is truncated": a half-finished upload or a damaged file.
        raise MediaError(
            "This image is damaged or incomplete, so it can't be read. Save it again, or upload a different JPG or PNG."
        ) from None
    return im


def _orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1))
    except (SyntaxError, ValueError, TypeError, OSError):
        return 1  # unreadable EXIF: trust the pixels as they are


def upload_extensions(kind: str) -> list[str]:
    """File endings an upload field of this kind should offer: exactly what this module can prepare."""
    if kind == "image":
        _readable_formats()  # registers Pillow's plugins, and with them their file endings
        endings = {ext.lstrip(".") for ext, fmt in Image.registered_extensions().items() if fmt in _READABLE}
        # HEIC is let through to prepare_image, which explains how to export it as JPG when it can't read it.
        return sorted(endings | {"heic", "heif"})
    if kind == "audio":
        return sorted({ext for _mime, _label, exts in _AUDIO_CONTAINERS.values() for ext in exts})
    return ["mp4", "mov", "webm"]  # video inputs are passed on as they are


def _readable_formats() -> tuple[str, ...]:
    Image.init()  # registers every plugin, so the filter below sees them all
    return tuple(f for f in _READABLE if f in Image.OPEN)


def _check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise MediaError(_too_many_pixels(size))


def _too_many_pixels(size: tuple[int, int] | None) -> str:
    limit = f"{MAX_PIXELS / 1_000_000:g} megapixels"
    what = f"This image is {_dims(size)} px, more than the {limit}" if size else f"This image is over {limit}, more"
    return f"{what} we can safely open. Make it smaller in a photo editor and upload it again."


def _check_short_side(
    size: tuple[int, int], rules: ImageRules, who: str, cropped_from: tuple[int, int] | None = None
) -> None:
    # Upscaling would only invent detail, so a too-small image is the person's to replace.
    if not rules.min_short_side or min(size) >= rules.min_short_side:
        return
    need = f"{who} needs the shorter side to be over {rules.min_short_side - 1} px"
    if cropped_from:
        raise MediaError(
            f"This image is {_dims(cropped_from)} px; cropping it to the allowed shape would leave {_dims(size)} px, "
            f"but {need}. Use a larger image, or one closer to a normal photo shape."
        )
    raise MediaError(f"This image is {_dims(size)} px; {need}. Use a larger image.")


def _allowed_formats(rules: ImageRules) -> tuple[str, ...]:
    if not rules.formats:
        return _DEFAULT_FORMATS
    names = {"JPG": "JPEG", "TIF": "TIFF"}
    return tuple(names.get(f.upper(), f.upper()) for f in rules.formats)


def _pick_target(transparent: bool, allowed: tuple[str, ...]) -> str:
    # PNG keeps transparency losslessly; JPEG is far smaller for photos.
    preference = ("PNG", "WEBP", "JPEG") if transparent else ("JPEG", "PNG", "WEBP")
    return next((f for f in preference if f in allowed), preference[0])


def _has_transparency(im: Image.Image) -> bool:
    """True only if some pixel is actually see-through: an all-opaque alpha channel does not need PNG."""
    if im.mode in ("RGBA", "LA", "PA"):
        alpha = im.getchannel("A")
    elif im.has_transparency_data:
        alpha = im.convert("RGBA").getchannel("A")
    else:
        return False
    low, _ = alpha.getextrema()
    return low < 255


def _cmyk_to_rgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    # The embedded profile gives the printer's real colours; the naive formula is the fallback.
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(im, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
            if converted is not None:
                return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass
    return im.convert("RGB")


def _crop_to_aspect(im: Image.Image, rules: ImageRules) -> Image.Image:
    """Centre-crop to the nearest allowed width/height ratio; the same image if it already fits."""
    w, h = im.size
    aspect = w / h
    if rules.max_aspect and aspect > rules.max_aspect:
        new_w = max(1, math.floor(h * rules.max_aspect))
        left = (w - new_w) // 2
        return im.crop((left, 0, left + new_w, h))
    if rules.min_aspect and aspect < rules.min_aspect:
        new_h = max(1, math.floor(w / rules.min_aspect))
        top = (h - new_h) // 2
        return im.crop((0, top, w, top + new_h))
    return im


def _downscale_factor(size: tuple[int, int], max_side: int, min_short_side: int) -> float:
    scale = max_side / max(size)
    if scale >= 1:
        return 1.0
    # The model's minimum outranks our own size preference.
    if min_short_side:
        scale = max(scale, min_short_side / min(size))
    return min(scale, 1.0)


def _resize(im: Image.Image, scale: float, rules: ImageRules) -> Image.Image:
    w = max(1, round(im.width * scale))
    h = max(1, round(im.height * scale))
    # Rounding can push a ratio that sat exactly on the limit just past it; trim the pixel back.
    if rules.max_aspect and w / h > rules.max_aspect:
        w = max(1, math.floor(h * rules.max_aspect))
    if rules.min_aspect and w / h < rules.min_aspect:
        h = max(1, math.floor(w / rules.min_aspect))
    if im.mode in ("P", "1"):
        im = im.convert("RGBA" if im.has_transparency_data else "RGB")  # resampling needs real colours
    return im.resize((w, h), Image.Resampling.LANCZOS, reducing_gap=3.0)


def _shrink_to_fit(
    im: Image.Image,
    target: str,
    allowed: tuple[str, ...],
    icc: bytes | None,
    rules: ImageRules,
    who: str,
    notes: list[str],
) -> tuple[Image.Image, str, bytes]:
    """Re-encode (lower quality, then fewer pixels) until the file is under rules.max_bytes."""
    limit = rules.max_bytes
    if target != "JPEG" and "JPEG" in allowed:
        # Lossless formats barely shrink; JPEG is typically several times smaller.
        if _has_transparency(im):
            notes.append(_FILLED_WHITE)
        target = "JPEG"
    lossy = target in ("JPEG", "WEBP")
    for quality in _SHRINK_QUALITIES if lossy else (0,):
        encoded = _encode(im, target, quality, icc)
        if len(encoded) <= limit:
            return im, target, encoded
    floor = max(rules.min_short_side, 16)
    quality = 75
    while min(im.size) * _SHRINK_STEP >= floor:
        im = _resize(im, _SHRINK_STEP, rules)
        encoded = _encode(im, target, quality, icc)
        if len(encoded) <= limit:
            notes.append(f"Made smaller to {_dims(im.size)} px to fit the file-size limit.")
            return im, target, encoded
    raise MediaError(
        f"This image can't be made smaller than {_megabytes(limit)}, the most {who} accepts, while staying "
        f"big enough. Upload a smaller or simpler image."
    )


def _encode(im: Image.Image, fmt: str, quality: int, icc: bytes | None) -> bytes:
    im = _for_format(im, fmt)
    options: dict[str, object] = {}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = quality
    if fmt == "JPEG":
        options["optimize"] = True
    # Keep the colour profile (e.g. an iPhone's Display P3) unless the pixels are no longer in its colour space.
    if icc and _icc_fits(icc, im.mode):
        options["icc_profile"] = icc
    out = io.BytesIO()
    # EXIF is deliberately not carried over: the pixels are upright now, and it can hold the GPS position.
    im.save(out, format=fmt, **options)
    return out.getvalue()


def _for_format(im: Image.Image, fmt: str) -> Image.Image:
    """The image in a mode the format can store, with no silent colour damage."""
    if im.mode.startswith("I") or im.mode == "F":
        # 16-bit greys: convert("L") would clip everything above 255 to white.
        im = im.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if im.mode == "CMYK":
        im = im.convert("RGB")
    if fmt == "JPEG":
        if _has_transparency(im):
            return _flatten(im)
        return im if im.mode in ("RGB", "L") else im.convert("RGB")
    if fmt == "PNG":
        return im if im.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else im.convert("RGBA")
    return im.convert("RGBA" if _has_transparency(im) else "RGB")


def _flatten(im: Image.Image) -> Image.Image:
    rgba = im.convert("RGBA")
    background = Image.new("RGB", rgba.size, _WHITE)
    background.paste(rgba, mask=rgba.getchannel("A"))
    return background


def _icc_fits(icc: bytes, mode: str) -> bool:
    try:
        space = ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.xcolor_space.strip()
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return False
    if mode in ("1", "L", "LA"):
        return space == "GRAY"
    return space == "RGB" and mode in ("RGB", "RGBA", "P")


def _thumbnail(im: Image.Image, max_side: int) -> str:
    small = im.copy()
    small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    small = _flatten(small) if _has_transparency(small) else small.convert("RGB")
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    return to_data_uri(out.getvalue(), "image/jpeg")


def _label(fmt: str) -> str:
    return _LABEL.get(fmt, fmt or "this format")


def _or_list(formats: tuple[str, ...]) -> str:
    labels = [_label(f) for f in formats]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _dims(size: tuple[int, int]) -> str:
    return f"{size[0]}×{size[1]}"


def _possessive(model_name: str) -> str:
    return f"{model_name}'s " if model_name else "the "


def _limit_ratio(size: tuple[int, int], rules: ImageRules) -> str:
    value = rules.max_aspect if size[0] / size[1] > rules.max_aspect else rules.min_aspect
    ratio = Fraction(value).limit_denominator(20)
    return f"{ratio.numerator}:{ratio.denominator}"


def _megabytes(size: int) -> str:
    if size >= 1_000_000:
        return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"
    return f"{max(size / 1000, 0.1):.1f}".removesuffix(".0") + " KB"


# ---------------------------------------------------------------------------------------------------------------------
# Audio


def prepare_audio(
    data: bytes, filename: str = "", rules: AudioRules | None = None, *, model_name: str = ""
) -> PreparedAudio:
    """Check an uploaded audio clip by its content and return it ready to send, with warnings as notes."""
    if not data:
        raise MediaError("This audio file is empty. Choose the file again, or try a different one.")
    container_name, duration = _probe_audio(data)
    mime, label, extensions = _AUDIO_CONTAINERS[container_name]
    rules = rules or AudioRules()
    who = model_name or "This model"
    notes: list[str] = []
    # Warnings only: the API docs disagree about these limits, so the person decides.
    if rules.max_seconds and duration is not None and duration > rules.max_seconds:
        notes.append(
            f"{who} wants audio under {_seconds(rules.max_seconds)} s; this clip is {_seconds(duration)} s. "
            f"It may be refused or cut short, so trim it if you can."
        )
    wanted = {f.lower().lstrip(".") for f in rules.formats}
    if wanted and not wanted.intersection(extensions):
        notes.append(
            f"{who} lists {', '.join(f.upper() for f in rules.formats)} audio; this file is {label}, "
            f"so it may be refused. Convert it to MP3 or WAV to be safe."
        )
    return PreparedAudio(
        data_uri=to_data_uri(data, mime),
        mime=mime,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        duration_seconds=duration,
        notes=tuple(notes),
    )


def _probe_audio(data: bytes) -> tuple[str, float | None]:
    """(container name, duration) of readable audio, judged by content rather than the file name."""
    not_audio = MediaError("This file is not audio we can read. Upload an MP3 or WAV file.")
    if not data:
        raise not_audio
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except (av.FFmpegError, ValueError, OSError, UnicodeDecodeError):
        raise not_audio from None
    with container:
        audio = container.streams.audio
        if not audio:
            raise not_audio  # includes pictures, which FFmpeg opens as one-frame video
        # Cover art in MP3/M4A files shows up as a one-picture "video" stream; that is still audio.
        moving = [s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic]
        if moving:
            raise MediaError("This file contains video, not just sound. Upload an MP3 or WAV audio file instead.")
        name = container.format.name
        if name not in _AUDIO_CONTAINERS:
            raise MediaError(
                f"This kind of audio file ({container.format.long_name or name}) can't be sent. "
                f"Convert it to MP3 or WAV and upload it again."
            )
        stream = audio[0]
        try:
            # A header alone proves little: make sure some sound actually decodes.
            decoded = next((True for packet in container.demux(stream) for _ in packet.decode()), False)
        except (av.FFmpegError, ValueError, OSError):
            decoded = False
        if not decoded:
            raise MediaError(
                "This audio file seems damaged: no sound could be read from it. Export it again as MP3 or WAV."
            )
        duration: float | None = None
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        elif container.duration is not None:
            duration = container.duration / av.time_base
    return name, (round(duration, 3) if duration is not None and duration > 0 else None)


def _seconds(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
