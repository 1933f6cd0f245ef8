"""A person using the studio: who they are, their role and their spending limits.

A studio with no sign-in configured has exactly one person, ``LOCAL_PERSON``: an admin whose work has no owner
(``owner`` None), so a laptop studio works exactly as before there were teams.
"""

from __future__ import annotations

from dataclasses import dataclass

from videostudio.team.roles import Role, RoleSheet


def normalise_email(email: str) -> str:
    """Emails name members; the same address in another case is the same person."""
    return email.strip().lower()


@dataclass(frozen=True)
class Person:
    """Someone the studio serves: a signed-in member, or the one person of a studio without sign-in."""

    email: str  # "" for the one person of a studio without sign-in
    role: Role
    name: str = ""  # as the sign-in gives it, for greeting; never used to decide anything
    daily_usd: float | None = None  # None: no limit per day
    monthly_usd: float | None = None  # None: no limit per month

    @property
    def sheet(self) -> RoleSheet:
        return self.role.sheet

    @property
    def owner(self) -> str | None:
        """What the jobs, drafts and presets this person makes record as their owner (None without sign-in)."""
        return self.email or None

    @property
    def signed_in(self) -> bool:
        return bool(self.email)


LOCAL_PERSON = Person(email="", role=Role.ADMIN, name="")
