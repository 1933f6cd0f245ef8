"""The showcase player: a board's takes one at a time, large, with their title and note, played full screen one
after another.

A small custom component (``st.components.v2.component``, as Compare's synced player): Streamlit has no full-screen
playlist. Play puts the whole player (video, title, note and the Previous/Next buttons) full screen with the
Fullscreen API and plays the current take; when a take ends (its ``ended`` event) the next one plays; the left and
right arrow keys and the visible Previous and Next move between takes. The videos come from Streamlit's media
endpoint (components/form/media_url.py), never inlined. Only the current take's video is shown; the player says
which one is current in ``data-current`` (0 first), which the browser tests read.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import streamlit as st

PLAYER_KEY = "showcase_player"


@dataclass(frozen=True)
class Slide:
    """One take of the showcase: where its video is served, and its words (shown as text, never as HTML)."""

    src: str
    title: str
    note: str = ""
    poster: str = ""


_CSS = """
:host { display: block; }
.vs-show { font-family: var(--st-font, sans-serif); color: var(--st-text-color, inherit);
  display: flex; flex-direction: column; gap: 0.75rem; }
.vs-show:fullscreen { background: #000; color: #fff; padding: 1rem; box-sizing: border-box; justify-content: center; }
.vs-stage video { width: 100%; max-height: 72vh; background: #000; border-radius: 0.5rem; display: none; }
.vs-show:fullscreen .vs-stage video { max-height: calc(100vh - 9rem); border-radius: 0; }
.vs-stage video.vs-current { display: block; }
.vs-title { font-size: clamp(1.2rem, 2.6vw, 2.2rem); font-weight: 650; margin: 0; overflow-wrap: anywhere; }
.vs-note { font-size: clamp(1rem, 1.6vw, 1.35rem); opacity: 0.85; margin: 0; white-space: pre-wrap;
  overflow-wrap: anywhere; }
.vs-bar { display: flex; gap: 0.75rem; align-items: center; flex-wrap: wrap; }
.vs-bar button { font: inherit; font-size: 1.05rem; padding: 0.6rem 1.4rem; border-radius: 0.6rem; cursor: pointer;
  border: 1px solid var(--st-border-color, #888); background: transparent; color: inherit; min-height: 2.75rem; }
.vs-bar button.vs-play { border-color: var(--st-primary-color, #7c5cff); background: var(--st-primary-color, #7c5cff);
  color: #fff; min-width: 7rem; }
.vs-bar button:disabled { opacity: 0.4; cursor: default; }
.vs-place { font-variant-numeric: tabular-nums; opacity: 0.8; }
"""

_JS = """
export default function ({ data, parentElement }) {
  const root = parentElement;
  const d = data || {};
  const signature = JSON.stringify(d);
  const current = root.__vsShowcase;
  // A rerun of the page with the same takes must not restart the show.
  if (current && current.signature === signature && current.box.isConnected) return;
  if (current) current.stop();
  root.__vsShowcase = build(root, d, signature);
}

const el = (tag, props = {}, ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) node.append(child);
  return node;
};

function build(root, d, signature) {
  for (const old of root.querySelectorAll(".vs-show")) old.remove();
  const slides = d.slides || [];
  const videos = slides.map((s, i) => {
    const video = el("video", { src: s.src, preload: i === 0 ? "auto" : "metadata", playsInline: true });
    if (s.poster) video.poster = s.poster;
    video.dataset.index = String(i);
    return video;
  });
  const title = el("h2", { className: "vs-title" });
  const note = el("p", { className: "vs-note" });
  const previous = el("button", { type: "button", textContent: "Previous", className: "vs-previous" });
  const play = el("button", { type: "button", textContent: "Play", className: "vs-play" });
  const next = el("button", { type: "button", textContent: "Next", className: "vs-next" });
  const place = el("span", { className: "vs-place" });
  const box = el("div", { className: "vs-show" },
    el("div", { className: "vs-stage" }, ...videos),
    el("div", { className: "vs-words" }, title, note),
    el("div", { className: "vs-bar" }, previous, play, next, place));
  root.append(box);

  let index = 0;
  let playing = false;
  const video = () => videos[index];

  function show(to, start) {
    if (!videos.length) return;
    const was = video();
    index = Math.max(0, Math.min(videos.length - 1, to));
    if (was && was !== video()) { was.pause(); was.currentTime = 0; }
    videos.forEach((v, i) => v.classList.toggle("vs-current", i === index));
    const next_one = videos[index + 1];
    if (next_one) next_one.preload = "auto";
    box.dataset.current = String(index);
    title.textContent = slides[index].title || "";
    note.textContent = slides[index].note || "";
    place.textContent = `${index + 1} of ${videos.length}`;
    previous.disabled = index === 0;
    next.disabled = index === videos.length - 1;
    if (start) { video().currentTime = 0; run(); }
    label();
  }

  function run() {
    playing = true;
    video().play().catch(() => { playing = false; label(); });
    label();
  }

  function label() {
    play.textContent = playing ? "Pause" : "Play";
    play.setAttribute("aria-label", playing ? "Pause" : "Play full screen");
  }

  function fullScreen() {
    // Refused (an embedding page, an old browser): it plays in the page all the same.
    if (document.fullscreenElement || !box.requestFullscreen) return Promise.resolve();
    return box.requestFullscreen().catch(() => {});
  }

  play.addEventListener("click", () => {
    if (playing) { playing = false; video().pause(); label(); return; }
    if (video().ended) video().currentTime = 0;
    fullScreen().then(run);  // the first take starts once the screen is filled, not while it grows
  });
  previous.addEventListener("click", () => show(index - 1, playing));
  next.addEventListener("click", () => show(index + 1, playing));
  for (const v of videos) {
    v.addEventListener("ended", () => {
      if (v !== video()) return;
      if (index < videos.length - 1) show(index + 1, true);
      else { playing = false; label(); }
    });
    v.addEventListener("click", () => play.click());
  }
  const keys = (event) => {
    if (!box.isConnected) { stop(); return; }
    const typing = event.target && /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName);
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === "ArrowRight") { event.preventDefault(); show(index + 1, playing); }
    if (event.key === "ArrowLeft") { event.preventDefault(); show(index - 1, playing); }
  };
  document.addEventListener("keydown", keys);

  function stop() {
    document.removeEventListener("keydown", keys);
    for (const v of videos) v.pause();
  }

  show(0, false);
  return { signature, box, stop };
}
"""

_player = st.components.v2.component("videostudio.showcase_player", css=_CSS, js=_JS)


def showcase_player(slides: list[Slide], *, key: str = PLAYER_KEY) -> None:
    """Draw the showcase: one take at a time, Previous, Play (full screen) and Next, arrow keys to move."""
    _player(key=key, data=player_data(slides))


def player_data(slides: list[Slide]) -> dict[str, Any]:
    """What the component gets: small JSON (addresses and words), never the videos themselves."""
    return {"slides": [asdict(slide) for slide in slides]}
