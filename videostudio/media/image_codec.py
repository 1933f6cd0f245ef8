"""Reading and writing image files with Pillow: safe decoding, encoding per format, and what the pixels look like."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from PIL import Image, ImageCms, UnidentifiedImageError

from videostudio.media.common import MediaError, dims
from videostudio.media.data_uri import to_data_uri

# Far above any sensible first frame, far below what could exhaust memory (a 50 MP RGBA image is 200 MB decoded).
# Pillow's own bomb check only starts at ~89 MP, so this cap is ours. Tests lower it.
MAX_PIXELS = 50_000_000

# Formats we are willing to decode at all. Leaving out EPS/PSD/etc. keeps Pillow from ever running
# Ghostscript or rarely used decoders on an upload.
READABLE = ("JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF", "AVIF", "HEIF", "ICO", "TGA")
MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_WHITE = (255, 255, 255)

# A picture counts as a photo (JPEG's kind of content) when a sample of its pixels holds more distinct colours than
# this. Screenshots, logos, diagrams and line art stay far below it, even with anti-aliased edges; photos, with
# their noise and gradients, are far above it.
PHOTO_COLOURS = 4096
_PHOTO_SAMPLE_SIDE = 256


@contextmanager
def readable(filename: str = "") -> Iterator[None]:
    """Turn every way an upload can be unreadable, while opening or decoding it, into a MediaError."""
    not_image = "This file is not an image we can read. Upload a JPG or PNG photo."
    if filename.lower().endswith((".heic", ".heif")) and "HEIF" not in Image.OPEN:
        not_image = "iPhone HEIC photos can't be read here. Export or share the photo as JPG, then upload that."
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its 1x and 2x limits; any bomb is a refusal here.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    except MediaError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise MediaError(too_many_pixels(None)) from None
    except UnidentifiedImageError:
        raise MediaError(not_image) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError):
        # Typically "image file is truncated": a half-finished upload or a damaged file.
        raise MediaError(
            "This image is damaged or incomplete, so it can't be read. Save it again, or upload a different JPG or PNG."
        ) from None


def open_verified(data: bytes) -> Image.Image:
    """The image, its header read and checked but its pixels not yet decoded (so a decoder may still reduce it).

    Call inside ``readable()``, and ``load()`` the result there too.
    """
    if not data:
        raise MediaError("This file is empty. Choose the image again, or try a different one.")
    formats = readable_formats()
    # verify() catches broken PNG checksums etc., but leaves the image unusable, hence the reopen.
    with Image.open(io.BytesIO(data), formats=formats) as probe:
        check_pixels(probe.size)
        probe.verify()
    im = Image.open(io.BytesIO(data), formats=formats)
    check_pixels(im.size)
    return im


def open_image(data: bytes, filename: str = "") -> Image.Image:
    """Decode the first frame fully, turning every way an upload can be unreadable into a MediaError."""
    with readable(filename):
        im = open_verified(data)
        im.load()
    return im


def readable_formats() -> tuple[str, ...]:
    Image.init()  # registers every plugin, so the filter below sees them all
    return tuple(f for f in READABLE if f in Image.OPEN)


def image_extensions() -> list[str]:
    readable_formats()  # registers Pillow's plugins, and with them their file endings
    endings = {ext.lstrip(".") for ext, fmt in Image.registered_extensions().items() if fmt in READABLE}
    # HEIC is let through to prepare_image, which explains how to export it as JPG when it can't read it.
    return sorted(endings | {"heic", "heif"})


def check_pixels(size: tuple[int, int]) -> None:
    if size[0] * size[1] > MAX_PIXELS:
        raise MediaError(too_many_pixels(size))


def too_many_pixels(size: tuple[int, int] | None) -> str:
    limit = f"{MAX_PIXELS / 1_000_000:g} megapixels"
    what = f"This image is {dims(size)} px, more than" if size else "This image is larger than"
    return f"{what} the {limit} the studio can safely open. Make it smaller in a photo editor and upload it again."


def orientation(im: Image.Image) -> int:
    try:
        return int(im.getexif().get(0x0112, 1))
    except (SyntaxError, ValueError, TypeError, OSError):
        return 1  # unreadable EXIF: trust the pixels as they are


def has_transparency(im: Image.Image) -> bool:
    """True only if some pixel is actually see-through: an all-opaque alpha channel does not need PNG."""
    if im.mode in ("RGBA", "LA", "PA"):
        alpha = im.getchannel("A")
    elif im.has_transparency_data:
        alpha = im.convert("RGBA").getchannel("A")
    else:
        return False
    low, _ = alpha.getextrema()
    return low < 255


def looks_like_photo(im: Image.Image) -> bool:
    """True for full-colour pictures with many distinct colours (photos, renders), false for graphics."""
    if im.mode not in ("RGB", "RGBA"):
        return False  # palette, grey and bilevel images are graphics, or gain little from JPEG
    # Nearest-neighbour keeps the picture's own colours; any smoothing filter would invent new ones.
    side = (min(im.width, _PHOTO_SAMPLE_SIDE), min(im.height, _PHOTO_SAMPLE_SIDE))
    sample = im.resize(side, Image.Resampling.NEAREST).convert("RGB")
    return sample.getcolors(maxcolors=PHOTO_COLOURS) is None  # None: more colours than that


def cmyk_to_rgb(im: Image.Image, icc: bytes | None) -> Image.Image:
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


def encode(im: Image.Image, fmt: str, quality: int, icc: bytes | None) -> bytes:
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
        if has_transparency(im):
            return flatten(im)
        return im if im.mode in ("RGB", "L") else im.convert("RGB")
    if fmt == "PNG":
        return im if im.mode in ("1", "L", "LA", "P", "RGB", "RGBA") else im.convert("RGBA")
    return im.convert("RGBA" if has_transparency(im) else "RGB")


def flatten(im: Image.Image) -> Image.Image:
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


def thumbnail(im: Image.Image, max_side: int) -> str:
    """A small JPEG data URI of ``im``, longest side at most ``max_side``."""
    small = im.copy()
    small.thumbnail((max_side, max_side), Image.Resampling.LANCZOS, reducing_gap=2.0)
    small = flatten(small) if has_transparency(small) else small.convert("RGB")
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=80)
    return to_data_uri(out.getvalue(), "image/jpeg")
