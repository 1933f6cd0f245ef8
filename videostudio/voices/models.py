"""The text-to-speech models, as the studio uses them: voices, the text limit, and how a request is written.

Read from each model's official document (``catalogue.assist_models("speech")``), never from a table of ids:

- **voices**: the ``voice`` property's ``enum`` (OpenAI, ElevenLabs, Deepgram), else a nested ``voice_id``'s (MiniMax's
  ``voice_setting.voice_id``, whose ``anyOf`` also allows custom voice ids: only the listed ones are offered);
- **default voice**: that property's ``default``, else the first voice;
- **text limit**: ``text``'s ``maxLength`` (None where the document states none);
- **voice_field**: where the voice goes in the request, as a dotted path (``voice``, ``voice_setting.voice_id``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from videostudio.catalogue.assist import AssistModel, assist_models

DEFAULT_SPEECH_MODEL = "openai/gpt-4o-mini-tts"  # cheap, common, and every voice of it is a plain name


@dataclass(frozen=True)
class SpeechModel:
    """One text-to-speech model as the studio offers it."""

    id: str
    title: str
    voices: tuple[str, ...]
    default_voice: str
    text_limit: int | None
    voice_field: str  # dotted path of the voice in the request: "voice", "voice_setting.voice_id"
    vendor: str = ""
    path: str = "/v1/tts"
    says_no_stream: bool = False  # the document has a boolean ``stream``: the studio asks for the JSON answer

    @property
    def label(self) -> str:
        """For a picker: "OpenAI · gpt-4o-mini-tts"."""
        return f"{self.vendor} · {self.title}" if self.vendor else self.title

    def request(self, text: str, voice: str) -> dict[str, Any]:
        """The request body for ``text`` in ``voice``."""
        body: dict[str, Any] = {"model": self.id, "text": text}
        if self.says_no_stream:
            body["stream"] = False  # a link to the audio in a JSON answer, not the audio streamed back
        if self.voices:
            *parents, leaf = self.voice_field.split(".")
            place = body
            for part in parents:
                place = place.setdefault(part, {})
            place[leaf] = voice
        return body


@functools.cache
def speech_models() -> tuple[SpeechModel, ...]:
    """Every text-to-speech model of the official documents, by vendor and id."""
    return tuple(_speech_model(model) for model in assist_models("speech"))


def speech_model(model_id: str) -> SpeechModel | None:
    return next((m for m in speech_models() if m.id == model_id), None)


def default_speech_model() -> SpeechModel:
    """The model a person starts with: a cheap, common one (else the first there is)."""
    models = speech_models()
    return next((m for m in models if m.id == DEFAULT_SPEECH_MODEL), models[0])


def _speech_model(model: AssistModel) -> SpeechModel:
    field, node = _voice_node(model.properties)
    voices = tuple(str(v) for branch in (node, *(node.get("anyOf") or ())) for v in branch.get("enum") or ())
    default = node.get("default")
    text = model.properties.get("text") or {}
    limit = text.get("maxLength") if isinstance(text, Mapping) else None
    stream = model.properties.get("stream")
    return SpeechModel(
        id=model.id,
        title=model.title,
        voices=voices,
        default_voice=str(default) if default in voices else (voices[0] if voices else ""),
        text_limit=int(limit) if isinstance(limit, int) else None,
        voice_field=field,
        vendor=model.vendor,
        path=model.path,
        says_no_stream=isinstance(stream, Mapping) and stream.get("type") == "boolean",
    )


def _voice_node(properties: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """Where the voice sits: ``voice`` at the top, else ``<object>.voice_id``; ("voice", {}) when there is none."""
    if isinstance(properties.get("voice"), Mapping):
        return "voice", properties["voice"]
    for name, node in properties.items():
        inner = node.get("properties") if isinstance(node, Mapping) else None
        if isinstance(inner, Mapping) and isinstance(inner.get("voice_id"), Mapping):
            return f"{name}.voice_id", inner["voice_id"]
    return "voice", {}
