"""What a person reads about a model that its official document does not say: readable name, vendor, one-line
summary, an estimated run time, and the length and size of the video it makes by default.

- **vendor**: from the id's prefix by ``VENDORS`` (``klingai/`` and ``kling-video/`` are "Kling AI"); an id without a
  known prefix gets its document's folder (``Kuaishou-Technology`` → "Kuaishou Technology"), else its own prefix.
- **name**: the document's ``info.title`` when it names the model (the official ones say "AIML API"), else the id
  made readable: vendor prefix dropped, ``2-6`` → ``2.6``, ``t2v`` → ``text-to-video``, words capitalized.
- **summary**: the first sentence of ``info.description`` without markdown; the official documents have none, so
  the line is written from the model's tasks ("Makes a video from a text prompt or animates a picture.").
- **typical_seconds**: an **estimate** (no document states one): ``RUN_SECONDS`` by vendor, halved for a fast,
  turbo, flash, lite, draft or distilled variant, at least 30 s; 120 s for a vendor not in the table.
- **output**: ``duration``'s default (else its first choice, else its minimum; else ``num_frames`` over
  ``frames_per_second``, 16 when unstated; else 5 s) and ``resolution``'s default (else its first choice, else 720 px)
  read as the shorter side (``1080p`` → 1080, ``4k`` → 2160, ``fhd`` → 1080, ``1280:720`` → 720).
"""

from __future__ import annotations

import re
from typing import Any

from videostudio.catalogue.tasks import Task

VENDORS: dict[str, str] = {
    "alibaba": "Alibaba",
    "wan": "Alibaba",
    "beeble": "Beeble",
    "blackforestlabs": "Black Forest Labs",
    "bytedance": "ByteDance",
    "google": "Google",
    "veo2": "Google",
    "kling-video": "Kling AI",
    "klingai": "Kling AI",
    "krea": "Krea",
    "ltxv": "LTXV",
    "luma": "Luma AI",
    "magic": "Magic",
    "minimax": "MiniMax",
    "openai": "OpenAI",
    "pixverse": "PixVerse",
    "runway": "Runway",
    "runway-gen3": "Runway",
    "sber-ai": "Sber AI",
    "tencent": "Tencent",
    "veed": "VEED",
    "x-ai": "xAI",
}
# Ids with no vendor prefix, by how they start.
UNPREFIXED: dict[str, str] = {"veo": "Google", "video-01": "MiniMax", "gen3a": "Runway"}

# Estimated seconds from submit to a finished video, by vendor (none of the documents states one).
RUN_SECONDS: dict[str, int] = {
    "Alibaba": 180,
    "Beeble": 120,
    "Black Forest Labs": 90,
    "ByteDance": 120,
    "Google": 120,
    "Kling AI": 180,
    "Krea": 120,
    "LTXV": 60,
    "Luma AI": 90,
    "Magic": 90,
    "MiniMax": 150,
    "OpenAI": 180,
    "PixVerse": 60,
    "Runway": 60,
    "Sber AI": 120,
    "Tencent": 60,
    "VEED": 110,
    "xAI": 60,
}
DEFAULT_RUN_SECONDS = 120
_QUICK_VARIANT = re.compile(r"fast|turbo|flash|lite|draft|distill")

_WORDS = {
    "t2v": "text-to-video",
    "i2v": "image-to-video",
    "r2v": "reference-to-video",
    "v2v": "video-to-video",
    "ltxv": "LTXV",
}
# Id prefixes that name a model family rather than only the vendor: kept at the front of the readable name.
NAME_PREFIXES = {
    "kling-video": "Kling",
    "klingai": "Kling",
    "wan": "Wan",
    "veo2": "Veo2",
    "runway-gen3": "Runway Gen3",
    "pixverse": "PixVerse",
    "magic": "Magic",
    "runway": "Runway",
    "luma": "Luma",
    "minimax": "MiniMax",
}
_GENERIC_TITLES = {"aiml api", "ai/ml api", "ai/ml gateway"}


def vendor_of(model_id: str, folder: str = "") -> str:
    """The readable vendor of a model id (``klingai/...`` → "Kling AI")."""
    prefix, slash, _ = model_id.partition("/")
    if slash and prefix.casefold() in VENDORS:
        return VENDORS[prefix.casefold()]
    for start, vendor in UNPREFIXED.items():
        if model_id.casefold().startswith(start):
            return vendor
    if folder:
        return folder.replace("-", " ").replace("_", " ")
    return prefix if slash else "Other"


def readable_name(model_id: str, title: str = "") -> str:
    """A name a person can read: the document's title when it is one, else the id made readable."""
    if title and title.strip().casefold() not in _GENERIC_TITLES and title.strip() != model_id:
        return title.strip()
    prefix, slash, rest = model_id.partition("/")
    family = NAME_PREFIXES.get(prefix.casefold(), "") if slash else ""
    if slash and rest and (family or prefix.casefold() in VENDORS):
        text = re.sub(r"^(kling-video-|video-)", "", rest) if family == "Kling" else rest
    else:
        text = model_id
    text = re.sub(r"(?<=\d)-(?=\d(-|$))", ".", text)  # version numbers: wan-2-6 → wan-2.6, veo3-1 → veo3.1
    words = [family] if family else []
    for word in re.split(r"[/\s_]+|(?<!-to)-(?!to-)", text):
        word = _WORDS.get(word.casefold(), word)
        if word:
            words.append(word[:1].upper() + word[1:] if word[:1].isalpha() and not _is_version(word) else word)
    return " ".join(words) or model_id


def _is_version(word: str) -> bool:
    return bool(re.fullmatch(r"v\d[\w.]*", word))


def summary_line(description: str, tasks: frozenset[Task]) -> str:
    """One plain line: the description's first sentence without markdown, else what the tasks say."""
    text = _plain(description)
    if text:
        match = re.match(r"(.+?[.!?])(\s|$)", text)
        return (match.group(1) if match else text).strip()
    phrases = [task.sheet.phrase for task in Task if task in tasks]
    if not phrases:
        return ""
    line = phrases[0] if len(phrases) == 1 else ", ".join(phrases[:-1]) + ", or " + phrases[-1]
    return line[:1].upper() + line[1:] + "."


def _plain(markdown: str) -> str:
    text = re.sub(r"```.*?```", " ", markdown or "", flags=re.S)
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images keep their words
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"[*_`#>|]+", "", text)
    return " ".join(text.split())


def estimated_run_seconds(model_id: str, vendor: str) -> int:
    """The estimated run time: by vendor, halved for a quick variant, at least 30 s."""
    seconds = RUN_SECONDS.get(vendor, DEFAULT_RUN_SECONDS)
    if _QUICK_VARIANT.search(model_id.casefold()):
        seconds //= 2
    return max(30, seconds)


def output_seconds(properties: dict[str, Any]) -> float:
    """The length of the video the model makes when the request does not say."""
    for name in ("duration", "seconds", "video_duration"):
        prop = properties.get(name)
        if prop:
            value = _default_choice(prop) if "minimum" not in prop or "default" in prop else prop["minimum"]
            try:
                return float(value)
            except (TypeError, ValueError):
                continue
    frames = properties.get("num_frames", {}).get("default")
    if _is_number(frames) and frames > 0:
        rate = properties.get("frames_per_second", {}).get("default")
        return round(frames / (rate if _is_number(rate) and rate > 0 else ASSUMED_FPS), 1)
    return 5.0


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def output_short_side(properties: dict[str, Any]) -> int:
    """The shorter side in pixels of the video the model makes when the request does not say."""
    for name in ("resolution", "max_resolution", "frame_size", "size"):
        prop = properties.get(name)
        if prop:
            side = short_side_of(_default_choice(prop))
            if side:
                return side
    return 720


# Frames per second assumed when a model counts frames but states no rate (the Wan family renders 16 per second).
ASSUMED_FPS = 16

_NAMED_SIDES = {"sd": 480, "hd": 720, "fhd": 1080, "qhd": 1440, "uhd": 2160, "2k": 1440, "4k": 2160}


def short_side_of(value: Any) -> int:
    """``"1080p"`` → 1080, ``"4k"`` → 2160, ``"1280:720"`` → 720, ``720`` → 720; 0 when it says no size."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    text = str(value or "").strip().casefold()
    if text in _NAMED_SIDES:
        return _NAMED_SIDES[text]
    pair = re.fullmatch(r"(\d+)\s*[:x*×]\s*(\d+)", text)
    if pair:
        return min(int(pair.group(1)), int(pair.group(2)))
    number = re.fullmatch(r"(\d+)\s*p?", text)
    return int(number.group(1)) if number else 0


def _default_choice(prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    choices = prop.get("enum") or []
    return choices[0] if choices else None
