"""``python -m videostudio.team``: add, list, set and remove members in the studio's database, with plain-word errors
and exit status 2 for bad input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from videostudio.history.store import JobStore
from videostudio.team.command_line import main
from videostudio.team.members import MemberStore
from videostudio.team.roles import Role


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("VIDEO_STUDIO_HOME", str(tmp_path))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("VIDEO_STUDIO_ADMINS", raising=False)
    return tmp_path


def members(home: Path) -> MemberStore:
    return MemberStore(JobStore(f"sqlite:///{home / 'history.sqlite3'}"))


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        status = main(list(argv), out=out, err=err)
    except SystemExit as stop:  # argparse's own errors
        status = int(stop.code or 0)
    return status, out.getvalue(), err.getvalue()


def test_add_list_set_and_remove_a_member(home: Path) -> None:
    status, out, _ = run("add", "Ana@Example.com", "--role", "creator", "--daily-usd", "5", "--monthly-usd", "50")
    assert status == 0 and out.startswith("Added ana@example.com · Creator · daily $5.00 · monthly $50.00")
    ana = members(home).get("ana@example.com")
    assert (ana.role, ana.daily_usd, ana.monthly_usd, ana.added_by) == (Role.CREATOR, 5.0, 50.0, "command line")

    status, out, _ = run("set", "ana@example.com", "--role", "viewer", "--daily-usd", "none")
    assert status == 0
    ana = members(home).get("ana@example.com")
    assert (ana.role, ana.daily_usd, ana.monthly_usd) == (Role.VIEWER, None, 50.0)

    status, out, _ = run("list")
    assert status == 0 and out.splitlines()[0].startswith("ana@example.com · Viewer · daily no limit · monthly $50.00")

    assert run("remove", "ANA@example.com")[0] == 0
    assert members(home).get("ana@example.com") is None
    assert "No members yet" in run("list")[1]


def test_the_admins_named_in_the_environment_are_listed(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIDEO_STUDIO_ADMINS", "boss@example.com")
    status, out, _ = run("list")
    assert status == 0 and out.strip() == (
        "boss@example.com · Admin · daily no limit · monthly no limit · admin from VIDEO_STUDIO_ADMINS"
    )
    status, _, err = run("remove", "boss@example.com")
    assert status == 2 and "named in VIDEO_STUDIO_ADMINS" in err


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["add", "ana@example.com", "--role", "boss"], "“boss” is not a role; the roles are admin, creator, viewer"),
        (["add", "ana@example.com", "--daily-usd", "lots"], "“lots” is not an amount of dollars (or “none”)"),
        (["add", "ana@example.com", "--monthly-usd=-3"], "A monthly limit can't be below $0."),
        (["add", "not-an-email"], "“not-an-email” is not an email address."),
        (["set", "zed@example.com", "--role", "viewer"], "zed@example.com is not a member: add them first."),
        (["set", "zed@example.com"], "Say what to change: --role, --daily-usd or --monthly-usd."),
        (["remove", "zed@example.com"], "zed@example.com is not a member."),
        (["promote", "zed@example.com"], "invalid choice: 'promote'"),
    ],
)
def test_bad_input_is_refused_in_plain_words_with_status_2(
    home: Path, capsys: pytest.CaptureFixture[str], argv: list[str], words: str
) -> None:
    status, _, err = run(*argv)
    assert status == 2
    assert words in err + capsys.readouterr().err
    assert "Traceback" not in err


def test_adding_someone_twice_says_to_use_set(home: Path) -> None:
    assert run("add", "ana@example.com")[0] == 0
    status, _, err = run("add", "ana@example.com", "--role", "admin")
    assert (status, err.strip()) == (
        2,
        "python -m videostudio.team: ana@example.com is already a member: change them with “set”.",
    )


def test_it_runs_as_a_module_on_the_database_of_video_studio_home(home: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "VIDEO_STUDIO_ADMINS")}
    command = [sys.executable, "-m", "videostudio.team", "add", "cleo@example.com", "--role", "admin"]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert members(home).get("cleo@example.com").role is Role.ADMIN
    refused = subprocess.run([*command[:3], "add"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "the following arguments are required: email" in refused.stderr
