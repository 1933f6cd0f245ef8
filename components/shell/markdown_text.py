"""Text put inside Markdown: people's own words shown exactly as typed, and the studio's words with their dollars."""

from __future__ import annotations

import re

# Every character Markdown (and Streamlit's :colour[...] and :material/...: directives) may act on.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def as_typed(text: str) -> str:
    """``text`` escaped for Markdown: it shows as typed, never as bold, links, colours, icons or formulas."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def markdown_safe(text: str) -> str:
    """The studio's own text with dollar signs kept as such: two of them in one line would otherwise start a formula."""
    return text.replace("$", "\\$")
