"""A web address for a file on the studio's disk, served by Streamlit itself, for HTML that plays it.

A custom component (Compare's synced player) needs ``<video src=...>`` for the jobs' local copies: the API's own
links expire within a day or two. A ``data:`` URI would put the whole video into the page, through the websocket,
on every run. Instead this does what ``st.video(path)`` does inside: it hands the file to Streamlit's media file
manager, which serves it at ``/media/<hash>.mp4`` over plain HTTP with range requests (so the browser seeks
without downloading everything), for as long as this session's runs keep asking for it. The address names the
file's content hash, never a path on disk.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st
from streamlit import runtime

from components.shell.job_link import studio_base_url


def media_url(path: Path | str, slot: str, mimetype: str | None = None) -> str:
    """The address at which the browser fetches ``path`` during this session; "" without a Streamlit runtime.

    ``slot`` names the place on the page that shows the file (unique per page and file, like an element's
    position for ``st.video``): a later run that puts another file in the same slot lets the old one go. Call it
    on every run that shows the file; a run that does not releases it, as with ``st.video``.
    """
    if not runtime.exists():
        return ""
    kind = mimetype or mimetypes.guess_type(str(path))[0] or "application/octet-stream"
    address = runtime.get_instance().media_file_mgr.add(str(path), kind, f"videostudio-media[{slot}]")
    # "/media/<id>.mp4" is relative to the server's root; behind a path prefix (baseUrlPath or a proxy) the page's
    # own address says where that root is, as it does for the studio's links.
    prefix = urlsplit(studio_base_url(_page_url())).path.rstrip("/")
    return f"{prefix}{address}"


def _page_url() -> str | None:
    try:
        return st.context.url
    except Exception:  # no browser request behind this run (a bare script run): the server's root then
        return None
