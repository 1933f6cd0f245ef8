"""The sidebar every page shares: which backend is in use, and the API key for this session."""

from __future__ import annotations

import streamlit as st

from components import services


def draw_backend_panel() -> None:
    """Backend badge, backend switch and a key field that lives only in this browser session."""
    current = services.backend()
    with st.sidebar:
        if current == services.OFFLINE:
            st.badge("Offline demo: videos are simulated", icon=":material/science:", color="orange")
        else:
            st.badge("AI/ML API: real generations, billed", icon=":material/cloud:", color="green")
        has_key = services.session_api_key() is not None
        st.caption("API key: " + ("set" if has_key else "not set"))
        st.segmented_control(
            "Backend",
            options=list(services.BACKEND_NAMES),
            format_func=services.BACKEND_NAMES.get,
            default=current,
            key="backend_choice",
            required=True,
            help="The offline demo renders stand-in videos on this machine, free. "
            "The AI/ML API makes real videos and needs a key.",
        )
        with st.expander("API key", icon=":material/key:", expanded=current == services.AIMLAPI and not has_key):
            # type="password" keeps the key out of the page; it is held in this session's memory only.
            st.text_input(
                "AI/ML API key",
                type="password",
                key="sidebar_api_key",
                help="Used for this browser session only: never saved to disk or to the history. "
                "To keep a key, set AIMLAPI_API_KEY or .streamlit/secrets.toml.",
                placeholder="Paste your key",
            )
            st.caption("Create a key at [aimlapi.com/app/keys](https://aimlapi.com/app/keys).")
        if current == services.AIMLAPI and not has_key:
            st.warning("Add an API key to generate with the AI/ML API, or switch to the offline demo.")
