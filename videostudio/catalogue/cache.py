"""Keeping the parsed catalogue: in this process, and on disk for the next one.

The key is a hash of every input file's path, size and modification time (the model files, the deprecated list and
this package's own code), so an edited file or an upgraded loader is never served from a stale copy. The disk copy
lives in ``$VIDEO_STUDIO_HOME/cache/`` (default ``~/.video-studio/cache/``); a cache that cannot be read or written
is ignored and the catalogue is simply built again.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path

from videostudio.catalogue.model import Catalogue

log = logging.getLogger(__name__)

CACHE_PREFIX = "catalogue-"
_memory: dict[str, Catalogue] = {}


# This package's modules and the contract facts they read: a change there changes what the loader would build.
_CODE_FILES = [*sorted(Path(__file__).parent.glob("*.py")), Path(__file__).parents[1] / "api" / "contract.py"]


def code_files() -> list[Path]:
    """The code whose change must rebuild the cached catalogue."""
    return _CODE_FILES


def json_files(directory: Path) -> list[tuple[Path, os.stat_result]]:
    """Every ``*.json`` file under ``directory`` (sub-folders too), sorted, with its size and times."""
    found: list[tuple[str, os.stat_result]] = []
    pending = [str(directory)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir():
                    pending.append(entry.path)
                elif entry.name.endswith(".json") and entry.is_file():
                    found.append((entry.path, entry.stat()))
    found.sort()
    return [(Path(path), stat) for path, stat in found]


def fingerprint(files: Iterable[tuple[Path, os.stat_result]]) -> str:
    """A key that changes when any file is added, removed, resized or touched."""
    digest = hashlib.sha256()
    for path, stat in files:
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:32]


def stat_of(paths: Iterable[Path]) -> list[tuple[Path, os.stat_result]]:
    return [(path, path.stat()) for path in paths]


def cache_dir() -> Path:
    home = os.environ.get("VIDEO_STUDIO_HOME")
    return Path(home).expanduser() / "cache" if home else Path.home() / ".video-studio" / "cache"


def cached(key: str, build: Callable[[], Catalogue]) -> Catalogue:
    """The catalogue for ``key``: from memory, else from disk, else built (and then kept in both)."""
    catalogue = _memory.get(key)
    if catalogue is None:
        catalogue = _read(key)
        if catalogue is None:
            catalogue = build()
            _write(key, catalogue)
        _memory.clear()  # one catalogue at a time: an older key can only be stale
        _memory[key] = catalogue
    return catalogue


def _path(key: str) -> Path:
    return cache_dir() / f"{CACHE_PREFIX}{key}.pickle"


def _read(key: str) -> Catalogue | None:
    try:
        with _path(key).open("rb") as handle:
            catalogue = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a damaged or foreign cache file must never stop the studio
        log.warning("Catalogue cache %s unreadable (%s); rebuilding it.", _path(key), exc)
        return None
    return catalogue if isinstance(catalogue, Catalogue) else None


def _write(key: str, catalogue: Catalogue) -> None:
    directory = cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob(f"{CACHE_PREFIX}*.pickle"):
            old.unlink(missing_ok=True)
        # Write then rename, so a reader in another process never sees half a file.
        partial = directory / f"{CACHE_PREFIX}{key}.{os.getpid()}.tmp"
        partial.write_bytes(pickle.dumps(catalogue, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(partial, _path(key))
    except OSError as exc:
        log.warning("Catalogue cache not written to %s (%s).", directory, exc)
