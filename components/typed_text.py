"""People's own words (prompts, preset names, messages read from files) inside Markdown, shown as typed."""

from __future__ import annotations

import re

# Every character Markdown (and Streamlit's :colour[...] and :material/...: directives) may act on.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def as_typed(text: str) -> str:
    """``text`` escaped for Markdown: it shows as typed, never as bold, links, colours, icons or formulas."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)
