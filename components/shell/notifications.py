"""Opt-in browser notifications when a job ends, with an optional sound; the in-page toast otherwise.

Streamlit has no notification API, so a tiny custom component (``st.components.v2.component``, new in the 1.5x
line and in 1.67) carries a few lines of JavaScript. Unlike a v1 component it is not an iframe: its script runs
in the studio's own page, so ``Notification`` and ``window.focus()`` act on the studio's tab directly. Python
passes it, on each run, whether the person opted in, the notices to show (one per ended job) and a request to ask
for permission; it answers with the browser's permission ("granted", "denied", "default", "unsupported").

The opt-in is per browser session (a tab's Streamlit session): a reload starts with it off, but the browser
remembers a granted permission, so turning it on again does not ask again.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from components.shell.folds import folded_expander
from videostudio.history.store import Job, JobStatus

OPT_IN_KEY = "notify_opt_in"
SOUND_KEY = "notify_sound"
PANEL_KEY = "notify_panel"
# Notices waiting for this run's component: [{"id", "title", "body"}], one per ended job.
NOTICES_KEY = "pending_notices"
PERMISSION_KEY = "notify_permission"
# Bumped when the person turns notifications on: the component asks the browser once per bump.
ASK_KEY = "notify_ask"
TOLD_KEY = "notify_refusal_told"
COMPONENT_KEY = "studio_notifier"
PROMPT_WORDS = 8

_JS = """
export default function (component) {
  const { data, setStateValue } = component;
  const d = data || {};
  const w = window;  // a v2 component runs in the studio's page itself, not in an iframe
  const supported = typeof w.Notification !== "undefined";
  const report = (p) => { if (p !== d.permission) setStateValue("permission", p); };
  if (!d.enabled && !d.sound) return;
  if (d.enabled) {
    if (!supported) report("unsupported");
    else if (d.ask && w.__vsAsked !== d.ask && w.Notification.permission === "default") {
      w.__vsAsked = d.ask;
      Promise.resolve(w.Notification.requestPermission()).then(report, () => report("denied"));
    } else report(w.Notification.permission);
  }
  const shown = (w.__vsNotified ||= new Set());  // a notice sent again by a later run is shown once
  for (const n of d.notices || []) {
    if (shown.has(n.id)) continue;
    shown.add(n.id);
    if (d.enabled && supported && w.Notification.permission === "granted") {
      const note = new w.Notification(n.title, { body: n.body, tag: n.id });
      note.onclick = () => { w.focus(); note.close(); };
    }
    if (d.sound) beep(w);
  }
}

function beep(w) {
  try {
    const Ctx = w.AudioContext || w.webkitAudioContext;
    const ctx = (w.__vsAudio ||= new Ctx());
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.15, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.35);
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + 0.35);
    w.__vsBeeps = (w.__vsBeeps || 0) + 1;
  } catch (e) { /* no audio here: the notice itself still shows */ }
}
"""

_notifier = st.components.v2.component("videostudio.notifier", js=_JS)


def notices_wanted() -> bool:
    """Whether an ended job should reach the component (a notification, a sound, or both)."""
    return bool(st.session_state.get(OPT_IN_KEY) or st.session_state.get(SOUND_KEY))


def notifies_instead_of_toast() -> bool:
    """Whether the browser shows ended jobs as notifications, so that the in-page toast is not needed."""
    return bool(st.session_state.get(OPT_IN_KEY)) and st.session_state.get(PERMISSION_KEY) == "granted"


def notice_for(job: Job, model_name: str) -> dict[str, str]:
    """What a notification says about an ended job: the model and the first words of the prompt."""
    title = (
        f"{model_name}: your video is ready" if job.status == JobStatus.COMPLETED else f"{model_name}: the job failed"
    )
    words = (job.prompt or "").split()
    body = " ".join(words[:PROMPT_WORDS]) + ("…" if len(words) > PROMPT_WORDS else "")
    return {"id": job.id, "title": title, "body": body or "Open the studio to see it."}


def queue_notice(job: Job, model_name: str) -> None:
    st.session_state.setdefault(NOTICES_KEY, []).append(notice_for(job, model_name))


def _turned(on_key: str) -> None:
    if on_key == OPT_IN_KEY and st.session_state.get(OPT_IN_KEY):
        st.session_state[ASK_KEY] = st.session_state.get(ASK_KEY, 0) + 1
        st.session_state.pop(TOLD_KEY, None)


def _permission_changed() -> None:
    result: Any = st.session_state.get(COMPONENT_KEY) or {}
    st.session_state[PERMISSION_KEY] = result.get("permission")


def _switches(refused: bool) -> None:
    st.toggle(
        "Notify me when a job ends",
        key=OPT_IN_KEY,
        on_change=_turned,
        args=(OPT_IN_KEY,),
        persist_state="session",
        help="A browser notification with the model and the prompt, even when this tab is in the background. "
        "Clicking it brings the studio back. For this browser session.",
    )
    st.toggle(
        "Play a sound when a job ends", key=SOUND_KEY, persist_state="session", help="A short beep from this tab."
    )
    if refused:
        st.caption(":material/notifications_off: Not allowed by this browser: finished jobs show on the page.")


def notification_settings() -> None:
    """The sidebar's opt-in toggles, the one-time word when the browser refuses, and the component itself."""
    permission = st.session_state.get(PERMISSION_KEY)
    refused = bool(st.session_state.get(OPT_IN_KEY)) and permission in ("denied", "unsupported")
    # Folded: the switches are drawn only while the panel is open, and keep their values while it is shut.
    with folded_expander("Notifications", key=PANEL_KEY, icon=":material/notifications:") as shown:
        if shown:
            _switches(refused)
    if refused:
        _tell_refusal_once(permission)
    if notices_wanted():
        # Only then: the component's script (and the data serializer it brings into the page and the server)
        # costs every page load a moment, and with both toggles off it has nothing to do.
        _mount(permission)


def _tell_refusal_once(permission: str) -> None:
    if st.session_state.get(TOLD_KEY):
        return
    st.session_state[TOLD_KEY] = True
    st.toast(
        "This browser does not allow the studio's notifications"
        + (" (blocked in its site settings)." if permission == "denied" else ".")
        + " Finished jobs are shown here on the page instead.",
        icon=":material/notifications_off:",
    )


def _mount(permission: str | None) -> None:
    _notifier(
        key=COMPONENT_KEY,
        data={
            "enabled": bool(st.session_state.get(OPT_IN_KEY)),
            "sound": bool(st.session_state.get(SOUND_KEY)),
            "ask": st.session_state.get(ASK_KEY, 0),
            "permission": permission,
            "notices": st.session_state.pop(NOTICES_KEY, []),
        },
        default={"permission": None},
        on_permission_change=_permission_changed,
    )
