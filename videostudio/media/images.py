"""Image uploads: check them against the model's rules, fix what can be fixed, and return them ready to send.

Large JPEG photos are reduced while they are decoded (Pillow's draft mode: the decoder skips detail in steps of
1/2, 1/4, 1/8, never below the size that will be sent), so a 24-megapixel phone photo never exists at full size in
memory; orientation, cropping and resizing then work on the reduced pixels, with sizes reported in the photo's own.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from fractions import Fraction

from PIL import Image, ImageOps

from videostudio.catalogue import ImageRules
from videostudio.media.common import MediaError, dims, megabytes, possessive
from videostudio.media.data_uri import to_data_uri
from videostudio.media.image_codec import (
    MIME,
    cmyk_to_rgb,
    encode,
    has_transparency,
    looks_like_photo,
    open_verified,
    orientation,
    readable,
    thumbnail,
)

THUMBNAIL_SIDE = 160

# Sent as-is when the model states no format rule: what every image API reads.
_DEFAULT_FORMATS = ("JPEG", "PNG", "WEBP")
_LABEL = {"JPEG": "JPG", "MPO": "JPG"}
_JPEG_QUALITY = 90
_SHRINK_QUALITIES = (85, 75, 65, 55, 45)
_SHRINK_STEP = 0.8
_FILLED_WHITE = "Transparent areas were filled with white, because JPG has no transparency."
_PHOTO_AS_JPEG = "Converted this photo from PNG to JPG: for a photo, JPG is several times smaller to send."
# EXIF orientations that turn the picture a quarter: the upright width is the stored height.
_QUARTER_TURNS = (5, 6, 7, 8)


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
    im, plan = _open_planned(data, filename, rules, who, max_side)
    source_format = (im.format or "").upper()
    icc = im.info.get("icc_profile")
    im, size, changed = _fix_pixels(im, plan, rules, source_format, icc, notes)
    allowed = _allowed_formats(rules)
    target, photo_as_jpeg, converted = _pick_format(im, source_format, allowed, rules, who, notes)
    changed = changed or converted
    if plan.crop:
        notes.append(
            f"Cropped from {dims(plan.upright)} to {dims(plan.kept)} px to fit "
            f"{possessive(model_name)}{_limit_ratio(plan.upright, rules)} aspect-ratio limit."
        )
    if plan.scale < 1:
        notes.append(f"Made smaller from {dims(plan.kept)} to {dims(size)} px (longest side at most {max_side} px).")

    # With nothing to fix, the person's file goes byte for byte: no needless quality loss.
    encoded = encode(im, target, _JPEG_QUALITY, icc) if changed else data
    if photo_as_jpeg:
        if not notes and len(encoded) * 2 > len(data):  # no other fix: the original is still an option
            # Not worth it after all (an unusually well-compressed PNG): send the original untouched.
            target, encoded = "PNG", data
        else:
            notes.append(_PHOTO_AS_JPEG)
    if rules.max_bytes and len(encoded) > rules.max_bytes:
        before_bytes = len(encoded)
        im, target, encoded = _shrink_to_fit(im, target, allowed, icc, rules, who, notes)
        notes.append(
            f"Compressed from {megabytes(before_bytes)} to {megabytes(len(encoded))} to fit "
            f"{possessive(model_name)}{megabytes(rules.max_bytes)} limit."
        )

    mime = MIME[target]
    return PreparedImage(
        data_uri=to_data_uri(encoded, mime),
        mime=mime,
        width=im.width,
        height=im.height,
        size_bytes=len(encoded),
        sha256=hashlib.sha256(encoded).hexdigest(),
        thumbnail_data_uri=thumbnail(im, THUMBNAIL_SIDE),
        notes=tuple(notes),
    )


@dataclass(frozen=True)
class _SizePlan:
    """Every size decision, made on the header in the photo's own (upright) pixels, before decoding."""

    stored: tuple[int, int]  # as the file stores the pixels
    upright: tuple[int, int]  # as the photo is seen: a quarter turn swaps the sides
    turn: int  # the EXIF orientation (0 or 1: none)
    crop: tuple[int, int, int, int] | None  # in upright pixels, to meet the aspect-ratio limit
    kept: tuple[int, int]  # the upright size after the crop
    scale: float  # below 1 when the kept picture is made smaller

    @property
    def quarter(self) -> bool:
        return self.turn in _QUARTER_TURNS

    @property
    def turned(self) -> bool:
        return self.turn not in (0, 1)


def _open_planned(
    data: bytes, filename: str, rules: ImageRules, who: str, max_side: int
) -> tuple[Image.Image, _SizePlan]:
    """The decoded image (a large JPEG already reduced while decoding) and its size plan; MediaError if refused."""
    with readable(filename):
        im = open_verified(data)
        stored = im.size
        turn = orientation(im)
        upright = stored[::-1] if turn in _QUARTER_TURNS else stored
        _check_short_side(upright, rules, who)
        crop = _aspect_crop_box(upright, rules)
        kept: tuple[int, int] = (crop[2] - crop[0], crop[3] - crop[1]) if crop else upright
        if crop:
            _check_short_side(kept, rules, who, cropped_from=upright)
        scale = _downscale_factor(kept, max_side, rules.min_short_side)
        if scale < 1 and im.format in ("JPEG", "MPO"):
            im.draft(im.mode, (math.ceil(im.width * scale), math.ceil(im.height * scale)))
        im.load()
    return im, _SizePlan(stored=stored, upright=upright, turn=turn, crop=crop, kept=kept, scale=scale)


def _fix_pixels(
    im: Image.Image, plan: _SizePlan, rules: ImageRules, source_format: str, icc: bytes | None, notes: list[str]
) -> tuple[Image.Image, tuple[int, int], bool]:
    """The first frame, cropped, shrunk, upright and in screen colours: (image, upright size sent, changed)."""
    changed = False
    if getattr(im, "is_animated", False):
        if source_format == "MPO":
            notes.append("This photo file holds several pictures; only the main one is used.")
        else:
            notes.append("This is an animated image; only its first frame is used.")
        changed = True

    # Crop and shrink before turning upright: the turn then moves only the pixels that are sent.
    if plan.crop:
        kept_as_stored = plan.kept[::-1] if plan.quarter else plan.kept
        im = im.crop(_centred_box(im.size, _scaled(kept_as_stored, plan.stored, im.size)))
    size = _target_size(plan.kept, plan.scale, rules) if plan.scale < 1 else plan.kept
    if plan.scale < 1:
        im = _resize_to(im, size[::-1] if plan.quarter else size)
    if plan.turned:
        im = ImageOps.exif_transpose(im)
        notes.append("Rotated upright using the photo's orientation data.")
    cmyk = im.mode == "CMYK"
    if cmyk:
        # Many decoders, and some model back ends, mishandle CMYK JPEGs; screen RGB is the safe form.
        im = cmyk_to_rgb(im, icc)
        notes.append("Converted the colours from print (CMYK) to screen (RGB).")
    return im, size, changed or bool(plan.crop) or plan.scale < 1 or plan.turned or cmyk


def _pick_format(
    im: Image.Image, source_format: str, allowed: tuple[str, ...], rules: ImageRules, who: str, notes: list[str]
) -> tuple[str, bool, bool]:
    """The format to send: (format, whether a photo's PNG becomes JPEG, whether the format changes)."""
    plain_source = "JPEG" if source_format == "MPO" else source_format
    if plain_source in allowed and plain_source in MIME:
        if plain_source == "PNG" and "JPEG" in allowed and not has_transparency(im) and looks_like_photo(im):
            return "JPEG", True, True
        return plain_source, False, False
    transparent = has_transparency(im)
    target = _pick_target(transparent, allowed)
    why = f"because {who} accepts only {_or_list(allowed)}" if rules.formats else "so the video service can read it"
    notes.append(f"Converted from {_label(source_format)} to {_label(target)} {why}.")
    if transparent and target == "JPEG":
        notes.append(_FILLED_WHITE)
    return target, False, True


def thumbnail_data_uri(data: bytes, max_side: int = THUMBNAIL_SIDE) -> str | None:
    """A small upright JPEG data URI of an image, for history lists; None if it is not a readable image."""
    try:
        with readable():
            im = open_verified(data)
            if im.format in ("JPEG", "MPO"):
                im.draft(im.mode, (max_side, max_side))  # decode at 1/2…1/8 size: plenty for a thumbnail
            im.load()
    except MediaError:
        return None
    if orientation(im) not in (0, 1):
        im = ImageOps.exif_transpose(im)
    return thumbnail(im, max_side)


def _check_short_side(
    size: tuple[int, int], rules: ImageRules, who: str, cropped_from: tuple[int, int] | None = None
) -> None:
    # Upscaling would only invent detail, so a too-small image is the person's to replace.
    if not rules.min_short_side or min(size) >= rules.min_short_side:
        return
    need = f"{who} needs the shorter side to be over {rules.min_short_side - 1} px"
    if cropped_from:
        raise MediaError(
            f"This image is {dims(cropped_from)} px; cropping it to the allowed shape would leave {dims(size)} px, "
            f"but {need}. Use a larger image, or one closer to a normal photo shape."
        )
    raise MediaError(f"This image is {dims(size)} px; {need}. Use a larger image.")


def _allowed_formats(rules: ImageRules) -> tuple[str, ...]:
    if not rules.formats:
        return _DEFAULT_FORMATS
    names = {"JPG": "JPEG", "TIF": "TIFF"}
    return tuple(names.get(f.upper(), f.upper()) for f in rules.formats)


def _pick_target(transparent: bool, allowed: tuple[str, ...]) -> str:
    # PNG keeps transparency losslessly; JPEG is far smaller for photos.
    preference = ("PNG", "WEBP", "JPEG") if transparent else ("JPEG", "PNG", "WEBP")
    return next((f for f in preference if f in allowed), preference[0])


def _aspect_crop_box(size: tuple[int, int], rules: ImageRules) -> tuple[int, int, int, int] | None:
    """The centred box with the nearest allowed width/height ratio; None if the image already fits."""
    w, h = size
    aspect = w / h
    if rules.max_aspect and aspect > rules.max_aspect:
        new_w = max(1, math.floor(h * rules.max_aspect))
        left = (w - new_w) // 2
        return (left, 0, left + new_w, h)
    if rules.min_aspect and aspect < rules.min_aspect:
        new_h = max(1, math.floor(w / rules.min_aspect))
        top = (h - new_h) // 2
        return (0, top, w, top + new_h)
    return None


def _scaled(size: tuple[int, int], full: tuple[int, int], actual: tuple[int, int]) -> tuple[int, int]:
    """``size`` (in ``full``-size pixels) in the pixels of the same picture decoded at ``actual`` size."""
    if actual == full:
        return size
    return (min(actual[0], round(size[0] * actual[0] / full[0])), min(actual[1], round(size[1] * actual[1] / full[1])))


def _centred_box(size: tuple[int, int], kept: tuple[int, int]) -> tuple[int, int, int, int]:
    left, top = (size[0] - kept[0]) // 2, (size[1] - kept[1]) // 2
    return (left, top, left + kept[0], top + kept[1])


def _downscale_factor(size: tuple[int, int], max_side: int, min_short_side: int) -> float:
    scale = max_side / max(size)
    if scale >= 1:
        return 1.0
    # The model's minimum outranks our own size preference.
    if min_short_side:
        scale = max(scale, min_short_side / min(size))
    return min(scale, 1.0)


def _target_size(size: tuple[int, int], scale: float, rules: ImageRules) -> tuple[int, int]:
    w = max(1, round(size[0] * scale))
    h = max(1, round(size[1] * scale))
    # Rounding can push a ratio that sat exactly on the limit just past it; trim the pixel back.
    if rules.max_aspect and w / h > rules.max_aspect:
        w = max(1, math.floor(h * rules.max_aspect))
    if rules.min_aspect and w / h < rules.min_aspect:
        h = max(1, math.floor(w / rules.min_aspect))
    return w, h


def _resize_to(im: Image.Image, size: tuple[int, int]) -> Image.Image:
    if im.mode in ("P", "1"):
        im = im.convert("RGBA" if im.has_transparency_data else "RGB")  # resampling needs real colours
    # Bicubic, as Pillow's own thumbnail(): for shrinking it looks the same as Lanczos (both filter over the whole
    # reduced area) and costs a third less on a 24-megapixel photo.
    return im.resize(size, Image.Resampling.BICUBIC, reducing_gap=3.0)


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
        if has_transparency(im):
            notes.append(_FILLED_WHITE)
        target = "JPEG"
    lossy = target in ("JPEG", "WEBP")
    for quality in _SHRINK_QUALITIES if lossy else (0,):
        encoded = encode(im, target, quality, icc)
        if len(encoded) <= limit:
            return im, target, encoded
    floor = max(rules.min_short_side, 16)
    quality = 75
    while min(im.size) * _SHRINK_STEP >= floor:
        im = _resize_to(im, _target_size(im.size, _SHRINK_STEP, rules))
        encoded = encode(im, target, quality, icc)
        if len(encoded) <= limit:
            notes.append(f"Made smaller to {dims(im.size)} px to fit the file-size limit.")
            return im, target, encoded
    raise MediaError(
        f"This image can't be made smaller than {megabytes(limit)}, the most {who} accepts, while staying "
        f"big enough. Upload a smaller or simpler image."
    )


def _label(fmt: str) -> str:
    return _LABEL.get(fmt, fmt or "this format")


def _or_list(formats: tuple[str, ...]) -> str:
    labels = [_label(f) for f in formats]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1]


def _limit_ratio(size: tuple[int, int], rules: ImageRules) -> str:
    value = rules.max_aspect if size[0] / size[1] > rules.max_aspect else rules.min_aspect
    ratio = Fraction(value).limit_denominator(20)
    return f"{ratio.numerator}:{ratio.denominator}"
