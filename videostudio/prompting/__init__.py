"""The prompt helper: a chat model proposes a richer prompt for a video model, or writes one from a start picture.

Pure (no Streamlit). ``improve_prompt`` tells the chat model which video model the prompt is for and asks for one
richer prompt and nothing else; ``describe_picture`` sends the picture as an ``image_url`` part (a data URI or a
link) to a chat model that sees pictures. Each is one ``POST /v1/chat/completions``, never retried (it is billed),
and gives a ``Proposal``: the text and what it cost. The person reads it, edits it and accepts it or not: nothing
here changes a form.

The price before the press is estimated from the words (``estimate``): tokens ≈ words × 4/3 in and out
(``videostudio.catalogue.tokens``), at the chat model's catalogue rates.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from videostudio.api.assist_client import AssistClient
from videostudio.api.errors import ResponseFormatError, SubmitAnswerLost
from videostudio.catalogue.assist import ASSIST_KINDS, assist_models
from videostudio.catalogue.pricing import quote_counts
from videostudio.catalogue.tokens import IMAGE_TOKENS, text_tokens

# The chat model the helper asks unless told otherwise: cheap, quick, and it sees pictures.
DEFAULT_CHAT_MODEL = "gpt-4o-mini"
# The longest answer asked for: a prompt is a paragraph; this bounds what a press can cost.
MAX_ANSWER_TOKENS = 400
# How much longer than the prompt a proposal is expected to be, and how long a description: for the estimate only.
ADDED_TOKENS = 80
DESCRIPTION_TOKENS = 120

IMPROVE_INSTRUCTIONS = (
    "You write prompts for the AI video model {title}. Rewrite the person's prompt into one richer prompt for that "
    "model: keep their subject, action and intent, and add the shot and framing, the light, the camera movement "
    "and the mood, in one paragraph of at most 120 words, in the person's language. Answer with the improved "
    "prompt only: no title, no quotes, no notes."
)
DESCRIBE_INSTRUCTIONS = (
    "You write prompts for AI video models that start from a picture. Describe the picture as a prompt for a short "
    "video that begins with it: the subject, the setting, the light and colours, then a camera movement and a "
    "mood that suit it, in one paragraph of at most 100 words. Answer with the prompt only: no title, no quotes."
)


def _nothing_written() -> ResponseFormatError:
    return ResponseFormatError(
        "The prompt helper answered without a prompt.", "Try again, or pick another helper model."
    )


@dataclass(frozen=True)
class Proposal:
    """What the helper proposes, and what asking cost (None when the API did not say)."""

    text: str
    usd: float | None


@dataclass(frozen=True)
class HelperEstimate:
    """The price of one helper call before it is made, from the words: tokens in and out, and dollars."""

    input_tokens: int
    output_tokens: int
    usd: float | None  # None: the chat model's price is unknown


def chat_models(*, sees_pictures: bool = False) -> tuple[str, ...]:
    """The chat models the helper can ask (from their documents), the default first; those taking pictures if asked."""
    ids = [m.id for m in assist_models("chat") if not sees_pictures or _takes_pictures(m.schema)]
    return tuple(sorted(ids, key=lambda i: (i != DEFAULT_CHAT_MODEL, i)))


def improve_messages(video_model_title: str, prompt: str) -> list[dict[str, Any]]:
    return [
        {"role": "system", "content": IMPROVE_INSTRUCTIONS.format(title=video_model_title)},
        {"role": "user", "content": prompt.strip()},
    ]


def describe_messages(image: str) -> list[dict[str, Any]]:
    parts = [
        {"type": "text", "text": "Write the prompt for this start picture."},
        {"type": "image_url", "image_url": {"url": image, "detail": "low"}},
    ]
    return [{"role": "system", "content": DESCRIBE_INSTRUCTIONS}, {"role": "user", "content": parts}]


def improve_estimate(video_model_title: str, prompt: str, pricing: Mapping[str, Any] | None) -> HelperEstimate:
    asked = _input_tokens(improve_messages(video_model_title, prompt))
    return _estimate(asked, min(MAX_ANSWER_TOKENS, text_tokens(prompt) + ADDED_TOKENS), pricing)


def describe_estimate(pricing: Mapping[str, Any] | None) -> HelperEstimate:
    return _estimate(_input_tokens(describe_messages("")), DESCRIPTION_TOKENS, pricing)


def improve_prompt(
    client: AssistClient, *, chat_model: str, video_model_title: str, prompt: str, client_request_id: str
) -> Proposal:
    """One richer prompt for ``video_model_title``, proposed by ``chat_model``. Raises StudioError (plain words)."""
    if not prompt.strip():
        raise ValueError("improve_prompt needs a prompt")
    return _ask(client, chat_model, improve_messages(video_model_title, prompt), client_request_id)


def describe_picture(client: AssistClient, *, chat_model: str, image: str, client_request_id: str) -> Proposal:
    """A prompt written from ``image`` (a data URI or a link) by a chat model that sees pictures."""
    return _ask(client, chat_model, describe_messages(image), client_request_id)


def _ask(client: AssistClient, chat_model: str, messages: list[dict[str, Any]], client_request_id: str) -> Proposal:
    payload = {"model": chat_model, "messages": messages, "max_tokens": MAX_ANSWER_TOKENS}
    try:
        reply = client.post(ASSIST_KINDS["chat"].path, payload, client_request_id=client_request_id)
    except SubmitAnswerLost as lost:
        raise SubmitAnswerLost(
            "The prompt helper's answer was lost on the way back; it may have been charged (a fraction of a cent).",
            "Press again to ask anew.",
            client_request_id=lost.client_request_id,
        ) from lost
    return Proposal(text=_answer_text(reply.body), usd=reply.usd_spent)


def _answer_text(body: Mapping[str, Any]) -> str:
    try:
        content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise _nothing_written() from None
    if isinstance(content, list):  # some models answer in parts
        content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping))
    text = str(content or "").strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'“”":
        text = text[1:-1].strip()
    if not text:
        raise _nothing_written()
    return text


def _input_tokens(messages: list[dict[str, Any]]) -> int:
    total = 0
    for message in messages:
        content = message["content"]
        parts = [{"type": "text", "text": content}] if isinstance(content, str) else content
        total += sum(text_tokens(p["text"]) if p["type"] == "text" else IMAGE_TOKENS for p in parts)
    return total


def _estimate(input_tokens: int, output_tokens: int, pricing: Mapping[str, Any] | None) -> HelperEstimate:
    quote = quote_counts(
        pricing, {"input_tokens": input_tokens, "output_tokens": output_tokens, "token": input_tokens + output_tokens}
    )
    return HelperEstimate(input_tokens, output_tokens, quote.usd if quote else None)


def _takes_pictures(schema: Mapping[str, Any]) -> bool:
    return '"image_url"' in json.dumps(schema)
