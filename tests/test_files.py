"""Atomic file writes: all or nothing, no leftovers, readable by the team."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from videostudio.files import atomic_path, write_atomic


def test_a_write_replaces_the_file_whole(tmp_path: Path) -> None:
    dest = tmp_path / "deep" / "clip.mp4"
    write_atomic(dest, b"first")
    write_atomic(dest, b"second")
    assert dest.read_bytes() == b"second"
    assert [p.name for p in dest.parent.iterdir()] == ["clip.mp4"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    dest = tmp_path / "clip.mp4"
    dest.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_path(dest) as tmp:
        tmp.write_bytes(b"half of the ne")
        raise RuntimeError("the encoder stopped")
    assert dest.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["clip.mp4"]


def test_written_files_follow_the_umask_not_owner_only(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        write_atomic(tmp_path / "poster.jpg", b"jpeg")
    finally:
        os.umask(previous)
    mode = stat.S_IMODE((tmp_path / "poster.jpg").stat().st_mode)
    assert mode & stat.S_IRGRP and mode & stat.S_IROTH  # a teammate's studio can read the shared media folder
