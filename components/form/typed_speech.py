"""Type what they say: the extra choice on every audio field of a video model's form (a voice for Fabric, OmniHuman,
PixVerse lip-sync, ...), beside Upload and Web address.

The person types the words, picks a speech model (a cheap, common one to start) and one of its voices, and sees
before anything is sent how long the speech will be and what it costs (dollars first), beside the most the video
model takes; a speech longer than that is warned about before it is made. **Make the speech** makes it with one call
(videostudio.voices.make_speech): a double press or a rerun never sends it twice, and the same words in the same
voice are not made again unless the person presses **Make it again**. The speech is kept in the media storage, played
here, and becomes the field's value exactly as an upload would: a prepared audio (``{key}__prepared``, its name in
``{key}__name``), so Generate sends it, the price reads its length, the history keeps it with the job, and Upload
shows it as the field's file.

Session keys, under the field's widget key ``k``: ``k__speech_text``, ``k__speech_model``, ``k__speech_voice__<model>``
(the widgets), ``k__speech`` (the MadeSpeech), ``k__speech_asked`` (a press waiting for this run: "new" or the id of
the speech "Make it again" was drawn under), ``k__speech_claim`` (a making under way) and ``k__speech_error``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

import streamlit as st

from components.form.helper_spending import settle, start_helper_call
from components.form.media_input import MediaValue
from components.shell import services
from components.shell.markdown_text import markdown_safe
from components.shell.paid_answers import answer_box
from videostudio.api.client import new_client_request_id
from videostudio.api.errors import StudioError
from videostudio.catalogue import Model
from videostudio.catalogue.pricing import cost_text, money
from videostudio.form.fields import FieldSpec
from videostudio.media import MediaError, PreparedAudio, decode_data_uri, prepare_upload
from videostudio.media.common import seconds
from videostudio.storage import StorageError
from videostudio.voices import (
    Speech,
    SpeechModel,
    audio_limit,
    default_speech_model,
    make_speech,
    speech_estimate,
    speech_model,
    speech_models,
    speech_problem,
)

log = logging.getLogger(__name__)

TYPED = "Type what they say"
NEW = "new"


@dataclass(frozen=True)
class MadeSpeech:
    """A speech made for a field: what was asked, the kept audio, and the audio prepared for this video model."""

    speech: Speech
    prepared: PreparedAudio
    name: str  # the file name the history records for it
    made_id: str  # its request id: "Make it again" names the speech it was drawn under

    def says(self, model_id: str, voice: str, text: str) -> bool:
        return (self.speech.model_id, self.speech.voice, self.speech.text) == (model_id, voice, text)


class TypedSpeech:
    """The "Type what they say" source of an audio field (passed to ``media_input`` as its extra choice)."""

    label = TYPED

    def draw(self, spec: FieldSpec, model: Model, key: str) -> MediaValue:
        _release_stale_claim(key)
        text = st.text_area(
            "What they say",
            key=f"{key}__speech_text",
            persist_state="session",
            placeholder="Type the words, as they should be spoken.",
        )
        speaker, voice = _pick_voice(key)
        limit = audio_limit(model, spec.help)
        problem = speech_problem(speaker, voice, text) if text else None
        _show_estimate(speaker, text, limit, model, problem)
        made: MadeSpeech | None = st.session_state.get(f"{key}__speech")
        _make_button(key, made, speaker, voice, text, blocked=bool(problem) or not text.strip())
        asked = st.session_state.pop(f"{key}__speech_asked", None)
        if asked is not None:
            try:
                if _still_wanted(asked, made, speaker.id, voice, text) and not problem:
                    _make(key, spec, model, speaker, voice, text)
            finally:
                st.session_state[f"{key}__speech_claim"] = False
            st.rerun()  # drawn again with the button free and the speech in place
        error = st.session_state.get(f"{key}__speech_error")
        if error:
            st.error(error, icon=":material/error:")
        if made is None:
            return MediaValue()
        _show_made(made, changed=not made.says(speaker.id, voice, text))
        # The field's value is the speech, exactly as an uploaded recording's (components/form/media_input.py).
        for suffix, value in (("prepared", made.prepared), ("name", made.name)):
            if st.session_state.get(f"{key}__{suffix}") is not value:
                st.session_state[f"{key}__{suffix}"] = value
        st.session_state.pop(f"{key}__error", None)
        return MediaValue(value=made.prepared.data_uri, upload_name=made.name, spent_usd=made.speech.usd)


TYPED_SPEECH = TypedSpeech()


def _pick_voice(key: str) -> tuple[SpeechModel, str]:
    """The speech model and one of its voices; each model keeps its own voice choice."""
    models = {m.id: m for m in speech_models()}
    model_column, voice_column = st.columns(2)
    with model_column:
        chosen = st.selectbox(
            "Speech model",
            options=list(models),
            index=list(models).index(default_speech_model().id),
            format_func=lambda model_id: models[model_id].label,
            key=f"{key}__speech_model",
            persist_state="session",
        )
    speaker = models.get(chosen or "") or default_speech_model()
    with voice_column:
        voice = st.selectbox(
            "Voice",
            options=list(speaker.voices),
            index=speaker.voices.index(speaker.default_voice),
            format_func=lambda name: name.replace("_", " "),
            key=f"{key}__speech_voice__{re.sub(r'[^A-Za-z0-9]+', '-', speaker.id)}",
            persist_state="session",
        )
    return speaker, voice or speaker.default_voice


def _show_estimate(speaker: SpeechModel, text: str, limit: float | None, model: Model, problem: str | None) -> None:
    """About how long and how much, dollars first; the video model's audio limit; a warning past it."""
    pricing = services.helper_pricing([speaker.id]).get(speaker.id)
    estimate = speech_estimate(speaker, text, pricing)
    parts = []
    if text.strip():
        parts.append(f"About {seconds(estimate.seconds)} s")
        price = cost_text(estimate.usd) if estimate.usd is not None else "price not known"
        parts.append(f"{price} to make" + ("" if services.current_backend().bills else " (simulated)"))
    parts.append(limit_text(model, limit))
    counter = f"{len(text):,} characters" + (f" of at most {speaker.text_limit:,}" if speaker.text_limit else "")
    st.caption(markdown_safe(" · ".join([counter, *parts])))
    if problem:
        st.caption(f":red[{markdown_safe(problem)}]")
    elif limit and text.strip() and estimate.seconds > limit:
        st.warning(
            f"This speech would last about {seconds(estimate.seconds)} s, longer than the {seconds(limit)} s "
            f"{model.name} takes: it may be refused or cut short. Shorten the words before making it.",
            icon=":material/timer:",
        )


def limit_text(model: Model, limit: float | None) -> str:
    """The video model's audio limit, in words: "Fabric 1.0 takes audio up to 30 s"."""
    return (
        f"{model.name} takes audio up to {seconds(limit)} s" if limit else f"{model.name} states no audio length limit"
    )


def _make_button(
    key: str, made: MadeSpeech | None, speaker: SpeechModel, voice: str, text: str, *, blocked: bool
) -> None:
    """Make the speech; for words already made in this voice, Make it again (a second, billed call)."""
    working = bool(st.session_state.get(f"{key}__speech_claim"))
    again = made is not None and made.says(speaker.id, voice, text)
    st.button(
        "Making the speech…" if working else ("Make it again" if again else "Make the speech"),
        key=f"{key}__speech_make",
        icon=":material/hourglass_top:" if working else ":material/record_voice_over:",
        type="secondary" if again else "primary",
        on_click=_ask,
        args=(key, made.made_id if again and made else NEW),
        disabled=working or blocked,
        help="Make this speech once more: it is billed again" if again else "One call to the speech model, billed once",
    )


def _ask(key: str, press: str) -> None:
    # A press callback runs once per press, before the run: one making at a time; the rest of a double click is dropped.
    state = st.session_state
    if state.get(f"{key}__speech_claim"):
        return
    state[f"{key}__speech_claim"] = True
    state[f"{key}__speech_asked"] = press


def _release_stale_claim(key: str) -> None:
    """A claim with no press waiting for it was left by a run stopped before its ``finally``: give it back (as
    Generate's claim is, components/generate/generate_controls.py)."""
    if st.session_state.get(f"{key}__speech_claim") and f"{key}__speech_asked" not in st.session_state:
        st.session_state[f"{key}__speech_claim"] = False


def _still_wanted(asked: str, made: MadeSpeech | None, model_id: str, voice: str, text: str) -> bool:
    """Whether a press asks for a speech not made yet (False: the rest of a press already acted on)."""
    if asked == NEW:
        return made is None or not made.says(model_id, voice, text)
    return made is not None and made.made_id == asked  # Make it again counts once


def _make(key: str, spec: FieldSpec, model: Model, speaker: SpeechModel, voice: str, text: str) -> None:
    """One call; the speech kept for the field, or the reason in plain words under ``__speech_error``."""
    st.session_state.pop(f"{key}__speech_error", None)
    sending = services.assist_client()
    if isinstance(sending, str):
        st.session_state[f"{key}__speech_error"] = sending
        return
    backend, client = sending
    request_id = new_client_request_id("speech")
    estimate = speech_estimate(speaker, text, services.helper_pricing([speaker.id]).get(speaker.id)).usd
    started = start_helper_call(
        backend=backend, kind="speech", model=speaker.id, client_request_id=request_id, estimate_usd=estimate
    )
    if started.refused is not None:
        st.session_state[f"{key}__speech_error"] = started.refused  # over a spending limit: nothing was sent
        return
    box = answer_box()  # taken before the call: after it, the speech must reach the page without the session
    try:
        with st.spinner("Making the speech…", show_time=True):
            speech = make_speech(
                client,
                services.media_storage(),
                model_id=speaker.id,
                voice=voice,
                text=text,
                client_request_id=request_id,
            )
            settle(started, speech.usd)
            name = f"speech-{re.sub(r'[^A-Za-z0-9]+', '-', voice).strip('-').lower()}{speech.path.suffix}"
            prepared = prepare_upload("audio", speech.path.read_bytes(), name, model, spec.help)
            assert isinstance(prepared, PreparedAudio)  # an audio field's upload is prepared as audio
            box.put(f"{key}__speech", MadeSpeech(speech, prepared, name, request_id))
    except (StudioError, StorageError) as exc:
        log.warning("speech %s not made: %s", request_id, type(exc).__name__)
        box.put(f"{key}__speech_error", str(exc))
    except (MediaError, OSError) as exc:
        log.warning("speech %s not readable: %s", request_id, exc)
        box.put(f"{key}__speech_error", "The speech was made but could not be read back. Make it again.")
    box.deliver()


def _show_made(made: MadeSpeech, *, changed: bool) -> None:
    """The kept speech: play it, its length, voice and what it cost."""
    st.audio(_audio(made), format=made.prepared.mime)
    speech = made.speech
    spent = money(speech.usd) if speech.usd is not None else "cost not reported"
    speaker = speech_model(speech.model_id)
    st.caption(
        markdown_safe(
            f"This speech is what Generate sends: {seconds(speech.seconds)} s · "
            f"{speaker.label if speaker else speech.model_id} · {speech.voice.replace('_', ' ')} · {spent}"
        )
    )
    for note in made.prepared.notes:
        st.caption(f":material/timer: {markdown_safe(note)}")
    if changed:
        st.caption(
            "The words, model or voice changed since it was made: press Make the speech for the new one. "
            "Until then, the speech above is what Generate sends."
        )


def _audio(made: MadeSpeech) -> bytes:
    try:
        return made.speech.path.read_bytes()
    except OSError:  # the kept file went away (a cleaned media folder): play what the field will send
        return decode_data_uri(made.prepared.data_uri)[1]
