"""This person's drafts: the Generate form of each model, uploads included, put back after a reload or a restart.

A signed-in member's drafts follow them by their email, in any browser; without sign-in, a browser's drafts are named
by a random id in a cookie of this browser (read through ``st.context.cookies``, set by a one-line script), never in
the URL: links to share carry no draft. The drafts themselves are kept in the history's database
(videostudio/workflows/drafts.py). Putting a draft back uses the widget registry's ``restore``, as "Use these settings"
does.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from components.form.reuse import restore_settings
from components.form.widgets import FormState, model_key
from components.models.model_browser import BROWSER_OPEN, MODEL_CHOICE, URL_PARAM
from components.shell import services
from components.shell.identity import current_person
from videostudio.catalogue import Model
from videostudio.storage.base import StorageError
from videostudio.studio import studio_drafts
from videostudio.workflows.drafts import DraftStore, draft_key, is_draft_id, new_draft_id

log = logging.getLogger(__name__)

COOKIE = "video_studio_draft"
ID_KEY = "draft_id"  # this session's draft id (from the cookie, or new)
_RESTORED = "_drafts_restored"  # the models whose draft this session has already considered
# The form as this session's last run left it: (model id, request with its uploads, upload names by path).
# What "Save as preset" keeps (components/generate/presets.py); the strings are the form's own, not copies.
LAST_FORM_KEY = "draft_last_form"
# The cookie lasts as long as browsers allow (Chrome caps it at 400 days); unused drafts go after 30.
COOKIE_SECONDS = 400 * 24 * 3600


@st.cache_resource(show_spinner=False)
def draft_store() -> DraftStore:
    # Once per studio process: an older studio's draft files are imported, drafts untouched for 30 days removed.
    return studio_drafts(services.settings(), services.job_service().store)


def draft_id() -> str:
    """This browser's draft id: the session's, else the cookie's, else a new one."""
    state = st.session_state
    current = state.get(ID_KEY)
    if not is_draft_id(current):
        cookie = _cookie()
        current = cookie if is_draft_id(cookie) else new_draft_id()
        state[ID_KEY] = current
    return current


def drafts_key() -> str:
    """Whose drafts this session reads and writes: the signed-in member's, else this browser's."""
    person = current_person()
    return draft_key(person.owner if person else None, draft_id())


def open_last_model() -> None:
    """Call before the model picker: a fresh visit without ``?model=`` opens the model this browser last had."""
    state = st.session_state
    if st.query_params.get(URL_PARAM) or MODEL_CHOICE in state:
        return
    last = draft_store().last_model(drafts_key())
    if last and services.model_or_none(last) is not None:
        state[MODEL_CHOICE] = last
        state[BROWSER_OPEN] = False


def restore_draft(model: Model) -> None:
    """Call before the form is drawn: put back this browser's draft of ``model``, once per session.

    Not when the form already holds values in this session (typed, or put there by "Use these settings").
    """
    state = st.session_state
    restored: set[str] = state.setdefault(_RESTORED, set())
    if model.id in restored:
        return
    restored.add(model.id)
    prefix = model_key(model) + "__"
    if any(str(key).startswith(prefix) for key in state):
        return
    draft = draft_store().load(drafts_key(), model.id)
    if draft is None:
        return
    for note in restore_settings(model, draft.params, draft.media, draft.inputs()):
        st.toast(note, icon=":material/info:")


def keep_draft(model: Model, form: FormState, payload: dict[str, Any]) -> None:
    """Call after the form is drawn: save it as this browser's draft of ``model`` (written only when changed).

    ``payload``: the request the form makes this run (``build_payload``, built once per run by the page).
    """
    st.session_state[LAST_FORM_KEY] = (model.id, payload, dict(form.upload_names))
    try:
        draft_store().save(drafts_key(), model.id, payload, form.upload_names)
    except (OSError, ValueError, SQLAlchemyError, StorageError) as exc:
        # A full disk, or a media store or database out of reach, only means the draft is not kept; the form works on.
        log.warning("draft not saved: %s", exc)
    _remember_in_browser(draft_id())


def _cookie() -> str | None:
    try:
        return st.context.cookies.get(COOKIE)
    except Exception:  # no browser context (a bare script run)
        return None


def _remember_in_browser(current: str) -> None:
    # Until the browser sends the cookie back (on its next visit), each run writes it again: harmless, and a
    # script that ran before a rerun replaced the page still leaves it set.
    if _cookie() == current:
        return
    st.html(
        f"<script>document.cookie = '{COOKIE}={current}; Max-Age={COOKIE_SECONDS}; Path=/; SameSite=Lax';</script>",
        unsafe_allow_javascript=True,
    )
