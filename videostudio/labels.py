"""Plain words for the form: a field's label from its name, and its help text without the transport talk.

The schemas speak to programmers ("A direct link to an online image or a Base64-encoded local image",
"cfg_scale", "this parameter"). A person needs to know what a field is for; the uploader already turns a
file into whatever the API wants. Both are rule tables, tested over the whole catalogue
(tests/test_labels.py): a new model gets plain words without a hand-written file. Per-model labels
(a studio file's ``ui.labels``) still win over these rules (``Model.label``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

# Names whose purpose a rule cannot read from the words themselves.
_EXACT = {
    "prompt": "Prompt",
    "negative_prompt": "Things to avoid",
    "seed": "Random seed",
    "cfg_scale": "How closely to follow the prompt",
    "guidance_scale": "How closely to follow the prompt",
    "duration": "Length",
    "aspect_ratio": "Shape",
    "ratio": "Shape",
    "first_frame_image": "Start image",
    "start_image_url": "Start image",
    "frame0": "Start frame",
    "frame1": "End frame",
    "last_image_url": "End image",
    "tail_image_url": "End image",
    "end_image_url": "End image",
    "last_frame_image": "End image",
    "lip_sync_tts_speaker": "Voice",
    "voice": "Voice",
    "voice_id": "Voice",
    "speaker": "Voice",
    "lip_sync_tts_content": "Words to speak",
    "enhance_prompt": "Improve my prompt automatically",
    "enable_prompt_expansion": "Improve my prompt automatically",
    "prompt_extend": "Improve my prompt automatically",
    "prompt_optimizer": "Improve my prompt automatically",
    "generate_audio": "Add sound",
    "generate_audio_switch": "Add sound",
    "generate_multi_clip_switch": "Several shots",
    "camera_fixed": "Keep the camera still",
    "camerafixed": "Keep the camera still",
    "watermark": "Add a watermark",
    "enable_safety_checker": "Safety filter",
    "safety_tolerance": "How strict the safety filter is",
    "num_inference_steps": "Refinement steps",
    "inference_steps": "Refinement steps",
    "fps": "Frames per second",
    "camera_control": "Camera movement",
    "advanced_camera_control": "Detailed camera movement",
    "dynamic_masks": "Moving areas",
    "static_mask": "Area that stays still",
    "trajectories": "Motion path",
    "multi_prompt": "Prompts, one per shot",
    "shot_type": "Single or several shots",
    "effect_scene": "Effect",
    "keep_audio": "Keep the original sound",
    "image_list": "Images",
    "references": "References",
    "reference_images": "Reference images",
    "reference_image_urls": "Reference images",
    "audio_setting": "Sound settings",
    "previous_interaction_id": "Earlier result to edit",
    "person_generation": "People in the video",
    "exr_export": "Export EXR frames",
    "hdr": "HDR",
    "id": "ID",
    "provider": "Where it runs",
    "url": "File",
    "uri": "File",
}
# Names of the image a video starts from, when the model also takes an end image or says "first frame".
_START_IMAGE_NAMES = ("image_url", "image")
_END_NAMES = ("last_image_url", "tail_image_url", "end_image_url", "last_frame_image", "frame1")
_START_WORDS = re.compile(r"(?i)\b(first|initial|start(ing)?)[ -]frame\b|starts the clip")
# Words that read oddly in a label, replaced one by one after the exact table.
_WORDS = {
    "num": "number of",
    "tts": "speech",
    "fps": "frames per second",
    "cfg": "guidance",
    "url": "",
    "urls": "",
    "uri": "",
    "id": "ID",
    "hdr": "HDR",
    "exr": "EXR",
    "min": "minimum",
    "max": "maximum",
}
_PLURAL_OF = {"image": "images", "video": "videos", "audio": "audio clips", "mask": "masks"}


def field_label(name: str, description: str = "", siblings: Collection[str] = ()) -> str:
    """What a field is for, in a few plain words: ``negative_prompt`` → "Things to avoid".

    ``siblings`` are the other field names of the same object: an ``image_url`` beside a ``last_image_url``
    is the start image.
    """
    if name in _START_IMAGE_NAMES and (any(s in _END_NAMES for s in siblings) or _START_WORDS.search(description)):
        return "Start image"
    if name in _EXACT:
        return _EXACT[name]
    words = name.replace("-", "_").split("_")
    plural = words[-1] in ("urls", "uris")
    kept = [w for w in (_WORDS.get(w.lower(), w) for w in words) if w]
    if plural and kept and kept[-1].lower() in _PLURAL_OF:
        kept[-1] = _PLURAL_OF[kept[-1].lower()]
    text = " ".join(kept).strip() or name.replace("_", " ")
    return text[:1].upper() + text[1:]


# --- help text ---------------------------------------------------------------------------------------------------

_GUIDANCE = "How closely the video follows your prompt: higher sticks to it, lower leaves the model more freedom."
# (pattern, replacement), applied in order; the specific sentences first, then the general wording.
_HELP_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE | re.MULTILINE), replacement)
    for pattern, replacement in (
        # Whole openings that only say "a link or an encoded file".
        (r"\bAn? direct link to an online (image|video) or an? Base64-encoded local \1( file)?", r"An \1"),
        (
            r"\bAn? direct link to an online audio file or an? Base64-encoded local( to)? an? audio file",
            "An audio clip",
        ),
        (r"\bAn? HTTPS URL or data URI containing an encoded (image|video)", r"An \1"),
        (r"\bAn? HTTPS URL pointing to an? (image|video) or a data URI containing an? \1", r"A \1"),
        (r"\bAn? URL or an? Base64-encoded (image|video|audio) file", r"An \1"),
        (r"\s*\(supplied via URL or Base64\)", ""),
        (r"\bURL, Base64-encoded string or asset ID of the audio", "The audio"),
        (r"\b(Image|Video|Reference image|Reference video) URLs, gs:// URIs, or base64 data URIs", r"\1s"),
        (r"\b(Image|Video|Audio|Reference image|Reference video) URL, gs:// URI, or base64 data URI", r"\1"),
        (r"\bAn array of URLs for the uploaded (\w+ )?(video|image|audio) files", r"The \1\2s"),
        (r"\bArray of reference (image|video) URLs", r"Reference \1s"),
        (r"\bArray of image URLs", "Images"),
        (r"\bArray of video URLs", "Videos"),
        (r"\bThe public URL of the video\. Only video URLs are supported\.", "The video."),
        (r"\bAn optional image URL\b", "An optional image"),
        (r"\b(?:The )?URL (?:of|to) (?:the |an? )?", "The "),
        (r"\bThe (image|video|audio) URL\b", r"The \1"),
        (r"\b(image|video|audio) URLs\b", r"\1s"),
        (r"\b(image|video|audio|frame|Start-frame|End-frame|first frame|Last frame|Source video) URL\b", r"\1"),
        (r"\b(image|video) URLs\b", r"\1s"),
        (r"\bReference (image|video) URLs\b", r"Reference \1s"),
        # Guidance: what it does, not what it is called in papers.
        (
            r"The CFG \(Classifier Free Guidance\) scale is a measure of how close you want the model to stick "
            r"to your prompt\.|Classifier-free guidance scale\. Controls prompt adherence / creativity\.",
            _GUIDANCE,
        ),
        (r"\bclassifier[- ]free guidance\b", "prompt guidance"),
        (r"\s*The seed used is always returned in the response\.", ""),
        # Where the model runs: the vendor's routing, in the words of a person who just wants a video.
        (
            r"(?s)\bProvider routing override\..*?Case-insensitive\.",
            "Where the model runs. Leave it on “auto”: the model's maker runs it, and another service takes over "
            "when the maker's fails. Pick one only if you were asked to.",
        ),
        # A schema title quoted in a sentence ("Static Brush Application Area (Mask image created …)").
        (
            r"\bThe image for Static Brush Application Area \(Mask image created by users using the motion brush\)\.",
            "Paint the parts of the picture that should stay still while the rest moves.",
        ),
        # On and off, not true and false: the person sees a toggle.
        (r"\bA boolean indicating whether\b", "Whether"),
        (r"\bIf set to true, ", "When on, "),
        (r"\bIf True, ", "When on, "),
        (r"\bset it to False\b", "turn it off"),
        (r"\bSet to [`'\"]?false[`'\"]?", "Turn it off"),
        (r"\bset ([`'\"“]?\w+[`'\"”]?) to [`'\"]?false\b[`'\"]?", r"turn \1 off"),
        (r"\bis set to [`'\"]?true[`'\"]?", "is on"),
        (r"\bis set to [`'\"]?false[`'\"]?", "is off"),
        (r"^- true:", "- On:"),
        (r"^- false:", "- Off:"),
        # Words of the schema language, not of video.
        (r"\bAn enumeration where (the .*?) determines the resolution\.", r"The resolution, named by \1."),
        (r"\bthe seed integer\b", "the seed"),
        (r"\bAn integer between\b", "A whole number between"),
        (r"\bThis is a float value between\b", "A number between"),
        (r"\bpass an array containing exactly\b", "give exactly"),
        # Talk of the request itself.
        (r"\b(?:other )?request (?:parameters|settings)\b", "settings"),
        (r"\b(?:provided |specified )?in the (\w+ )?parameter\b", ""),
        (r"\bparameters\b", "settings"),
        (r"\bparameter\b", "setting"),
        (r"\bdata URIs?\b", "file"),
        (r"\bBase64[- ]encoded\b", ""),
        (r"\bBase64\b", "a file"),
        (r"\bURLs\b", "files"),
        (r"\b(?:HTTPS? )?URL\b", "file"),
        (r"\bgs:// URIs?\b", "file"),
        (r"\bURIs?\b", "file"),
    )
)
# A field name the schema quotes ('audio_url', `image_url`, "enhance_prompt"), with its quotes.
_QUOTED_NAME = re.compile(r"[`'\"]?\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+|[a-z]+[0-9]+)\b[`'\"]?")


def plain_help(text: str, labels: Mapping[str, str] | None = None) -> str:
    """``text`` without the transport talk: "A direct link … or a Base64-encoded local image" → "An image".

    ``labels`` maps the model's field names to their labels: a name the text quotes is replaced by its
    label in quotes (“Start image”), since the person never sees the names.
    """
    if not text:
        return ""
    out = text
    for pattern, replacement in _HELP_RULES:
        out = pattern.sub(replacement, out)
    if labels:

        def name_to_label(match: re.Match[str]) -> str:
            name, whole = match.group(1), match.group(0)
            if name in labels:
                return f"“{labels[name]}”"
            # A quoted name of a setting this model's form does not show: still words, not the name.
            quoted = len(whole) > len(name) + 1 and whole[0] in "`'\"" and whole[-1] in "`'\""
            return f"“{field_label(name)}”" if quoted and "_" in name else whole

        out = _QUOTED_NAME.sub(name_to_label, out)
    out = re.sub(r"`([^`]+)`", r"“\1”", out)  # code quotes, after the names in them became labels
    out = re.sub(r"[ \t]{2,}", " ", out)
    out = re.sub(r" +([.,;:])(?=\s|$)", r"\1", out)
    out = re.sub(r"\(\s*\)", "", out)
    return out.strip()


def option_words(name: str, option: Any) -> str:
    """A choice as the form shows it: ``5`` of a duration → "5 s", ``"fast_mode"`` → "fast mode"."""
    if "duration" in name and isinstance(option, int | float) and not isinstance(option, bool):
        return f"{option} s"
    if isinstance(option, bool):
        return "On" if option else "Off"
    return str(option).replace("_", " ")


def help_with_default(help_text: str, name: str, default: Any) -> str:
    """The help text and the default in words: "On by default." for a switch, "Default: 5 s." for the rest."""
    parts = [help_text] if help_text else []
    if isinstance(default, bool):
        parts.append("On by default." if default else "Off by default.")
    elif default is not None:
        parts.append(f"Default: {option_words(name, default)}.")
    return "\n\n".join(parts)


def mentions_transport(text: str) -> bool:
    """True when ``text`` still speaks of URLs, URIs, Base64 or parameters (what the tests look for)."""
    return bool(re.search(r"(?i)\bURLs?\b|\bURIs?\b|base64|data URI|\bparameters?\b", text))


def and_list(words: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def shortened(text: str, limit: int) -> str:
    """``text`` cut to its first ``limit`` characters, with "…" when something was cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def counted(count: int, noun: str) -> str:
    """``1 clip``, ``3 clips``, ``1,200 jobs``: a count with its noun, plural unless it is one."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"
