"""Text in the offline renderer: captions, titled placeholders and prompt-drawn scenes."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import threading
import unicodedata
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

_CAPTION_BAND_ALPHA = 150
_MAX_CAPTION_LINES = 2
_MAX_TITLE_LINES = 3
_ELLIPSIS = "\u2026"


def placeholder(size: tuple[int, int], title: str, seed: str = "") -> Image.Image:
    """A diagonal two-colour gradient (colours derived from the title, or ``seed``) with the title centred."""
    width, height = size
    digest = hashlib.sha256((seed or title).encode("utf-8")).digest()
    # Hues from the title's hash so different models/prompts get distinguishable but stable placeholders.
    hue = digest[0] / 255.0
    colour_a = np.array(hsv_to_rgb(hue, 0.6, 0.6), dtype=np.float32)
    colour_b = np.array(hsv_to_rgb((hue + 0.15) % 1.0, 0.7, 0.22), dtype=np.float32)
    # A linear gradient is exactly reproduced by bilinear upscaling, so compute it on a small grid.
    small_w, small_h = max(2, width // 8), max(2, height // 8)
    ys = np.linspace(0.0, 1.0, small_h, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, small_w, dtype=np.float32)[None, :]
    mix = (0.6 * xs + 0.4 * ys)[..., None]
    pixels = colour_a * (1 - mix) + colour_b * mix
    small = Image.fromarray(np.clip(pixels + 0.5, 0, 255).astype(np.uint8), "RGB")
    img = small.resize((width, height), Image.Resampling.BILINEAR)

    text = clean_text(title)
    if text:
        with _TEXT_LOCK:
            font, text = font_for(text, max(12, round(min(width, height) * 0.075)))
            lines = wrap(text, font, width * 0.8, _MAX_TITLE_LINES)
            _draw_centred(img, lines, font, (width / 2, height / 2))
    return img


def scene(size: tuple[int, int], prompt: str) -> Image.Image:
    """A picture drawn from a prompt, with no image: its hash picks a gradient and a few soft shapes.

    The same prompt always gives the same scene; different prompts look different at a glance.
    """
    width, height = size
    digest = hashlib.sha256(prompt.encode("utf-8")).digest()
    img = placeholder(size, "", seed=prompt)
    layer = Image.new("RGB", size, (0, 0, 0))
    mask = Image.new("L", size, 0)
    draw_layer, draw_mask = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    for n in range(2 + digest[1] % 4):  # 2-5 shapes: circles and rounded boxes, like lights in a scene
        a, b, c, d = digest[4 + 4 * n : 8 + 4 * n]
        radius = (0.08 + 0.22 * a / 255) * min(width, height)
        centre = (width * b / 255, height * (0.15 + 0.7 * c / 255))
        box = (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius)
        colour = tuple(round(v) for v in hsv_to_rgb(d / 255, 0.55, 0.95))
        if n % 2:
            draw_layer.rounded_rectangle(box, radius=radius / 3, fill=colour)
            draw_mask.rounded_rectangle(box, radius=radius / 3, fill=150)
        else:
            draw_layer.ellipse(box, fill=colour)
            draw_mask.ellipse(box, fill=170)
    # Soft edges: the shapes read as out-of-focus lights rather than clip art.
    mask = mask.filter(ImageFilter.GaussianBlur(radius=max(1, min(width, height) // 60)))
    img.paste(layer, (0, 0), mask)
    return img


def hsv_to_rgb(h: float, s: float, v: float) -> tuple[float, float, float]:
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return (r * 255, g * 255, b * 255)


def _draw_centred(
    img: Image.Image, lines: list[str], font: ImageFont.FreeTypeFont, centre: tuple[float, float]
) -> None:
    draw = ImageDraw.Draw(img)
    line_h = _line_height(font)
    top = centre[1] - line_h * len(lines) / 2
    shadow = max(1, round(line_h / 20))
    for i, line in enumerate(lines):
        xy = (centre[0], top + i * line_h + line_h / 2)
        draw.text((xy[0] + shadow, xy[1] + shadow), line, font=font, fill=(0, 0, 0), anchor="mm")
        draw.text(xy, line, font=font, fill=(255, 255, 255), anchor="mm")


def caption_band(caption: str, width: int, height: int) -> tuple[Image.Image, Image.Image] | None:
    """Pre-render the caption once as (RGB band, alpha mask); None when there is no caption."""
    text = clean_text(caption)
    if not text:
        return None
    with _TEXT_LOCK:
        font, text = font_for(text, max(10, round(min(width, height) * 0.045)))
        pad_x = max(8, round(width * 0.04))
        lines = wrap(text, font, width - 2 * pad_x, _MAX_CAPTION_LINES)
        line_h = _line_height(font)
        pad_y = max(4, round(line_h * 0.5))
        # Even height: the band is blended into half-resolution chroma planes too.
        band_h = min(height, 2 * ((line_h * len(lines) + 2 * pad_y + 1) // 2))

        # The frame gets rgb blended over it by mask/255: background pixels are black at partial alpha
        # (the translucent band), text pixels white at full alpha. Drawing the text into both images
        # keeps its anti-aliased edges smooth.
        rgb = Image.new("RGB", (width, band_h), (0, 0, 0))
        mask = Image.new("L", (width, band_h), _CAPTION_BAND_ALPHA)
        draw_rgb, draw_mask = ImageDraw.Draw(rgb), ImageDraw.Draw(mask)
        for i, line in enumerate(lines):
            xy = (width / 2, pad_y + i * line_h + line_h / 2)
            draw_rgb.text(xy, line, font=font, fill=(255, 255, 255), anchor="mm")
            draw_mask.text(xy, line, font=font, fill=255, anchor="mm")
    return rgb, mask


def _line_height(font: ImageFont.FreeTypeFont) -> int:
    ascent, descent = font.getmetrics()
    return round((ascent + descent) * 1.15)


# Pillow's built-in font (Aileron) looks clean but covers little beyond ASCII -- no accents, no dashes.
# Text it cannot draw falls back to DejaVu Sans when the system has it (Debian/Ubuntu images usually do).
_FALLBACK_FONTS = ("DejaVuSans.ttf",)
# The cached FreeType faces are shared between renders and FreeType faces are not thread-safe, so text
# measuring and drawing is serialised (it is a few milliseconds per render, once, not per frame).
_TEXT_LOCK = threading.RLock()
_PUNCTUATION = str.maketrans({"\u2014": "-", "\u2013": "-", "\u2212": "-", "\u00d7": "x", "\u2022": "\u00b7"})


def clean_text(text: str) -> str:
    """Collapse whitespace (prompts are often multi-line) and drop unprintable characters."""
    return " ".join("".join(ch for ch in text if ch.isprintable() or ch.isspace()).split())


@functools.lru_cache(maxsize=16)
def _fonts(size: int) -> tuple[ImageFont.FreeTypeFont, ...]:
    fonts = [ImageFont.load_default(size=size)]
    for name in _FALLBACK_FONTS:
        # Not installed here: the built-in font will do.
        with contextlib.suppress(OSError):
            fonts.append(ImageFont.truetype(name, size))
    return tuple(fonts)


@functools.lru_cache(maxsize=4096)
def _has_glyph(font: ImageFont.FreeTypeFont, char: str) -> bool:
    # Pillow has no glyph-lookup API; a missing glyph renders as the font's .notdef box, so compare
    # with a code point no font defines (a plane-16 private-use character).
    def render(c: str) -> tuple[tuple[int, int], bytes]:
        mask = font.getmask(c)
        return mask.size, bytes(mask)

    return render(char) != render("\U0010fffd")


def font_for(text: str, size: int) -> tuple[ImageFont.FreeTypeFont, str]:
    """The first font that can draw all of text, else the last one with text simplified to fit it."""
    fonts = _fonts(size)
    special = {ch for ch in text if not ch.isascii()}
    for font in fonts:
        if all(_has_glyph(font, ch) for ch in special):
            return font, text
    font = fonts[-1]
    return font, "".join(_simplify_char(font, ch) if ch in special else ch for ch in text)


def _simplify_char(font: ImageFont.FreeTypeFont, char: str) -> str:
    if _has_glyph(font, char):
        return char
    plain = char.translate(_PUNCTUATION)
    if plain != char:
        return plain
    # "e" for "é": drop combining accents. Anything else (CJK without a CJK font) stays as a box.
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    return base if base and all(_has_glyph(font, c) for c in base) else char


def wrap(text: str, font: ImageFont.FreeTypeFont, max_width: float, max_lines: int) -> list[str]:
    """Greedy word wrap by rendered width; overflow ends the last line with an ellipsis."""

    def fits(s: str) -> bool:
        return font.getlength(s) <= max_width

    lines: list[str] = []
    words = text.split(" ")
    current = ""
    i = 0
    while i < len(words):
        word = words[i]
        candidate = f"{current} {word}" if current else word
        if fits(candidate):
            current = candidate
            i += 1
            continue
        if not current:
            # A single word wider than the line (URLs, CJK text without spaces): break it by characters.
            head = _longest_prefix(word, fits)
            lines.append(head)
            words[i] = word[len(head) :]
        else:
            lines.append(current)
            current = ""
        if len(lines) == max_lines:
            break
    else:
        if current:
            lines.append(current)
        return lines

    # Ran out of lines with text left over: trim the last line until it fits with an ellipsis.
    last = lines[-1].rstrip()
    while last and not fits(last + _ELLIPSIS):
        last = last[:-1].rstrip()
    lines[-1] = last + _ELLIPSIS
    return lines


def _longest_prefix(word: str, fits: Callable[[str], bool]) -> str:
    lo, hi = 1, len(word)
    while lo < hi:  # binary search for the longest prefix that fits; at least one character
        mid = (lo + hi + 1) // 2
        if fits(word[:mid]):
            lo = mid
        else:
            hi = mid - 1
    return word[:lo]
