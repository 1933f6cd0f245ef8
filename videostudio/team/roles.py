"""The three roles of a team studio, each one object saying what a person holding it may do.

Every question the studio asks of a role ("may they press Generate?", "may they see prices?") is asked of its
``RoleSheet``, never by comparing names; ``tests/test_team_roles.py`` keeps the table complete.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """A member's role, as stored in the members table and typed on the command line."""

    ADMIN = "admin"  # everything, other people's work and the Team page included
    CREATOR = "creator"  # generates; sees their own work and what is shared with them
    VIEWER = "viewer"  # watches what is shared; never generates, deletes or sees a price

    @property
    def sheet(self) -> RoleSheet:
        return ROLES[self]


@dataclass(frozen=True)
class RoleSheet:
    """What a role may do, in the studio's words."""

    words: str  # how the sidebar and the Team page name it
    may_generate: bool  # press Generate, Run again, Try again, Join clips; save presets
    may_delete_own: bool  # delete their own jobs, drafts and presets
    sees_prices: bool  # prices, costs and spending anywhere on the page
    sees_everyones_work: bool  # every job, draft and preset of the studio, not only their own and the shared ones
    manages_team: bool  # the Team page: members, roles, limits, the confirmation amount


ROLES: dict[Role, RoleSheet] = {
    Role.ADMIN: RoleSheet(
        words="Admin",
        may_generate=True,
        may_delete_own=True,
        sees_prices=True,
        sees_everyones_work=True,
        manages_team=True,
    ),
    Role.CREATOR: RoleSheet(
        words="Creator",
        may_generate=True,
        may_delete_own=True,
        sees_prices=True,
        sees_everyones_work=False,
        manages_team=False,
    ),
    Role.VIEWER: RoleSheet(
        words="Viewer",
        may_generate=False,
        may_delete_own=False,
        sees_prices=False,
        sees_everyones_work=False,
        manages_team=False,
    ),
}
