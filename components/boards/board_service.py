"""The boards of this studio and the words every board view shares: a take's title, the showcase link's reach."""

from __future__ import annotations

from components.jobs.job_words import model_name
from components.shell import services
from components.shell.identity import sign_in_configured
from videostudio.boards.store import Board, BoardStore
from videostudio.catalogue.labels import shortened
from videostudio.history.store import Job

TITLE_CHARS = 90


def board_store() -> BoardStore:
    """The boards, in the history's database (cheap to make: it holds only the history's store)."""
    return BoardStore(services.job_service().store)


def take_title(job: Job) -> str:
    """What a take is called on a board, in a showcase and in the ZIP's index: its prompt, else its model."""
    prompt = " ".join(job.prompt.split())
    return shortened(prompt, TITLE_CHARS) if prompt else model_name(job.model_id)


def link_reach(board: Board) -> str:
    """Who can open the board's showcase link, in words for the board's page."""
    if not sign_in_configured():
        return "Anyone who can reach this studio can open this link."
    if board.shared:
        return "Members of the team, viewers included, can open this link after signing in."
    return "Only you and the admins can open this link until you share it with the team."
