"""Two to four videos side by side with one Play/Pause, one scrub bar and one clock for all of them.

Streamlit has no synced players, so a small custom component (``st.components.v2.component``, as the notifier)
carries the JavaScript. It runs in the studio's page itself (no iframe), in a shadow root of its own, so its
height follows its content and its styles stay inside. The videos are fetched from Streamlit's media endpoint
(components/form/media_url.py), never inlined.

How the sync works: the longest video is the clock. Every frame while playing, each other video is compared
with it, and one more than ``tolerance`` seconds off (behind or ahead) is put back to the clock's time; a video
shorter than the clock stops on its last frame. Scrubbing moves every video at once. A rerun of the page with
the same videos changes nothing on screen, so playback goes on undisturbed while the page updates around it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import streamlit as st

# How far (in seconds) a video may drift from the clock before it is put back: a seek costs a stutter, so small
# drifts are left alone; beyond this the difference starts to be visible.
SYNC_TOLERANCE = 0.15
PLAYER_KEY = "compare_player"


@dataclass(frozen=True)
class Tile:
    """One video of the player and what is written under it (shown as text, never as HTML)."""

    src: str
    title: str
    caption: str = ""
    prompt: str = ""
    prompt_differs: bool = False
    poster: str = ""
    duration: float = 0.0  # from the history, until the browser has read the video's own
    rows: list[tuple[str, str, bool]] = field(default_factory=list)  # (setting, value, differs from the others)


_CSS = """
:host { display: block; }
.vs-cmp { container-type: inline-size; font-family: var(--st-font, sans-serif); color: var(--st-text-color, inherit); }
.vs-grid { display: grid; gap: 0.75rem; grid-template-columns: repeat(var(--n), minmax(0, 1fr)); }
@container (max-width: 640px) { .vs-grid { grid-template-columns: repeat(2, minmax(0, 1fr)); } }
.vs-tile { min-width: 0; }
.vs-tile video { width: 100%; max-height: 60vh; background: #000; border-radius: 0.5rem; display: block; }
.vs-title { font-weight: 600; margin: 0.35rem 0 0.1rem; display: flex; gap: 0.4rem; align-items: center; }
.vs-caption { opacity: 0.7; font-size: 0.85rem; }
.vs-prompt { font-size: 0.9rem; margin: 0.25rem 0; white-space: pre-wrap; overflow-wrap: anywhere;
  display: -webkit-box; -webkit-line-clamp: 4; -webkit-box-orient: vertical; overflow: hidden; }
.vs-rows { font-size: 0.85rem; margin: 0.25rem 0 0; display: grid; grid-template-columns: auto 1fr;
  gap: 0.1rem 0.6rem; }
.vs-rows dt { opacity: 0.7; }
.vs-rows dd { margin: 0; overflow-wrap: anywhere; }
.vs-rows .vs-diff, .vs-prompt.vs-diff { font-weight: 600;
  background: rgba(255, 189, 69, 0.28); border-radius: 0.2rem; padding: 0 0.2rem; }
.vs-bar { display: flex; align-items: center; gap: 0.75rem; margin: 0 0 0.75rem; flex-wrap: wrap; }
.vs-bar button { font: inherit; padding: 0.35rem 1rem; border-radius: 0.5rem; cursor: pointer; min-width: 6rem;
  border: 1px solid var(--st-primary-color, #ff4b4b); background: var(--st-primary-color, #ff4b4b); color: #fff; }
.vs-bar .vs-sound { background: transparent; color: inherit; min-width: 0; padding: 0.1rem 0.5rem;
  border-color: var(--st-border-color, #ccc); font-size: 0.8rem; }
.vs-bar input[type=range] { flex: 1 1 12rem; accent-color: var(--st-primary-color, #ff4b4b); }
.vs-time { font-variant-numeric: tabular-nums; min-width: 8rem; }
.vs-tile .vs-sound { font: inherit; font-size: 0.75rem; padding: 0 0.4rem; border-radius: 0.4rem; cursor: pointer;
  border: 1px solid var(--st-border-color, #ccc); background: transparent; color: inherit; }
.vs-tile .vs-sound[aria-pressed=true] { border-color: var(--st-primary-color, #ff4b4b); }
"""

_JS = """
export default function ({ data, parentElement }) {
  const root = parentElement;
  const d = data || {};
  const signature = JSON.stringify(d);
  const current = root.__vsCompare;
  // A rerun of the page with the same videos must not restart them: keep the running player.
  if (current && current.signature === signature && current.box.isConnected) return;
  if (current) current.stop();
  root.__vsCompare = build(root, d, signature);
}

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};

const clock = (s) => {
  if (!isFinite(s)) s = 0;
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(1).padStart(4, "0")}`;
};

function build(root, d, signature) {
  // Only our own box goes: Streamlit keeps the component's <style> in a sibling <div> of the same root.
  for (const old of root.querySelectorAll(".vs-cmp")) old.remove();
  const tolerance = d.tolerance || 0.15;
  const tiles = d.tiles || [];
  const play = el("button", { type: "button", textContent: "Play", className: "vs-play" });
  play.setAttribute("aria-label", "Play all");
  const scrub = el("input", { type: "range", min: 0, max: 1, step: 0.01, value: 0, className: "vs-scrub" });
  scrub.setAttribute("aria-label", "Position in all videos");
  const time = el("span", { className: "vs-time", textContent: "0:00.0 / 0:00.0" });
  const loopBox = el("input", { type: "checkbox", className: "vs-loop" });
  const bar = el("div", { className: "vs-bar" }, play, scrub, time, el("label", {}, loopBox, " Loop"));
  const grid = el("div", { className: "vs-grid" });
  grid.style.setProperty("--n", String(Math.max(tiles.length, 1)));
  const videos = [];
  const soundButtons = [];
  tiles.forEach((t, i) => {
    const video = el("video", { src: t.src, preload: "auto", muted: true, playsInline: true });
    video.muted = true;  // the property, not only the attribute: several sound tracks at once are noise
    if (t.poster) video.poster = t.poster;
    video.dataset.index = String(i);
    video.dataset.duration = String(t.duration || 0);
    videos.push(video);
    const sound = el("button", { type: "button", className: "vs-sound", textContent: "Sound" });
    sound.setAttribute("aria-pressed", "false");
    sound.title = "Hear this video (the others stay muted)";
    sound.addEventListener("click", () => hear(i));
    soundButtons.push(sound);
    const rows = el("dl", { className: "vs-rows" });
    for (const [setting, value, differs] of t.rows || []) {
      const shown = el("dd", { textContent: value, className: differs ? "vs-diff" : "" });
      rows.append(el("dt", { textContent: setting }), shown);
    }
    grid.append(el("div", { className: "vs-tile" }, video,
      el("div", { className: "vs-title" }, el("span", { textContent: t.title }), sound),
      el("div", { className: "vs-caption", textContent: t.caption || "" }),
      el("div", { className: "vs-prompt" + (t.prompt_differs ? " vs-diff" : ""), textContent: t.prompt || "",
        title: t.prompt || "" }),
      rows));
  });
  const box = el("div", { className: "vs-cmp" }, bar, grid);
  root.append(box);

  let playing = false;
  let stopped = false;
  let frame = 0;
  const length = (v) => (isFinite(v.duration) && v.duration > 0 ? v.duration : Number(v.dataset.duration) || 0);
  const master = () => videos.reduce((best, v) => (length(v) > length(best) ? v : best), videos[0]);
  const total = () => (videos.length ? length(master()) : 0);

  function hear(index) {
    videos.forEach((v, i) => {
      const on = i === index && v.muted;
      v.muted = !on;
      soundButtons[i].setAttribute("aria-pressed", String(on));
    });
  }

  function show() {
    const t = videos.length ? master().currentTime : 0;
    scrub.max = String(total() || 1);
    if (!scrub.__dragging) scrub.value = String(t);
    time.textContent = `${clock(t)} / ${clock(total())}`;
    play.textContent = playing ? "Pause" : "Play";
    play.setAttribute("aria-label", playing ? "Pause all" : "Play all");
  }

  function seekAll(t) {
    for (const v of videos) v.currentTime = Math.min(t, Math.max(length(v) - 0.04, 0));
    show();
  }

  function follow() {
    if (!playing || stopped) return;
    if (!box.isConnected) { stop(); return; }
    const lead = master();
    const t = lead.currentTime;
    for (const v of videos) {
      if (v === lead) continue;
      if (t >= length(v) - 0.04) { if (!v.paused) v.pause(); continue; }  // shorter: stays on its last frame
      if (!v.seeking && Math.abs(v.currentTime - t) > tolerance) v.currentTime = t;
      if (v.paused) v.play().catch(() => {});
    }
    show();
    frame = requestAnimationFrame(follow);
  }

  function start() {
    if (!videos.length) return;
    if (master().currentTime >= total() - 0.05) seekAll(0);
    playing = true;
    const t = master().currentTime;
    for (const v of videos) if (t < length(v) - 0.04) v.play().catch(() => {});
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(follow);
    show();
  }

  function pause() {
    playing = false;
    cancelAnimationFrame(frame);
    for (const v of videos) v.pause();
    seekAll(master().currentTime);  // line every video up on the same frame
  }

  function stop() {
    stopped = true;
    playing = false;
    cancelAnimationFrame(frame);
    for (const v of videos) v.pause();
  }

  play.addEventListener("click", () => (playing ? pause() : start()));
  scrub.addEventListener("pointerdown", () => { scrub.__dragging = true; });
  scrub.addEventListener("pointerup", () => { scrub.__dragging = false; });
  scrub.addEventListener("input", () => seekAll(Number(scrub.value)));
  scrub.addEventListener("change", () => { scrub.__dragging = false; seekAll(Number(scrub.value)); });
  for (const v of videos) {
    v.addEventListener("loadedmetadata", show);
    v.addEventListener("ended", () => {
      if (v !== master() || !playing) return;
      if (loopBox.checked) { seekAll(0); start(); } else { playing = false; cancelAnimationFrame(frame); show(); }
    });
  }
  show();
  return { signature, box, stop };
}
"""

_player = st.components.v2.component("videostudio.synced_player", css=_CSS, js=_JS)


def synced_player(tiles: list[Tile], *, key: str = PLAYER_KEY, tolerance: float = SYNC_TOLERANCE) -> None:
    """Draw the videos side by side (2 per row on a narrow screen) under one Play/Pause and scrub bar."""
    _player(key=key, data=player_data(tiles, tolerance))


def player_data(tiles: list[Tile], tolerance: float = SYNC_TOLERANCE) -> dict[str, Any]:
    """What the component gets: small JSON (addresses and words), never the videos themselves."""
    return {"tolerance": tolerance, "tiles": [asdict(tile) for tile in tiles]}
