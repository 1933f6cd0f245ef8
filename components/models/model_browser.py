"""The model browser: find a model by what it makes, its vendor or part of its name, and choose it.

The chosen model is ``st.session_state["model_choice"]`` (History's "Use these settings" sets it too) and is
mirrored in the URL as ``?model=<id>``, so a link opens that model's form. A fresh studio opens on
videostudio/catalogue/default_model.py's model, and the browser stays folded into a one-line header ("Change" opens it)
whenever a model is chosen, the default included, so the prompt and Generate are on the first screen.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from components.shell import services
from components.shell.address import address_change, set_address
from components.shell.whose import seen_jobs, sees_prices
from videostudio.catalogue import Catalogue, Model, Task
from videostudio.catalogue.default_model import default_model
from videostudio.catalogue.labels import and_list
from videostudio.catalogue.live import find_model
from videostudio.catalogue.pricing import price_line
from videostudio.media.kinds import MEDIA_KIND_SHEETS

MODEL_CHOICE = "model_choice"  # the chosen model's id
URL_PARAM = "model"
BROWSER_OPEN = "model_browser_open"
_DRAWN = "_model_drawn"  # the model whose form the last Generate run drew
_URL_UNKNOWN = "_model_url_unknown"  # a ?model= the catalogue does not know, shown until the next choice
PAGE_SIZE = 10
RECENT_COUNT = 4
NOT_OFFERED = "no longer offered by the API"


@dataclass(frozen=True)
class Filters:
    """What the person asked for; an empty filter lets everything through."""

    task: Task | None = None
    vendor: str | None = None
    text: str = ""
    show_deprecated: bool = False

    def admit(self, model: Model) -> bool:
        if model.deprecated and not self.show_deprecated:
            return False
        if self.task is not None and self.task not in model.tasks:
            return False
        if self.vendor and model.vendor != self.vendor:
            return False
        words = self.text.lower().split()
        haystack = " ".join([model.name, model.id, model.vendor, model.summary, *model.aliases]).lower()
        return all(word in haystack for word in words)


def inputs_in_words(model: Model) -> str:
    kinds = list(dict.fromkeys(MEDIA_KIND_SHEETS[k].takes for k in model.inputs().values() if k in MEDIA_KIND_SHEETS))
    return "Takes " + and_list(kinds) if kinds else "No picture or clip needed"


def one_line(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    end = re.search(r"(?<=[.!?])\s", text)
    first = text[: end.start()] if end else text
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def facts_line(model: Model) -> str:
    """Inputs, typical run time and price (to a role that sees prices), for an entry or the header."""
    parts = [inputs_in_words(model), f"typically {model.typical_run_time()}"]
    price = price_line(model.pricing) if sees_prices() else None
    if price:
        parts.append(price)
    return " · ".join(parts)


# --- the filter row (shared with the Models page) ---------------------------------------------------------------------


def model_filters(catalogue: Catalogue, prefix: str) -> list[Model]:
    """Draw the task, vendor, search and deprecated filters; the models they let through, in catalogue order.

    One task at a time: picking one starts a new search (the words typed for another task are cleared).
    """
    models = list(catalogue)
    present = [task for task in Task if any(task in m.tasks for m in models)]
    reset = (_reset_pages, (prefix,))
    task: Task | None = None
    if present:
        task = st.pills(
            "What do you want to make?",
            present,
            selection_mode="single",
            key=f"{prefix}_tasks",
            on_change=_task_picked,
            args=(prefix,),
            persist_state="session",
        )
    left, right = st.columns([2, 1])
    text = left.text_input(
        "Search",
        key=f"{prefix}_search",
        placeholder="Part of a name, id or vendor",
        on_change=reset[0],
        args=reset[1],
        persist_state="session",
    )
    vendor = right.selectbox(
        "Vendor",
        sorted({m.vendor for m in models}, key=str.lower),
        index=None,
        placeholder="All vendors",
        key=f"{prefix}_vendor",
        on_change=reset[0],
        args=reset[1],
        persist_state="session",
    )
    show_deprecated = False
    if any(m.deprecated for m in models):
        show_deprecated = st.toggle(
            "Show deprecated models", key=f"{prefix}_deprecated", on_change=reset[0], args=reset[1]
        )
    filters = Filters(task, vendor, text or "", show_deprecated)
    return [m for m in models if filters.admit(m)]


def paged(models: list[Model], prefix: str) -> list[Model]:
    """The first page of ``models`` (more after each "Show more")."""
    shown = st.session_state.get(f"{prefix}_shown", PAGE_SIZE)
    return models[:shown]


def show_more(models: list[Model], prefix: str) -> None:
    shown = st.session_state.get(f"{prefix}_shown", PAGE_SIZE)
    if not models:
        st.info("No model matches. Clear a filter or try other words.")
    elif len(models) > shown:
        st.button(
            f"Show more ({len(models) - shown} more)",
            key=f"{prefix}_more",
            on_click=_more,
            args=(prefix,),
            icon=":material/expand_more:",
        )


def model_entry(model: Model, action: Callable[[Model], None], details: Callable[[Model], None] | None = None) -> None:
    """One entry: name, vendor, summary, inputs, run time, price and marks; ``action`` draws its button and
    ``details`` anything below."""
    with st.container(border=True, key=f"model_entry__{model.id}"):
        text, button = st.columns([5, 1], vertical_alignment="center")
        text.markdown(f"**{model.name}** · {model.vendor}{_marks(model)}")
        if model.summary:
            text.caption(one_line(model.summary))
        text.caption(facts_line(model))
        with button:
            action(model)
        if details is not None:
            details(model)


# --- the Generate page's picker ---------------------------------------------------------------------------------------


def model_browser() -> Model:
    """The chosen model, after drawing the header (and the browser when open)."""
    catalogue = services.catalogue()
    _follow_url(catalogue)
    model = _current(catalogue)
    state = st.session_state
    if state.get(_DRAWN, model.id) != model.id:
        state[BROWSER_OPEN] = False  # chosen elsewhere (History's "Use these settings"): straight to the form
    state[MODEL_CHOICE] = state[_DRAWN] = model.id
    set_address(URL_PARAM, model.id)
    unknown = state.get(_URL_UNKNOWN)
    if unknown:
        # The name comes from the URL: only the characters of a model id reach the page's markdown.
        name = re.sub(r"[^A-Za-z0-9._/:+-]", "", unknown)[:100]
        st.warning(f"The studio does not know a model called “{name}”. Showing {model.name}; choose another below.")
    _header(model)
    if state.get(BROWSER_OPEN, False):
        with st.container(border=True, key="model_browser"):
            _recently_used(catalogue, model)
            matching = model_filters(catalogue, "browser")
            for entry in paged(matching, "browser"):
                model_entry(entry, lambda m: _choose_button(m, current=model))
            show_more(matching, "browser")
    return model


def choose_model(model_id: str) -> None:
    """Make ``model_id`` the chosen model, fold the browser and put it in the URL (a button callback)."""
    st.session_state[MODEL_CHOICE] = model_id
    st.session_state[BROWSER_OPEN] = False
    st.session_state.pop(_URL_UNKNOWN, None)
    set_address(URL_PARAM, model_id)


def recent_model_ids(limit: int = RECENT_COUNT) -> list[str]:
    """The last few distinct models this person's history used (theirs and what is shared with them), newest first."""
    ids: list[str] = []
    for job in seen_jobs().list(limit=50):
        if job.model_id not in ids:
            ids.append(job.model_id)
        if len(ids) == limit:
            break
    return ids


def _follow_url(catalogue: Catalogue) -> None:
    """Act on a ``?model=`` the session has not acted on yet: a link someone opened, or Back and Forward.

    A run carrying an address from before the person's last choice is put right by ``address_change``.
    """
    requested = address_change(URL_PARAM)
    if not requested:
        return
    state = st.session_state
    model = find_model(catalogue, requested)
    if model is None:
        state[_URL_UNKNOWN] = requested
        state[BROWSER_OPEN] = True  # the warning says to choose another one below
        return
    state[MODEL_CHOICE] = model.id
    state[BROWSER_OPEN] = False
    state.pop(_URL_UNKNOWN, None)


def _current(catalogue: Catalogue) -> Model:
    chosen = st.session_state.get(MODEL_CHOICE)
    model = find_model(catalogue, chosen) if chosen else None
    return model if model is not None else default_model(catalogue)


def _header(model: Model) -> None:
    # The text takes what the button leaves: the button keeps its whole label however long the summary is.
    with st.container(key="model_header", horizontal=True, vertical_alignment="center"):
        with st.container(width="stretch"):
            st.markdown(f"**Model:** {model.name} · {model.vendor}{_marks(model)}")
            st.caption(f"{one_line(model.summary)} {facts_line(model)}.".strip())
        opened = st.session_state.get(BROWSER_OPEN, False)
        st.button(
            "Hide models" if opened else "Change",
            key="model_browser_toggle",
            icon=":material/expand_less:" if opened else ":material/swap_horiz:",
            on_click=_toggle,
            width="content",
        )


def _recently_used(catalogue: Catalogue, current: Model) -> None:
    recent = [m for m in (find_model(catalogue, i) for i in recent_model_ids()) if m is not None]
    if not recent:
        return
    st.caption("Recently used")
    with st.container(horizontal=True, key="model_browser_recent"):
        for model in recent:
            st.button(
                model.name,
                key=f"model_browser_recent__{model.id}",
                on_click=choose_model,
                args=(model.id,),
                disabled=model.id == current.id,
                icon=":material/history:",
            )


def _choose_button(model: Model, current: Model) -> None:
    chosen = model.id == current.id
    st.button(
        "Chosen" if chosen else "Choose",
        key=f"model_browser_choose__{model.id}",
        on_click=choose_model,
        args=(model.id,),
        disabled=chosen,
        type="secondary" if chosen else "primary",
    )


def _marks(model: Model) -> str:
    marks = f" :orange-badge[{NOT_OFFERED}]" if not model.offered else ""
    return marks + (" :gray-badge[deprecated]" if model.deprecated else "")


def _toggle() -> None:
    st.session_state[BROWSER_OPEN] = not st.session_state.get(BROWSER_OPEN, False)


def _task_picked(prefix: str) -> None:
    st.session_state[f"{prefix}_search"] = ""
    _reset_pages(prefix)


def _reset_pages(prefix: str) -> None:
    st.session_state.pop(f"{prefix}_shown", None)


def _more(prefix: str) -> None:
    st.session_state[f"{prefix}_shown"] = st.session_state.get(f"{prefix}_shown", PAGE_SIZE) + PAGE_SIZE
