"""The team's roles, members and access rules, tested directly (no Streamlit)."""

from __future__ import annotations

from pathlib import Path

import pytest

from videostudio.history.store import Job, JobStore
from videostudio.team.access import can_change, can_view
from videostudio.team.members import DEFAULT_CONFIRM_ABOVE_USD, MemberError, MemberStore, admins_from
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import ROLES, Role


def test_every_role_has_its_sheet() -> None:
    assert set(ROLES) == set(Role)
    assert all(role.sheet is ROLES[role] for role in Role)


def test_a_viewer_never_generates_deletes_or_sees_prices() -> None:
    sheet = Role.VIEWER.sheet
    assert not (sheet.may_generate or sheet.may_delete_own or sheet.sees_prices or sheet.manages_team)


@pytest.fixture
def members(tmp_path: Path) -> MemberStore:
    store = JobStore(f"sqlite:///{tmp_path / 'history.sqlite3'}")
    yield MemberStore(store, admins_from({"VIDEO_STUDIO_ADMINS": " Boss@Example.com , "}))
    store.close()


def test_admins_named_in_the_environment_are_members_with_no_row(members: MemberStore) -> None:
    boss = members.get("boss@example.com")
    assert boss is not None and boss.role is Role.ADMIN and boss.from_environment
    assert members.get("stranger@example.com") is None


def test_members_are_added_changed_and_removed_by_email_in_any_case(members: MemberStore) -> None:
    members.add("Ana@Example.com", Role.CREATOR, daily_usd=5, monthly_usd=50, added_by="boss@example.com")
    ana = members.get("ana@example.com")
    assert ana is not None and (ana.role, ana.daily_usd, ana.monthly_usd) == (Role.CREATOR, 5.0, 50.0)
    with pytest.raises(MemberError, match="already a member"):
        members.add("ANA@example.com", Role.VIEWER)
    members.set("ana@example.com", role=Role.VIEWER, daily_usd=None)
    ana = members.get("ana@example.com")
    assert ana is not None and (ana.role, ana.daily_usd, ana.monthly_usd) == (Role.VIEWER, None, 50.0)
    assert [m.email for m in members.all()] == ["ana@example.com", "boss@example.com"]
    members.remove("ana@example.com")
    assert members.get("ana@example.com") is None
    with pytest.raises(MemberError, match="not a member"):
        members.remove("ana@example.com")


def test_an_environment_admin_can_not_be_removed_or_demoted(members: MemberStore) -> None:
    with pytest.raises(MemberError, match="VIDEO_STUDIO_ADMINS"):
        members.remove("boss@example.com")
    members.set("boss@example.com", role=Role.VIEWER, daily_usd=3)
    boss = members.get("boss@example.com")
    assert boss is not None and boss.role is Role.ADMIN and boss.daily_usd == 3.0


def test_bad_limits_and_addresses_are_refused_in_words(members: MemberStore) -> None:
    with pytest.raises(MemberError, match="not an email"):
        members.add("ana", Role.CREATOR)
    with pytest.raises(MemberError, match="below"):
        members.add("ana@example.com", Role.CREATOR, daily_usd=-1)


def test_the_confirmation_amount_defaults_and_can_be_set(members: MemberStore) -> None:
    assert members.confirm_above_usd() == DEFAULT_CONFIRM_ABOVE_USD
    members.set_confirm_above_usd(12.5)
    assert members.confirm_above_usd() == 12.5


ANA = Person("ana@example.com", Role.CREATOR)
BEN = Person("ben@example.com", Role.CREATOR)
VIC = Person("vic@example.com", Role.VIEWER)
ADA = Person("ada@example.com", Role.ADMIN)


@pytest.mark.parametrize(
    ("person", "job", "views", "changes"),
    [
        (ANA, Job("m", "offline", owner="ana@example.com"), True, True),
        (BEN, Job("m", "offline", owner="ana@example.com"), False, False),
        (BEN, Job("m", "offline", owner="ana@example.com", shared=True), True, False),
        (VIC, Job("m", "offline", owner="ana@example.com", shared=True), True, False),
        (VIC, Job("m", "offline", owner="ana@example.com"), False, False),
        (ADA, Job("m", "offline", owner="ana@example.com"), True, True),
        (BEN, Job("m", "offline", owner=None), False, False),
        (LOCAL_PERSON, Job("m", "offline", owner=None), True, True),
    ],
)
def test_who_may_view_and_change_a_job(person: Person, job: Job, views: bool, changes: bool) -> None:
    assert (can_view(person, job), can_change(person, job)) == (views, changes)
