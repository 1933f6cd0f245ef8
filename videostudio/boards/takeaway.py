"""A board taken away: one ZIP of its videos, named in the board's order, and an ``index.html`` that plays them one
after another offline (relative links, no network, no studio needed).

``01-video-01-a-red-kite-over.mp4``, ``02-…``: the number is the take's place among the takes that have a video on
this computer (a take whose video is gone is left out, and the index says how many were).
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from videostudio.boards.store import Board, BoardItem
from videostudio.history.record import Job
from videostudio.library.videos import name_words
from videostudio.storage.base import MediaStorage
from videostudio.storage.names import media_file

INDEX_NAME = "index.html"
PROMPT_WORDS = 5


@dataclass(frozen=True)
class PackedTake:
    """One video of the ZIP: its name there, the file it comes from, and the words shown with it."""

    name: str
    source: Path
    title: str
    note: str


def playable_file(storage: MediaStorage, job: Job) -> Path | None:
    """The take's kept video as a file on this machine, as the job card plays it (fetched from object storage into
    its cache when needed); None when the studio has none."""
    return media_file(storage, job.local_path) if job.has_local_video else None


def packed_takes(storage: MediaStorage, items: list[BoardItem], title_of: Callable[[Job], str]) -> list[PackedTake]:
    """The board's takes that have a kept video, in order, each with its numbered file name."""
    kept = [(item, path) for item in items if (path := playable_file(storage, item.job)) is not None]
    width = max(2, len(str(len(kept))))
    takes = []
    for number, (item, path) in enumerate(kept, start=1):
        model, words = name_words(item.job.model_id, item.job.prompt, PROMPT_WORDS)
        name = "-".join(part for part in (str(number).zfill(width), model, words) if part) + ".mp4"
        takes.append(PackedTake(name, path, title_of(item.job), item.note))
    return takes


def zip_name(board: Board) -> str:
    """``client-pitch-12-dec.zip``: the board's title as a file name."""
    _model, words = name_words("", board.title, words=8)
    return f"{words or 'board'}.zip"


def board_zip(storage: MediaStorage, board: Board, items: list[BoardItem], title_of: Callable[[Job], str]) -> bytes:
    """The ZIP: the videos in order (stored, not compressed: MP4 does not shrink) and the index page."""
    takes = packed_takes(storage, items, title_of)
    missing = len(items) - len(takes)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(INDEX_NAME, index_page(board.title, takes, missing), compress_type=zipfile.ZIP_DEFLATED)
        for take in takes:
            archive.write(take.source, take.name, compress_type=zipfile.ZIP_STORED)
    return buffer.getvalue()


def index_page(title: str, takes: list[PackedTake], missing: int = 0) -> str:
    """A page that plays ``takes`` one after another, by relative links: it works opened straight from the disk."""
    playlist = [{"src": take.name, "title": take.title, "note": take.note} for take in takes]
    # "</" never appears inside the script: a title typed as "</script>" stays text.
    data = json.dumps(playlist, ensure_ascii=False).replace("</", "<\\/")
    items = "\n".join(
        f'<li><a href="{html.escape(take.name)}" data-index="{n}">{html.escape(take.title)}</a>'
        + (f"<p>{html.escape(take.note)}</p>" if take.note else "")
        + "</li>"
        for n, take in enumerate(takes)
    )
    left_out = (
        f'<p class="missing">{missing} take{"s" if missing != 1 else ""} had no video on the studio\'s computer '
        f"and {'are' if missing != 1 else 'is'} not in this folder.</p>"
        if missing
        else ""
    )
    return _PAGE.format(title=html.escape(title), items=items, data=data, left_out=left_out)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ margin: 0; font-family: system-ui, sans-serif; background: #0e1117; color: #fafafa; }}
  main {{ max-width: 1200px; margin: 0 auto; padding: 1rem; }}
  video {{ width: 100%; max-height: 75vh; background: #000; border-radius: 0.5rem; display: block; }}
  .bar {{ display: flex; gap: 0.75rem; align-items: center; margin: 0.75rem 0; flex-wrap: wrap; }}
  button {{ font: inherit; padding: 0.5rem 1.2rem; border-radius: 0.5rem; border: 1px solid #7c5cff;
    background: #7c5cff; color: #fff; cursor: pointer; }}
  #now {{ font-weight: 600; }}
  #note {{ opacity: 0.8; white-space: pre-wrap; }}
  ol a {{ color: #b9a8ff; }}
  .missing {{ opacity: 0.7; }}
</style>
</head>
<body data-current="0">
<main>
<h1>{title}</h1>
<video id="player" controls playsinline preload="auto"></video>
<div class="bar">
  <button type="button" id="previous">Previous</button>
  <button type="button" id="play">Play all</button>
  <button type="button" id="next">Next</button>
  <span id="place"></span>
</div>
<p id="now"></p>
<p id="note"></p>
<ol>
{items}
</ol>
{left_out}
</main>
<script>
const takes = {data};
const player = document.getElementById("player");
let current = 0;
function show(index, play) {{
  if (!takes.length) return;
  current = Math.max(0, Math.min(takes.length - 1, index));
  document.body.dataset.current = String(current);
  player.src = takes[current].src;
  document.getElementById("now").textContent = takes[current].title;
  document.getElementById("note").textContent = takes[current].note;
  document.getElementById("place").textContent = (current + 1) + " of " + takes.length;
  if (play) player.play().catch(() => {{}});
}}
player.addEventListener("ended", () => {{ if (current < takes.length - 1) show(current + 1, true); }});
document.getElementById("play").addEventListener("click", () => show(0, true));
document.getElementById("next").addEventListener("click", () => show(current + 1, true));
document.getElementById("previous").addEventListener("click", () => show(current - 1, true));
document.addEventListener("keydown", (event) => {{
  if (event.key === "ArrowRight") show(current + 1, true);
  if (event.key === "ArrowLeft") show(current - 1, true);
}});
for (const link of document.querySelectorAll("ol a")) {{
  link.addEventListener("click", (event) => {{ event.preventDefault(); show(Number(link.dataset.index), true); }});
}}
show(0, false);
</script>
</body>
</html>
"""
