"""Writing files so that nobody ever sees half of one: a temporary file beside the target, then one rename."""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(dest: Path) -> Iterator[Path]:
    """A temporary path beside ``dest`` to write to; it replaces ``dest`` when the block ends without error.

    Beside, so the rename stays on one filesystem; named ``.part-*``, so listings and globs skip it; and
    created with the usual umask (not mkstemp's owner-only 0600), so a team sharing the folder can read it.
    """
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".part-{secrets.token_hex(6)}-{dest.name}")
    try:
        yield tmp
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)  # only still there when the block failed


def write_atomic(dest: Path, data: bytes) -> None:
    with atomic_path(dest) as tmp:
        tmp.write_bytes(data)


def unlink_quietly(path: Path) -> bool:
    """Remove ``path``; False when it was not there or could not be removed (logged), never an exception."""
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        logging.getLogger(__name__).warning("could not remove %s: %s", path, exc)
        return False
    return True
