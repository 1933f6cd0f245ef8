"""The team's members and settings, kept in the history's database so every replica reads the same ones.

Members are named by the email their sign-in gives. ``VIDEO_STUDIO_ADMINS`` names the first admins: they are members
whether or not a row says so, so a new team studio can be opened by its admin before anyone is added.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from videostudio.history.record import members_table, team_settings_table, utcnow
from videostudio.history.store import JobStore
from videostudio.team.people import Person, normalise_email
from videostudio.team.roles import Role

ADMINS_VARIABLE = "VIDEO_STUDIO_ADMINS"
# A press above this many dollars asks once before sending, unless the Team page set another amount.
DEFAULT_CONFIRM_ABOVE_USD = 5.0
CONFIRM_ABOVE_SETTING = "confirm_above_usd"


class MemberError(ValueError):
    """A member change that can't be made, in words for the person who asked (the Team page, the command line)."""


@dataclass(frozen=True)
class Member:
    """One row of the members table."""

    email: str
    role: Role
    daily_usd: float | None = None
    monthly_usd: float | None = None
    added_at: datetime | None = None
    added_by: str | None = None
    from_environment: bool = False  # an admin named by VIDEO_STUDIO_ADMINS, with no row of their own

    def as_person(self, name: str = "") -> Person:
        return Person(self.email, self.role, name=name, daily_usd=self.daily_usd, monthly_usd=self.monthly_usd)


def admins_from(env: Mapping[str, str] = os.environ) -> frozenset[str]:
    """The first admins, from ``VIDEO_STUDIO_ADMINS=a@x.com,b@x.com``."""
    return frozenset(normalise_email(e) for e in (env.get(ADMINS_VARIABLE) or "").split(",") if e.strip())


def _checked_limit(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    if value < 0:
        raise MemberError(f"A {what} limit can't be below $0.")
    return float(value)


class MemberStore:
    """Reads and writes the members and the team's settings."""

    def __init__(self, store: JobStore, admins: frozenset[str] = frozenset()) -> None:
        self.store = store
        self.admins = admins

    # --- Reads -------------------------------------------------------------------------------------------------------

    def get(self, email: str) -> Member | None:
        email = normalise_email(email)
        with self.store.engine.connect() as conn:
            row = conn.execute(members_table.select().where(members_table.c.email == email)).mappings().first()
        if row is not None:
            member = _member(row)
            # An admin named in the environment stays an admin, whatever the row says: the way back in.
            return member if email not in self.admins else _with_role(member, Role.ADMIN)
        if email in self.admins:
            return Member(email, Role.ADMIN, from_environment=True)
        return None

    def all(self) -> list[Member]:
        with self.store.engine.connect() as conn:
            rows = conn.execute(members_table.select().order_by(members_table.c.email)).mappings().all()
        members = {row["email"]: _member(row) for row in rows}
        for email in self.admins:
            members[email] = (
                _with_role(members[email], Role.ADMIN)
                if email in members
                else Member(email, Role.ADMIN, from_environment=True)
            )
        return sorted(members.values(), key=lambda m: m.email)

    # --- Writes ------------------------------------------------------------------------------------------------------

    def add(
        self,
        email: str,
        role: Role,
        *,
        daily_usd: float | None = None,
        monthly_usd: float | None = None,
        added_by: str | None = None,
    ) -> Member:
        email = normalise_email(email)
        if "@" not in email:
            raise MemberError(f"“{email}” is not an email address.")
        row = {
            "email": email,
            "role": Role(role).value,
            "daily_usd": _checked_limit(daily_usd, "daily"),
            "monthly_usd": _checked_limit(monthly_usd, "monthly"),
            "added_at": utcnow(),
            "added_by": added_by,
        }

        def work(conn: Connection) -> None:
            if conn.execute(sa.select(members_table.c.email).where(members_table.c.email == email)).first():
                raise MemberError(f"{email} is already a member: change them with “set”.")
            conn.execute(members_table.insert().values(**row))

        self.store.write(work)
        return self.get(email) or _member(row)

    _UNCHANGED = object()

    def set(
        self,
        email: str,
        *,
        role: Role | None = None,
        daily_usd: float | None | object = _UNCHANGED,
        monthly_usd: float | None | object = _UNCHANGED,
    ) -> Member:
        """Change a member's role or limits (``None`` removes a limit); an environment admin gets a row here."""
        email = normalise_email(email)
        current = self.get(email)
        if current is None:
            raise MemberError(f"{email} is not a member: add them first.")
        changes: dict[str, object] = {}
        if role is not None:
            changes["role"] = Role(role).value
        if daily_usd is not self._UNCHANGED:
            changes["daily_usd"] = _checked_limit(daily_usd, "daily")  # type: ignore[arg-type]
        if monthly_usd is not self._UNCHANGED:
            changes["monthly_usd"] = _checked_limit(monthly_usd, "monthly")  # type: ignore[arg-type]
        if current.from_environment:
            values = {"role": Role.ADMIN.value, "daily_usd": None, "monthly_usd": None} | changes
            self.add(email, Role(values["role"]), daily_usd=values["daily_usd"], monthly_usd=values["monthly_usd"])  # type: ignore[arg-type]
        elif changes:
            statement = members_table.update().where(members_table.c.email == email).values(**changes)
            self.store.write(lambda conn: conn.execute(statement))
        return self.get(email)  # type: ignore[return-value]

    def remove(self, email: str) -> None:
        email = normalise_email(email)
        if email in self.admins:
            raise MemberError(f"{email} is named in {ADMINS_VARIABLE}; take them out of it to remove them.")
        statement = members_table.delete().where(members_table.c.email == email)
        if self.store.write(lambda conn: conn.execute(statement).rowcount) == 0:
            raise MemberError(f"{email} is not a member.")

    # --- The team's settings -----------------------------------------------------------------------------------------

    def confirm_above_usd(self) -> float:
        """A press above this many dollars asks once before sending (team-wide, set on the Team page)."""
        value = self._setting(CONFIRM_ABOVE_SETTING)
        return float(value) if value is not None else DEFAULT_CONFIRM_ABOVE_USD

    def set_confirm_above_usd(self, usd: float) -> None:
        if usd < 0:
            raise MemberError("The amount that asks first can't be below $0.")
        self._set_setting(CONFIRM_ABOVE_SETTING, repr(float(usd)))

    def _setting(self, name: str) -> str | None:
        with self.store.engine.connect() as conn:
            return conn.execute(
                sa.select(team_settings_table.c.value).where(team_settings_table.c.name == name)
            ).scalar_one_or_none()

    def _set_setting(self, name: str, value: str) -> None:
        table = team_settings_table

        def work(conn: Connection) -> None:
            updated = conn.execute(table.update().where(table.c.name == name).values(value=value)).rowcount
            if not updated:
                conn.execute(table.insert().values(name=name, value=value))

        self.store.write(work)


def _member(row: Mapping[str, object]) -> Member:
    return Member(
        email=str(row["email"]),
        role=Role(str(row["role"])),
        daily_usd=row["daily_usd"],  # type: ignore[arg-type]
        monthly_usd=row["monthly_usd"],  # type: ignore[arg-type]
        added_at=row["added_at"],  # type: ignore[arg-type]
        added_by=row["added_by"],  # type: ignore[arg-type]
    )


def _with_role(member: Member, role: Role) -> Member:
    return Member(member.email, role, member.daily_usd, member.monthly_usd, member.added_at, member.added_by)
