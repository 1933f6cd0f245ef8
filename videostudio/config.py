"""Where the studio keeps its data and which API it talks to, read from the environment.

The API key is deliberately not part of ``Settings``: settings get shown and logged, the key never is.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from videostudio.api.contract import DEFAULT_BASE_URL

API_KEY_NAME = "AIMLAPI_API_KEY"


@dataclass(frozen=True)
class Settings:
    """The studio's configuration; every field has an environment variable (see the README)."""

    data_dir: Path
    database_url: str
    media_dir: Path
    offline_dir: Path
    base_url: str = DEFAULT_BASE_URL
    offline_speed: float = 1.0
    offline_faults: str = ""
    offline_url: str = ""  # an offline backend already running elsewhere; empty starts one in-process
    job_deadline_seconds: float = 20 * 60
    poll_seconds: float = 2.0  # the real API: the shortest wait between two polls, around a job's expected end
    poll_max_seconds: float = 60.0  # the real API: the longest wait between two polls (before the end, or late)
    offline_poll_seconds: float = 1.0
    follow_in_studio: bool = True  # each studio process runs a follower; off when one runs apart
    media_url: str = ""  # s3://bucket/prefix: media in object storage (videostudio/storage); empty: in media_dir

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Settings:
        data_dir = Path(env.get("VIDEO_STUDIO_HOME") or Path.home() / ".video-studio").expanduser()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'history.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            media_dir=Path(env.get("VIDEO_STUDIO_MEDIA_DIR") or data_dir / "media").expanduser(),
            offline_dir=Path(env.get("VIDEO_STUDIO_OFFLINE_DIR") or data_dir / "offline").expanduser(),
            base_url=(env.get("AIMLAPI_BASE_URL") or DEFAULT_BASE_URL).rstrip("/"),
            offline_speed=float(env.get("VIDEO_STUDIO_OFFLINE_SPEED") or 1.0),
            offline_faults=env.get("VIDEO_STUDIO_OFFLINE_FAULTS", ""),
            offline_url=(env.get("VIDEO_STUDIO_OFFLINE_URL") or "").rstrip("/"),
            job_deadline_seconds=float(env.get("VIDEO_STUDIO_JOB_DEADLINE_MINUTES") or 20) * 60,
            poll_seconds=float(env.get("VIDEO_STUDIO_POLL_SECONDS") or 2),
            poll_max_seconds=float(env.get("VIDEO_STUDIO_POLL_MAX_SECONDS") or 60),
            offline_poll_seconds=float(env.get("VIDEO_STUDIO_OFFLINE_POLL_SECONDS") or 1),
            follow_in_studio=(env.get("VIDEO_STUDIO_FOLLOWER") or "studio").strip().lower() != "apart",
            media_url=_media_url(env.get("VIDEO_STUDIO_MEDIA_URL") or ""),
        )


def _media_url(url: str) -> str:
    """``VIDEO_STUDIO_MEDIA_URL`` checked: empty (the local folder) or ``s3://bucket[/prefix]``."""
    url = url.strip()
    if url and not (url.startswith("s3://") and url.removeprefix("s3://").split("/")[0]):
        raise ValueError("VIDEO_STUDIO_MEDIA_URL must look like s3://bucket/prefix (or be left empty for a folder)")
    return url.rstrip("/")


def api_key_from(env: Mapping[str, str], secrets: Mapping[str, object] | None = None) -> str | None:
    """The key from the environment, else from secrets.toml; None when neither has one."""
    key = (env.get(API_KEY_NAME) or "").strip()
    if not key and secrets:
        key = str(secrets.get(API_KEY_NAME) or "").strip()
    return key or None
