"""The sidebar every page shares: which backend is in use, and the API key for this session."""

from __future__ import annotations

import streamlit as st

from components.shell import services
from components.shell.balance import account_balance
from components.shell.folds import folded_expander
from components.shell.whose import may_generate, sees_prices
from videostudio.jobs.backends import Backend

KEY_FIELD = "sidebar_api_key"
# The sidebar's folded panels: their insides are drawn only while open (components/shell/folds.py).
KEY_PANEL = "sidebar_key_panel"  # the folded "Backend and API key" panel
DEVELOPER_PANEL = "sidebar_developer_panel"
# On: the Generate page offers each model's legacy vendor endpoint. Off (the default): nothing about it is shown
# or sent.
DEVELOPER_ENDPOINTS = "developer_endpoint_choice"


def _take_typed_key() -> None:
    # The key moves out of the field at once: a field keeps its value in the page's HTML (the password
    # input's value attribute), and the key must never be in the page.
    typed = (st.session_state.get(KEY_FIELD) or "").strip()
    if typed:
        st.session_state[services.TYPED_KEY_STATE] = typed
    st.session_state[KEY_FIELD] = ""


def _forget_typed_key() -> None:
    st.session_state.pop(services.TYPED_KEY_STATE, None)


def draw_backend_panel() -> None:
    """Backend badge, backend switch and a key field that lives only in this browser session."""
    current = services.current_backend()
    labels = services.backends().labels()
    with st.sidebar:
        st.badge(current.badge, icon=current.icon, color=current.color)
        has_key = services.session_api_key() is not None
        st.caption("API key: " + ("set" if has_key else "not set"))
        if has_key and current.bills and sees_prices():  # the account's money: never to a viewer
            account_balance(current)
        _backend_panel(current, labels, has_key)
        with folded_expander("Developer options", key=DEVELOPER_PANEL, icon=":material/code:") as shown:
            if shown:
                st.toggle(
                    "Choose the endpoint per model",
                    key=DEVELOPER_ENDPOINTS,
                    persist_state="session",
                    help="Offers, under Generate, sending to a model's older vendor endpoint instead of the "
                    "universal one.",
                )


def _backend_panel(current: Backend, labels: dict[str, str], has_key: bool) -> None:
    """The backend switch and, for those who generate, the key field of this browser session, in one folded panel.

    The badge above says which backend is in use; the panel opens by itself when that backend needs a key and none is
    set. Folded, the first screen loads no code for the switch, which keeps its choice while shut.
    """
    generates = may_generate()  # a viewer never sends anything: no key to give
    missing_key = generates and current.needs_key and not has_key
    title = "Backend and API key" if generates else "Backend"
    with folded_expander(title, key=KEY_PANEL, icon=":material/key:", expanded=missing_key) as shown:
        if shown:
            st.segmented_control(
                "Backend",
                options=list(labels),
                format_func=labels.get,
                default=current.name,
                key=services.BACKEND_CHOICE,
                required=True,
                persist_state="session",
                help="The offline demo renders stand-in videos on this machine, free. "
                "The AI/ML API makes real videos and needs a key.",
            )
            if generates:
                _key_field()
    if missing_key:
        st.warning(f"Add an API key to generate with the {current.label}, or switch to the offline demo.")


def _key_field() -> None:
    """The password field (emptied as soon as a key is typed), and how to forget or get a key."""
    st.text_input(
        "AI/ML API key",
        type="password",
        key=KEY_FIELD,
        on_change=_take_typed_key,
        help="Used for this browser session only: never saved to disk or to the history. "
        "To keep a key, set AIMLAPI_API_KEY or .streamlit/secrets.toml.",
        placeholder="Paste your key and press Enter",
    )
    if services.typed_api_key():
        st.caption(":material/check: A key is set for this browser session.")
        st.button("Forget this key", icon=":material/key_off:", key="forget_api_key", on_click=_forget_typed_key)
    st.caption("Create a key at [aimlapi.com/app/keys](https://aimlapi.com/app/keys).")


def endpoint_choice_on() -> bool:
    """True when the person asked, under Developer options, to choose each model's endpoint."""
    return bool(st.session_state.get(DEVELOPER_ENDPOINTS, False))
