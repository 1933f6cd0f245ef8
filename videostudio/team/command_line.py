"""The team from the command line: ``python -m videostudio.team add|list|set|remove``.

Reads the same database as the studio and the follower (``DATABASE_URL``, else ``VIDEO_STUDIO_HOME``'s SQLite file):

    python -m videostudio.team add ana@example.com --role creator --daily-usd 5 --monthly-usd 50
    python -m videostudio.team list
    python -m videostudio.team set ana@example.com --role viewer --daily-usd none
    python -m videostudio.team remove ana@example.com

Bad input ends with a plain sentence on standard error and exit status 2.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TextIO

from videostudio.config import Settings
from videostudio.history.store import JobStore
from videostudio.team.members import ADMINS_VARIABLE, Member, MemberError, MemberStore, admins_from
from videostudio.team.roles import Role

PROGRAM = "python -m videostudio.team"
BAD_INPUT = 2
ADDED_BY = "command line"  # what the Team page shows as "added by" for a member added here
NO_LIMIT = "none"


def _limit(text: str) -> float | None:
    """A dollar limit as typed: a number of dollars, or "none" for no limit."""
    if text.strip().lower() == NO_LIMIT:
        return None
    try:
        value = float(text.strip().lstrip("$"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not an amount of dollars (or “{NO_LIMIT}”)") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise argparse.ArgumentTypeError(f"“{text}” is not an amount of dollars (or “{NO_LIMIT}”)")
    return value


def _role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        roles = ", ".join(role.value for role in Role)
        raise argparse.ArgumentTypeError(f"“{text}” is not a role; the roles are {roles}") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=PROGRAM, description="Add, list, change and remove the studio's members.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="add|list|set|remove")
    add = commands.add_parser("add", help="add a member")
    add.add_argument("email")
    add.add_argument("--role", type=_role, default=Role.CREATOR, help="admin, creator (the default) or viewer")
    add.add_argument("--daily-usd", type=_limit, default=None, help="a limit per day in dollars (default: none)")
    add.add_argument("--monthly-usd", type=_limit, default=None, help="a limit per month in dollars (default: none)")
    commands.add_parser("list", help="list the members")
    change = commands.add_parser("set", help="change a member's role or limits")
    change.add_argument("email")
    change.add_argument("--role", type=_role, default=None)
    change.add_argument("--daily-usd", type=_limit, default=argparse.SUPPRESS, help=f"dollars, or “{NO_LIMIT}”")
    change.add_argument("--monthly-usd", type=_limit, default=argparse.SUPPRESS, help=f"dollars, or “{NO_LIMIT}”")
    remove = commands.add_parser("remove", help="remove a member")
    remove.add_argument("email")
    return parser


def _dollars(value: float | None) -> str:
    return "no limit" if value is None else f"${value:,.2f}"


def describe(member: Member) -> str:
    """One member in one line, as ``list`` prints it."""
    parts = [member.email, member.role.sheet.words, f"daily {_dollars(member.daily_usd)}"]
    parts.append(f"monthly {_dollars(member.monthly_usd)}")
    if member.from_environment:
        parts.append(f"admin from {ADMINS_VARIABLE}")
    elif member.added_at is not None:
        parts.append(
            f"added {member.added_at:%Y-%m-%d %H:%M} UTC" + (f" by {member.added_by}" if member.added_by else "")
        )
    return " · ".join(parts)


def run(args: argparse.Namespace, members: MemberStore, out: TextIO) -> None:
    if args.command == "add":
        member = members.add(
            args.email, args.role, daily_usd=args.daily_usd, monthly_usd=args.monthly_usd, added_by=ADDED_BY
        )
        print(f"Added {describe(member)}", file=out)
    elif args.command == "list":
        listed = members.all()
        for member in listed:
            print(describe(member), file=out)
        if not listed:
            print(f"No members yet. Add one with “{PROGRAM} add EMAIL”, or name admins in {ADMINS_VARIABLE}.", file=out)
    elif args.command == "set":
        limits = {name: getattr(args, name) for name in ("daily_usd", "monthly_usd") if hasattr(args, name)}
        if args.role is None and not limits:
            raise MemberError("Say what to change: --role, --daily-usd or --monthly-usd.")
        print(f"Changed {describe(members.set(args.email, role=args.role, **limits))}", file=out)
    elif args.command == "remove":
        members.remove(args.email)
        print(f"Removed {args.email.strip().lower()}", file=out)


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    args = _parser().parse_args(argv)  # bad input: argparse says why on stderr and exits with status 2
    store = JobStore(Settings.from_env().database_url)
    try:
        run(args, MemberStore(store, admins_from(os.environ)), out)
    except MemberError as problem:
        print(f"{PROGRAM}: {problem}", file=err)
        return BAD_INPUT
    finally:
        store.engine.dispose()
    return 0
