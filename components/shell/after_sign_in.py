"""Back to the link after signing in: Streamlit's sign-in always ends on the studio's first page.

Streamlit's OAuth callback redirects to the base URL (``/``) whatever address the person opened, so a job link
(``/history?job=…``) opened signed out would be lost. A tiny custom component (``st.components.v2``, as the
notifier: its script runs in the studio's own page) keeps the address the door was shown at in the tab's
``sessionStorage``, which survives the round trip to the provider; on a member's first run after that, it takes
the address back out and, if it is not already there, goes to it once. Only a same-origin path is followed.
"""

from __future__ import annotations

import streamlit as st

_FIRST_RUN_DONE = "after_sign_in_checked"
_JS = """
export default function (component) {
  const d = component.data || {};
  const w = window;
  const key = "videostudio.after_sign_in";
  const here = w.location.pathname + w.location.search;
  try {
    if (d.remember) { w.sessionStorage.setItem(key, here); return; }
    const wanted = w.sessionStorage.getItem(key);
    if (wanted === null) return;
    w.sessionStorage.removeItem(key);
    const samePath = wanted.startsWith("/") && !wanted.startsWith("//");
    if (samePath && wanted !== here) w.location.replace(wanted);
  } catch (e) { /* no sessionStorage (a locked-down browser): the person lands on the first page */ }
}
"""

_after_sign_in = st.components.v2.component("videostudio.after_sign_in", js=_JS)


def remember_this_address() -> None:
    """On the sign-in page: keep the address the person opened, for after the sign-in."""
    _after_sign_in(data={"remember": True}, key="after_sign_in_remember")


def go_back_to_the_address() -> None:
    """On a member's first run in this session: go to the address kept before signing in, if any (once)."""
    if st.session_state.get(_FIRST_RUN_DONE):
        return
    st.session_state[_FIRST_RUN_DONE] = True
    _after_sign_in(data={"remember": False}, key="after_sign_in_return")
