"""A spending limit in a real browser: a member signed in through the real OIDC provider (tests/oidc.py), with $1 left
today, presses a run that costs more. The message says what it costs and what is left, and nothing reaches the
backend."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import REPO, Studio, keyed, pick_model, press_generate, type_text, wait_idle
from tests.oidc import add_member, sign_in
from videostudio.history.store import JobStore

pytestmark = pytest.mark.browser

MEMBER = "lim.ited@example.com"
VEO = "google/veo-3.1-t2v"  # $1.728 a run in the offline demo's simulated prices


def set_daily_limit(studio: Studio, email: str, usd: float) -> None:
    """As an admin would from the command line: ``python -m videostudio.team set EMAIL --daily-usd USD``."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VIDEO_STUDIO_HOME"] = str(studio.server.home)
    command = [sys.executable, "-m", "videostudio.team", "set", email, "--daily-usd", str(usd)]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr


def jobs_of(studio: Studio, email: str) -> int:
    store = JobStore(f"sqlite:///{studio.server.home / 'history.sqlite3'}")
    try:
        return sum(job.owner == email for job in store.list())
    finally:
        store.close()


def test_a_member_with_one_dollar_left_pressing_a_dearer_run_is_told_and_nothing_is_sent(
    page: Page, team_studio: Studio, oidc_provider: Any
) -> None:
    add_member(team_studio, MEMBER, "creator", provider=oidc_provider)
    set_daily_limit(team_studio, MEMBER, 1.0)
    submits = team_studio.stats()["submits"]

    sign_in(page, team_studio.url, MEMBER)
    pick_model(page, VEO)
    type_text(page, "google-veo-3-1-t2v__prompt", "A lighthouse in a storm, waves crashing")
    expect(keyed(page, "price_tag")).to_contain_text("Price of this run: $1.728")
    press_generate(page)

    message = page.locator("[data-testid='stAlertContentError']").filter(has_text="This run costs")
    expect(message).to_contain_text("This run costs $1.728; you have $1.00 left today")
    expect(message).to_contain_text("Ask your admin to raise your limit.")
    wait_idle(page)
    assert team_studio.stats()["submits"] == submits  # not one POST
    assert jobs_of(team_studio, MEMBER) == 0
    # Nothing running: a plain Generate again, not "Generating…".
    expect(keyed(page, "generate").get_by_role("button", name="Generate", exact=True)).to_be_enabled()
