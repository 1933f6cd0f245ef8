"""People's words inside Markdown are shown as typed (components/shell/markdown_text.py)."""

from __future__ import annotations

import re

from components.shell.markdown_text import as_typed

SPECIALS = set("\\`*_{}[]()#+-.!|<>~:$")


def test_every_markdown_special_is_escaped_and_nothing_else_changes() -> None:
    typed = "**Bold** _it_ [link](https://x.io) :red[warm] :material/star: $x^2$ <b>#1</b> a-b! ~s~ `c` {k} | \\"
    escaped = as_typed(typed)
    assert re.sub(r"\\(.)", r"\1", escaped) == typed  # unescaping gives back exactly what was typed
    # Read as Markdown reads it: a backslash takes the next character literally; no other special is left bare.
    bare = re.sub(r"\\.", "", escaped)
    assert not SPECIALS & set(bare), bare
    assert as_typed("A fox in the snow") == "A fox in the snow"
