"""Plain words: every label and help text of the whole catalogue, and the rules that make them."""

from __future__ import annotations

import re

from videostudio.catalogue import load_catalogue
from videostudio.form import FieldSpec, form_fields
from videostudio.labels import (
    and_list,
    counted,
    field_label,
    help_with_default,
    mentions_transport,
    option_words,
    plain_help,
    shortened,
)

CATALOGUE = load_catalogue()


def _all_specs(specs: list[FieldSpec] | tuple[FieldSpec, ...]) -> list[FieldSpec]:
    out: list[FieldSpec] = []
    for spec in specs:
        out.append(spec)
        out += _all_specs(spec.children) + _all_specs(spec.variants)
    return out


EVERY_FIELD = [(model.id, spec) for model in CATALOGUE for spec in _all_specs(form_fields(model))]


def test_the_whole_catalogue_is_covered() -> None:
    assert len(CATALOGUE) >= 143
    assert len(EVERY_FIELD) > 1000


def test_no_label_is_a_raw_name_or_speaks_of_transport() -> None:
    wrong = [
        f"{model_id}: {spec.path} → {spec.label!r}"
        for model_id, spec in EVERY_FIELD
        if "_" in spec.label
        or spec.label[:1] != spec.label[:1].upper()
        or re.search(r"(?i)\burls?\b|base64|\buri\b", spec.label)
    ]
    assert not wrong, "\n".join(wrong)


def test_no_help_text_speaks_of_transport() -> None:
    wrong = [
        f"{model_id}: {spec.path}: {spec.help!r}" for model_id, spec in EVERY_FIELD if mentions_transport(spec.help)
    ]
    assert not wrong, "\n".join(wrong)


# Words a person should never meet in a label or a help text: the vendor's routing, code and schema words, raw
# booleans, a schema title pasted into a sentence, a quoted field name. (pattern, what it catches)
BANNED = (
    (r"(?i)provider routing|fallback chain|\bfal(?:\.ai)?\b|\bmirror\b", "the vendor's routing"),
    (r"(?i)case[- ]insensitive", "code talk"),
    (r"\b(?:True|False|true|false)\b", "a raw boolean"),
    (r"`", "code quotes"),
    (r"(?i)\benum(?:eration)?s?\b|\bbooleans?\b|\bfloats?\b|\barrays?\b|\bnull\b|\bintegers?\b", "schema types"),
    (r"(?i)\bschema\b|\bpayload\b|\bjson\b|\bCFG\b", "schema words"),
    (r"(?<![.:!?\-—]\s)(?<!^)\b[A-Z][a-z]+(?: [A-Z][a-z]+){2,}\b", "a schema title mid-sentence"),
    (r"[\"'“][a-z0-9]+_\w+[\"'”]", "a quoted field name"),
)


def banned_words(text: str) -> list[str]:
    """What ``text`` says that a person should not read, as "why: words"."""
    return [f"{why}: {m.group(0)!r}" for pattern, why in BANNED for m in re.finditer(pattern, text, re.MULTILINE)]


def test_no_label_or_help_text_of_any_model_has_vendor_code_or_schema_words() -> None:
    assert len({model_id for model_id, _ in EVERY_FIELD}) == len(CATALOGUE) >= 143
    wrong = [
        f"{model_id}: {spec.path}: {found} in {text!r}"
        for model_id, spec in EVERY_FIELD
        for text in (spec.label, help_with_default(spec.help, spec.name, spec.default))
        for found in banned_words(text)
    ]
    assert not wrong, "\n".join(wrong)


def test_the_banned_list_sees_what_a_newcomer_met() -> None:
    met = [
        "Provider routing override. `google` runs native Google with no fallback; `fal` runs the fal.ai mirror; "
        "`auto` (default) uses the Google -> fal.ai fallback chain. Case-insensitive.",
        "Default: True.",
        "The image for Static Brush Application Area (Mask image created by users using the motion brush).",
        'This setting takes effect only when "prompt_extend" is set to true.',
    ]
    assert all(banned_words(text) for text in met)
    assert not banned_words("The image that starts the clip. On by default.\n\n- On: Several shots.")


def test_the_help_the_newcomer_read_is_plain() -> None:
    veo = CATALOGUE.get("google/veo-3.1-t2v")
    provider = next(spec for spec in form_fields(veo) if spec.name == "provider")
    assert provider.label == "Where it runs"
    assert provider.help.startswith("Where the model runs. Leave it on “auto”")
    sound = next(spec for spec in form_fields(veo) if spec.name == "generate_audio")
    assert help_with_default(sound.help, sound.name, sound.default).endswith("On by default.")
    kling = CATALOGUE.get("kling-video/v1/pro/image-to-video")
    brush = next(spec for spec in form_fields(kling) if spec.name == "static_mask")
    assert brush.help == "Paint the parts of the picture that should stay still while the rest moves."


def test_defaults_and_choices_in_words() -> None:
    assert help_with_default("", "generate_audio", False) == "Off by default."
    assert help_with_default("Adds sound.", "generate_audio", True) == "Adds sound.\n\nOn by default."
    assert help_with_default("", "duration", 5) == "Default: 5 s."
    assert help_with_default("", "mode", None) == ""
    assert (option_words("mode", "fast_mode"), option_words("loop", True)) == ("fast mode", "On")


def test_the_check_itself_sees_transport_talk() -> None:
    assert mentions_transport("A direct link to an online image or a Base64-encoded local image")
    assert mentions_transport("This parameter takes effect only when")
    assert not mentions_transport("An image to start the video from.")


def test_the_words_a_person_knows() -> None:
    assert field_label("negative_prompt") == "Things to avoid"
    assert field_label("cfg_scale") == "How closely to follow the prompt"
    assert field_label("guidance_scale") == "How closely to follow the prompt"
    assert field_label("seed") == "Random seed"
    assert field_label("duration") == "Length"
    assert field_label("aspect_ratio") == "Shape"
    assert field_label("lip_sync_tts_speaker") == "Voice"
    assert field_label("last_image_url") == "End image"
    assert field_label("tail_image_url") == "End image"


def test_an_image_beside_an_end_image_or_called_a_first_frame_is_the_start_image() -> None:
    assert field_label("image_url", "", ["image_url", "tail_image_url"]) == "Start image"
    assert field_label("image_url", "An image to be used as the first frame of the video.") == "Start image"
    assert field_label("image_url", "The picture to animate.", ["image_url", "prompt"]) == "Image"


def test_unknown_names_are_read_as_words() -> None:
    assert field_label("num_interpolated_frames") == "Number of interpolated frames"
    assert field_label("reference_video_urls") == "Reference videos"
    assert field_label("mask_video_url") == "Mask video"


def test_help_speaks_of_the_effect_not_the_transport() -> None:
    link = "A direct link to an online image or a Base64-encoded local image that will serve as the first frame."
    assert plain_help(link) == "An image that will serve as the first frame."
    assert (
        plain_help("The URL of the audio file. Maximum file size: 5 MB.") == "The audio file. Maximum file size: 5 MB."
    )
    assert plain_help("Camera control parameters.") == "Camera control settings."
    assert plain_help("Video URL, gs:// URI, or base64 data URI for edit workflows.") == "Video for edit workflows."


def test_help_names_other_fields_by_their_labels() -> None:
    text = "Use either audio_url or (lip_sync_tts_speaker together with lip_sync_tts_content), but not both."
    labels = {"audio_url": "Audio", "lip_sync_tts_speaker": "Voice", "lip_sync_tts_content": "Words to speak"}
    assert plain_help(text, labels) == "Use either “Audio” or (“Voice” together with “Words to speak”), but not both."
    assert plain_help("Cannot be combined with `image_url`.", {"image_url": "Start image"}) == (
        "Cannot be combined with “Start image”."
    )


def test_a_studio_files_own_labels_still_win() -> None:
    kling = CATALOGUE.get("kling-video/v1/standard/image-to-video")
    assert kling.label("tail_image_url") == "End frame"
    pixverse = CATALOGUE.get("pixverse/v5/image-to-video")
    assert pixverse.label("lip_sync_tts_speaker") == "Voice"
    assert pixverse.label("negative_prompt") == "Things to avoid"


def test_guidance_is_explained_by_its_effect() -> None:
    text = (
        "The CFG (Classifier Free Guidance) scale is a measure of how close you want the model to stick to your prompt."
    )
    assert plain_help(text) == (
        "How closely the video follows your prompt: higher sticks to it, lower leaves the model more freedom."
    )
    no_jargon = [s.help for _, s in EVERY_FIELD if re.search(r"(?i)classifier", s.help)]
    assert not no_jargon


def test_counts_and_lists_read_as_sentences() -> None:
    assert [counted(n, "clip") for n in (0, 1, 2, 1200)] == ["0 clips", "1 clip", "2 clips", "1,200 clips"]
    assert [and_list(w) for w in (["a"], ["a", "b"], ["a", "b", "c"])] == ["a", "a and b", "a, b and c"]
    assert [shortened("abcdef", n) for n in (3, 6, 10)] == ["abc…", "abcdef", "abcdef"]
