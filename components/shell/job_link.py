"""Links that open what they name: ``/history?job=<id>`` opens a job, ``/?model=<id>`` a model's form,
``/compare?jobs=<id>,<id>`` plays finished jobs side by side.

The studio's own address comes from the browser (``st.context.url``), so a link works wherever the studio is
served from. A link carries only a job or model id: never the API key, nor this browser's draft id.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

import streamlit as st

from videostudio.history.store import Job

JOB_PARAM = "job"
# The jobs Compare shows, in order, comma-separated.
COMPARE_PARAM = "jobs"
COMPARE_PAGE = "pages/compare.py"
GENERATE_PAGE = "pages/generate.py"
# The url paths of the studio's pages (app.py's st.navigation); the default page has none.
PAGE_PATHS = ("history", "models", "generate", "compare", "boards", "showcase")
# The board a showcase link plays: its share token (or, for its owner, its id).
BOARD_PARAM = "board"


def studio_base_url(page_url: str | None) -> str:
    """``http://host:8501/history`` → ``http://host:8501``: the address of the studio, without page or query."""
    if not page_url:
        return ""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    last = path.rsplit("/", 1)[-1]
    if last in PAGE_PATHS:
        path = path[: -len(last)].rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{path}"


def job_url(job_id: str, page_url: str | None = None) -> str:
    """The link that opens ``job_id`` in History."""
    base = studio_base_url(page_url if page_url is not None else st.context.url)
    return f"{base}/history?{JOB_PARAM}={quote(job_id, safe='')}"


def compare_url(job_ids: list[str], page_url: str | None = None) -> str:
    """The link that opens Compare with ``job_ids`` side by side, in this order."""
    base = studio_base_url(page_url if page_url is not None else st.context.url)
    return f"{base}/compare?{COMPARE_PARAM}=" + ",".join(quote(job_id, safe="") for job_id in job_ids)


def showcase_url(reference: str, page_url: str | None = None) -> str:
    """The link that plays a board as a showcase (``reference``: the board's share token)."""
    base = studio_base_url(page_url if page_url is not None else st.context.url)
    return f"{base}/showcase?{BOARD_PARAM}={quote(reference, safe='')}"


def compare_link(
    job_ids: list[str], label: str = "Compare", *, disabled: bool = False, help: str | None = None
) -> None:
    """A link that opens Compare with ``job_ids`` in this tab.

    A link, not a button that switches page: from inside History's dialog such a switch could leave Compare
    blank under load (one browser run in six); a link is plain navigation, and opens in a new tab on request.
    """
    st.page_link(
        COMPARE_PAGE,
        label=label,
        icon=":material/compare:",
        query_params={COMPARE_PARAM: ",".join(job_ids)},
        disabled=disabled,
        help=help or "Play these videos side by side, in sync",
    )


def copy_link(job: Job, key: str) -> None:
    """A "Copy link" popover with the job's link, ready to copy (the copy icon, or select it)."""
    with st.popover("Copy link", icon=":material/link:", key=key):
        link_body(job)


def link_body(job: Job) -> None:
    """The job's link, ready to copy, in whatever holds it."""
    st.caption("This link opens the job in History, on any browser that reaches this studio.")
    st.code(job_url(job.id), language=None, wrap_lines=True)
