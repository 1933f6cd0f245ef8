"""Offline ``POST /v1/chat/completions``: an OpenAI-compatible answer written by rule, clearly a demo (no LLM).

The last user message decides what is written (``seeing.py``): a message carrying a picture (an ``image_url``
part: a data URI, or a link to a picture this backend made) gets a description of that picture; any other gets its
text back as a richer video prompt, its shot, light, camera and mood picked from its words and the system message
(which names the target model). Tokens are counted as the studio estimates them (``videostudio.catalogue.tokens``),
and the call is priced by them at the model's catalogue rates.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from videostudio.catalogue.pricing import CREDITS_PER_USD
from videostudio.catalogue.tokens import IMAGE_TOKENS, text_tokens, tokens_words
from videostudio.media import MediaError, decode_data_uri
from videostudio.offline.assist import AssistAnswer, AssistCall
from videostudio.offline.assist.checks import model_of, refused, whole_number
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.assist.seeing import UnreadablePicture, describe, describe_link, rewrite

ROLES = ("system", "developer", "user", "assistant", "tool")


def chat_completion(call: AssistCall) -> AssistAnswer:
    payload = call.payload
    model = model_of("chat", payload)
    messages = _messages(payload.get("messages"))
    limit = whole_number(payload, "max_tokens", 1, 1_000_000, 1_000_000)
    texts, pictures = _user_parts(messages[_last_user(messages)]["content"])
    if pictures:
        content = describe_picture(pictures[0], call.files_dir)
    else:
        instructions = " ".join(_text_of(m["content"]) for m in messages if m["role"] in ("system", "developer"))
        content = rewrite(" ".join(texts), instructions)
    finish = "stop"
    if text_tokens(content) > limit:
        content, finish = " ".join(content.split()[: max(1, tokens_words(limit))]), "length"
    prompt_tokens = sum(text_tokens(_text_of(m["content"])) for m in messages)
    prompt_tokens += IMAGE_TOKENS * sum(len(_user_parts(m["content"])[1]) for m in messages if m["role"] == "user")
    completion_tokens = text_tokens(content)
    credits = credits_for(model, {"input_tokens": prompt_tokens, "output_tokens": completion_tokens})
    answer_id = "chatcmpl-" + hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:24]
    body = {
        "id": answer_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model.id,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": finish,
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "meta": {"usage": {"credits_used": credits, "usd_spent": credits / CREDITS_PER_USD}},
    }
    return AssistAnswer(body=body, model=model.id, inference_id=answer_id, credits=credits)


def _messages(value: Any) -> list[Mapping[str, Any]]:
    if value is None:
        raise refused("messages", "Required")
    if not isinstance(value, list) or not value:
        raise refused("messages", "Array must contain at least 1 element(s)")
    for index, message in enumerate(value):
        if not isinstance(message, Mapping) or message.get("role") not in ROLES:
            raise refused(f"messages.{index}.role", f"Expected {' | '.join(repr(r) for r in ROLES)}")
        content = message.get("content")
        if not isinstance(content, str | list):
            raise refused(f"messages.{index}.content", "Expected string or array of content parts")
    if not any(m["role"] == "user" for m in value):
        raise refused("messages", "At least one message must have the role 'user'")
    return value


def _last_user(messages: Sequence[Mapping[str, Any]]) -> int:
    return max(i for i, m in enumerate(messages) if m["role"] == "user")


def _text_of(content: str | list[Any]) -> str:
    if isinstance(content, str):
        return content
    return " ".join(str(p.get("text", "")) for p in content if isinstance(p, Mapping) and p.get("type") == "text")


def _user_parts(content: str | list[Any]) -> tuple[list[str], list[str]]:
    """A user message's texts and picture addresses, checked part by part."""
    if isinstance(content, str):
        return [content], []
    texts, pictures = [], []
    for index, part in enumerate(content):
        kind = part.get("type") if isinstance(part, Mapping) else None
        if kind == "text" and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif kind == "image_url":
            url = part.get("image_url", {}).get("url") if isinstance(part.get("image_url"), Mapping) else None
            if not isinstance(url, str) or not url:
                raise refused(f"content.{index}.image_url.url", "Required")
            pictures.append(url)
        elif kind != "file":
            raise refused(f"content.{index}.type", "Expected 'text' | 'image_url' | 'file'")
    return texts, pictures


def describe_picture(url: str, files_dir: Path) -> str:
    """The description of the picture at ``url``: a data URI, or a link to a file this backend made (read from its
    folder). Other links are never fetched, like every web address the offline backend is given: the description
    then says so. A 400 when the picture can't be read."""
    data = _own_file(url, files_dir) if url.startswith(("http://", "https://")) else _data_uri_bytes(url)
    if data is None:
        return describe_link(url)
    try:
        return describe(data)
    except UnreadablePicture:
        raise refused("image_url.url", "The image could not be read. Send a JPEG, PNG, GIF or WebP picture.") from None


def _data_uri_bytes(url: str) -> bytes:
    if not url.startswith("data:"):
        raise refused("image_url.url", "Expected a URL or a base64 data URI")
    try:
        return decode_data_uri(url)[1]
    except MediaError:
        raise refused("image_url.url", "Invalid base64 image data") from None


def _own_file(url: str, files_dir: Path) -> bytes | None:
    name = re.fullmatch(r"/files/([0-9a-f]{32}\.(?:png|jpg))", urlsplit(url).path)
    path = files_dir / name.group(1) if name else None
    return path.read_bytes() if path is not None and path.is_file() else None
