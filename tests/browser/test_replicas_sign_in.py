"""A team studio with sign-in (``scripts/team.sh --sign-in``): a sign-in made through one replica holds on the other
(the replicas share the ``[auth]`` secrets), and the demo's secrets never outlive the run."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import wait_idle
from tests.browser.team_layout import AFFINITY_COOKIE, Team, pinned_context, running_team
from tests.oidc import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.team]

CREATOR = "ben.creator@example.com"  # a demo member scripts/team.sh adds


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    with running_team(tmp_path_factory.mktemp("team-sign-in"), "--sign-in") as running:
        yield running


def test_a_sign_in_through_one_replica_holds_on_the_other(browser: Browser, team: Team) -> None:
    context = pinned_context(browser, team, 1)
    page = context.new_page()
    sign_in(page, team.address, CREATOR)
    sidebar = page.locator("[data-testid='stSidebar']")
    expect(sidebar).to_contain_text(CREATOR)

    # nginx now sends this browser to replica 2, which has never seen it: its sign-in cookie is good there too.
    context.add_cookies([{"name": AFFINITY_COOKIE, "value": team.affinity_for(2), "url": team.address}])
    response = page.reload()
    assert response is not None and response.headers["x-studio-replica"] == team.url(2).removeprefix("http://")
    wait_idle(page)
    expect(sidebar).to_contain_text(CREATOR)
    expect(page.get_by_role("button", name="Sign in")).to_have_count(0)
    context.close()


def test_the_demo_secrets_live_in_the_run_and_go_with_it(team: Team) -> None:
    secrets = Path(team.layout["RUN_DIR"]) / "secrets" / "secrets.toml"
    assert "[auth]" in secrets.read_text() and secrets.stat().st_mode & 0o077 == 0  # its owner's alone
    assert team.stop() == 130
    assert not secrets.exists()
