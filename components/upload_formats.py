"""The file types an upload field takes, in a few words, with the full list behind a hover.

The uploaders are drawn without a ``type`` filter: a filtered uploader refuses a file in the browser with a
small note of its own, the studio never sees it, and the field counts as empty, so a text-only job could go
out. Every file reaches the studio's own checks instead (videostudio.media), which say what is wrong under
the field and hold Generate back until it is removed or replaced.
"""

from __future__ import annotations

import streamlit as st

from videostudio.media.kinds import media_kind_sheet


def formats_caption(kind: str) -> None:
    """``JPG, PNG, WebP and other photos`` under an uploader, the whole list on the ``?``."""
    short, full = media_kind_sheet(kind).accepted()
    st.caption(short, help=f"Accepted: {full}." if full != short else None)
