"""The AI/ML API account's balance in the sidebar, read again whenever a job on it has ended."""

from __future__ import annotations

import logging
import time

import streamlit as st

from components import services
from components.markdown_text import markdown_safe
from videostudio.backends import Backend
from videostudio.errors import StudioError
from videostudio.pricing import cost_text

log = logging.getLogger(__name__)

# This session's last reading: (what it was read for, the line to show, when it was read).
BALANCE_STATE = "_account_balance"
# A reading that failed is tried again after this long, even when no job has ended meanwhile.
RETRY_FAILED_SECONDS = 60.0
# Calls per reading: the sidebar is drawn on every page, so it does not wait out the full poll schedule.
BALANCE_ATTEMPTS = 2
UNREADABLE = "The balance can't be read right now."


def account_balance(backend: Backend) -> None:
    """One line: "Balance: $12.34 · 24,680,000 credits", or that it can't be read right now."""
    client = services.client_for(backend.name)
    if client is None:
        return
    # A new key makes a new client; a job that ended changes the balance. Either means reading it again.
    # The client itself (compared by identity) is held, not its id(), which a later client could reuse.
    reason = (backend.name, client, services.job_service().store.last_end_seen(backend.name))
    held = st.session_state.get(BALANCE_STATE)
    fresh = held is not None and held[0] == reason
    if fresh and held[1] == UNREADABLE and time.monotonic() - held[2] > RETRY_FAILED_SECONDS:
        fresh = False
    if not fresh:
        try:
            balance = client.balance(attempts=BALANCE_ATTEMPTS)
            line = f"Balance: {cost_text(balance.usd)}"
        except StudioError as exc:
            # The class only: the message stays out of the log in case a server echoed anything back.
            log.info("Could not read the account balance (%s)", type(exc).__name__)
            line = UNREADABLE
        held = (reason, line, time.monotonic())
        st.session_state[BALANCE_STATE] = held
    icon = ":material/warning:" if held[1] == UNREADABLE else ":material/account_balance_wallet:"
    st.caption(f"{icon} {markdown_safe(held[1])}", help="Your AI/ML API account, read after each job ends.")
