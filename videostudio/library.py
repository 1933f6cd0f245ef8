"""The media library: local copies of finished videos, because the API's video URLs expire."""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from datetime import datetime
from pathlib import Path

import requests

# Generous: a 10 s 1080p clip is tens of MB; anything past this is not a video from these models.
MAX_VIDEO_BYTES = 500 * 1024 * 1024
CHUNK = 1024 * 1024


class DownloadError(Exception):
    """A finished video could not be copied to the media folder; the job keeps its URL."""


def download_video(
    url: str, dest: Path, *, timeout: tuple[float, float] = (5.0, 60.0), max_bytes: int = MAX_VIDEO_BYTES
) -> int:
    """Stream ``url`` to ``dest`` atomically; returns the size. Never sends the API key: CDN links are signed."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        with requests.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise DownloadError(f"The video host answered {response.status_code}; the link may have expired.")
            declared = int(response.headers.get("Content-Length") or 0)
            if declared > max_bytes:
                raise DownloadError(f"The video is {declared} bytes, more than the {max_bytes} the studio keeps.")
            fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=".part-", suffix=dest.suffix)
            written = 0
            try:
                with os.fdopen(fd, "wb") as out:
                    for chunk in response.iter_content(CHUNK):
                        written += len(chunk)
                        if written > max_bytes:
                            raise DownloadError("The video is larger than the studio keeps.")
                        out.write(chunk)
                if declared and written != declared:
                    raise DownloadError(f"The download stopped early ({written} of {declared} bytes).")
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
    except requests.RequestException as exc:
        raise DownloadError(f"The video could not be downloaded ({type(exc).__name__}).") from exc
    return written


def download_name(model_id: str, created: datetime, prompt: str, words: int = 5) -> str:
    """A file name that says what the video is: ``pixverse-v5-2026-11-21-1530-a-cat-surfing.mp4``."""
    model = re.sub(r"[^a-z0-9]+", "-", model_id.lower().split("/image-to-video")[0]).strip("-")
    # Fold accents first, so "Un café à Paris" keeps its words: un-cafe-a-paris.
    ascii_prompt = unicodedata.normalize("NFKD", prompt).encode("ascii", "ignore").decode().lower()
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_prompt)[:words])
    parts = [model, created.strftime("%Y-%m-%d-%H%M"), slug]
    return "-".join(p for p in parts if p) + ".mp4"
