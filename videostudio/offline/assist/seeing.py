"""The offline chat's eyes and pen: a prompt enriched by rule, and a picture described from its pixels. No LLM.

Both are deterministic: the same words (and target model) give the same rewrite, the same picture the same
description. Each ends with a mark saying it is the offline demo's, so nobody mistakes it for a model's writing.
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Sequence
from urllib.parse import urlsplit

from PIL import Image, ImageStat, UnidentifiedImageError

REWRITE_MARK = "[offline demo rewrite: made by rule, no LLM]"
DESCRIPTION_MARK = "[offline demo description: made from the picture's size and colours, no LLM]"

SHOTS = (
    "a wide establishing shot",
    "a slow close-up",
    "a medium tracking shot",
    "a low-angle hero shot",
    "an over-the-shoulder shot",
    "a high aerial view",
)
LIGHTS = (
    "soft golden-hour light",
    "cool blue moonlight",
    "warm tungsten practicals",
    "hard midday sun with crisp shadows",
    "diffuse overcast light",
    "neon reflections on wet surfaces",
)
CAMERAS = (
    "the camera dollies in slowly",
    "a steady handheld follow",
    "a smooth crane rise",
    "a gentle orbit around the subject",
    "a locked-off tripod frame",
    "a slow pan from left to right",
)
MOODS = (
    "calm and contemplative",
    "tense and expectant",
    "joyful and light",
    "dreamlike and quiet",
    "epic and sweeping",
    "intimate and warm",
)
PHRASES: dict[str, Sequence[str]] = {"shot": SHOTS, "light": LIGHTS, "camera": CAMERAS, "mood": MOODS}
# Words that decide a phrase outright, before the hash does: "a city at night" wants night light.
CUES: dict[str, tuple[str, str]] = {
    "night": ("light", "cool blue moonlight"),
    "moon": ("light", "cool blue moonlight"),
    "sunset": ("light", "soft golden-hour light"),
    "sunrise": ("light", "soft golden-hour light"),
    "neon": ("light", "neon reflections on wet surfaces"),
    "rain": ("light", "neon reflections on wet surfaces"),
    "chase": ("mood", "tense and expectant"),
    "storm": ("mood", "epic and sweeping"),
    "mountain": ("shot", "a high aerial view"),
    "portrait": ("shot", "a slow close-up"),
    "face": ("shot", "a slow close-up"),
    "running": ("camera", "a steady handheld follow"),
}

# Colour names a person would use, and a typical sRGB value of each: a pixel takes the nearest one's name.
COLOURS: dict[str, tuple[int, int, int]] = {
    "black": (18, 18, 18),
    "charcoal grey": (70, 70, 72),
    "grey": (128, 128, 128),
    "silver": (192, 192, 192),
    "white": (242, 242, 242),
    "red": (200, 30, 35),
    "orange": (235, 130, 30),
    "yellow": (235, 215, 50),
    "green": (50, 160, 60),
    "olive": (110, 115, 40),
    "teal": (30, 140, 140),
    "sky blue": (110, 170, 230),
    "blue": (35, 70, 200),
    "navy": (20, 30, 85),
    "purple": (120, 50, 165),
    "pink": (235, 120, 170),
    "brown": (115, 75, 45),
    "beige": (220, 200, 160),
}


def rewrite(prompt: str, instructions: str) -> str:
    """``prompt`` with a shot, light, camera move and mood added, chosen from its words and the instructions (which
    name the target model): the same request always gives the same rewrite."""
    words = re.findall(r"[a-z0-9']+", prompt.lower())
    basis = " ".join(words) + "|" + " ".join(instructions.lower().split())
    picked = {name: phrases[zlib.crc32(f"{name}|{basis}".encode()) % len(phrases)] for name, phrases in PHRASES.items()}
    picked.update(CUES[word] for word in words if word in CUES)
    shot, light, camera, mood = (picked[name] for name in PHRASES)
    subject = " ".join(prompt.split()).rstrip(" .")
    return f"{subject}. {shot[0].upper()}{shot[1:]} in {light}; {camera}. The mood is {mood}. {REWRITE_MARK}"


class UnreadablePicture(ValueError):
    """The bytes are not a picture Pillow can open."""


def describe(data: bytes) -> str:
    """A prompt-like description of a picture from its size, orientation, dominant colours and brightness."""
    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            small = opened.convert("RGB")
            small.thumbnail((48, 48))
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise UnreadablePicture(str(exc)) from None
    colours = dominant_colours(small)
    light = _brightness_words(ImageStat.Stat(small.convert("L")).mean[0])
    saturation = ImageStat.Stat(small.convert("HSV")).mean[1]
    tone = "vivid" if saturation > 110 else "muted" if saturation < 45 else "natural"
    basis = zlib.crc32(small.tobytes())
    camera, mood = CAMERAS[basis % len(CAMERAS)], MOODS[(basis // 7) % len(MOODS)]
    palette = colours[0] if len(colours) == 1 else ", ".join(colours[:-1]) + f" and {colours[-1]}"
    return (
        f"A {orientation(width, height)} picture ({width}×{height} px), {light}, in {tone} colours: "
        f"mostly {palette}. Bring it to life: {camera}, the scene {mood}. {DESCRIPTION_MARK}"
    )


def describe_link(url: str) -> str:
    """What the offline demo can say of a picture behind a web address it does not fetch: where it is."""
    parts = urlsplit(url)
    name = parts.path.rsplit("/", 1)[-1] or "a picture"
    return (
        f"A picture from {parts.hostname or 'the web'} ({name}), not looked at: the offline demo never fetches web "
        f"addresses. Describe it in your own words, or upload it. {DESCRIPTION_MARK}"
    )


def orientation(width: int, height: int) -> str:
    ratio = width / height if height else 1.0
    return "square" if 0.95 <= ratio <= 1.05 else "landscape" if ratio > 1 else "portrait"


def dominant_colours(picture: Image.Image, most: int = 3) -> list[str]:
    """The names of the colours covering most of ``picture`` (an RGB image), largest first; each over 10%."""
    counts: dict[str, int] = {}
    for count, pixel in picture.getcolors(picture.width * picture.height) or ():
        name = min(COLOURS, key=lambda n: sum((a - b) ** 2 for a, b in zip(pixel, COLOURS[n], strict=True)))
        counts[name] = counts.get(name, 0) + count
    total = sum(counts.values()) or 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    named = [name for name, count in ranked[:most] if count / total >= 0.1]
    return named or [ranked[0][0]]


def _brightness_words(mean_luma: float) -> str:
    if mean_luma < 60:
        return "dark and low-key"
    if mean_luma < 110:
        return "dimly lit"
    if mean_luma < 175:
        return "evenly lit"
    return "bright and high-key"
