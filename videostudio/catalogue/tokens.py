"""How many tokens a chat model counts for a text or a picture, as an estimate made from the words.

A chat model is priced per token, in and out; the studio shows the price before the press, when only the words
are known. About three words make four tokens in English prose; a picture sent at ``detail: "low"`` counts a fixed
number of tokens (OpenAI's figure for a low-detail image). The offline backend counts its answers the same way,
so the demo's price after the press is the one shown before it, for the same words.
"""

from __future__ import annotations

import math

TOKENS_PER_WORD = 4 / 3
IMAGE_TOKENS = 85  # one picture sent at detail "low"


def text_tokens(text: str) -> int:
    """The tokens of ``text``: its words × 4/3, rounded up (0 for no words)."""
    return math.ceil(len(text.split()) * TOKENS_PER_WORD)


def tokens_words(tokens: int) -> int:
    """About how many words ``tokens`` tokens hold (the inverse of ``text_tokens``)."""
    return int(tokens / TOKENS_PER_WORD)
