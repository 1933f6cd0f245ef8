"""Who may see, change and mark what on a board: the rules of ``videostudio/team/access.py``, applied to boards.

A board belongs to the person who made it (``owner``; None in a studio without sign-in, whose one person is an
admin). Its owner and the admins see and change it; when its owner shares it, every member of the team (viewers
included) may open its showcase link, for watching only.
"""

from __future__ import annotations

from videostudio.boards.store import Board
from videostudio.history.record import Job
from videostudio.team.access import can_change, can_view
from videostudio.team.people import Person


def can_make_boards(person: Person) -> bool:
    """Creators and admins make boards; a viewer only watches what is shared with them."""
    return person.sheet.may_delete_own


def can_change_board(person: Person, board: Board) -> bool:
    """Rename, reorder, note, share, delete: the board's owner, or an admin (``access.can_change``)."""
    return can_change(person, board)


def can_see_board(person: Person, board: Board, *, through_link: bool) -> bool:
    """Its owner and the admins always; anyone else only through the showcase link, once the owner shared it."""
    if can_change_board(person, board) or person.sheet.sees_everyones_work:
        return True
    return through_link and board.shared


def can_put_on_board(person: Person, job: Job) -> bool:
    """A take a person may watch may go on their boards (sharing the board then shows it to the team)."""
    return can_make_boards(person) and can_view(person, job)


def can_mark(person: Person, job: Job) -> bool:
    """The star and the rating are the take's own, the same for all who see it: whoever may change the job sets them."""
    return can_change(person, job)
