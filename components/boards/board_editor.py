"""The Boards page's pieces: make a board, pick one, rename, share and delete it, its showcase link and ZIP, add
takes, and its takes in order with Up, Down, Remove and a note each."""

from __future__ import annotations

import streamlit as st

from components.boards.board_service import board_store, link_reach, take_title
from components.jobs.job_words import created_text, model_name, pick_labels
from components.shell import services
from components.shell.identity import sign_in_configured
from components.shell.job_link import showcase_url
from components.shell.markdown_text import as_typed
from components.shell.whose import seen_jobs
from videostudio.boards.access import can_change_board, can_put_on_board
from videostudio.boards.store import Board, BoardError, BoardItem
from videostudio.boards.takeaway import board_zip, zip_name
from videostudio.library.videos import kept_videos
from videostudio.storage.names import media_file
from videostudio.team.people import Person

CURRENT_KEY = "boards_current"
NEW_TITLE_KEY = "boards_new_title"
CONFIRM_KEY = "boards_confirm_delete"
MESSAGE_KEY = "boards_message"
# How many of the newest finished takes "Add takes" offers.
PICKER_TAKES = 300


def new_board(person: Person) -> None:
    """A title and "New board"; the new board becomes the one shown."""
    with st.container(horizontal=True, vertical_alignment="bottom", key="boards_new"):
        st.text_input("New board", placeholder="Client pitch, 12 Dec", key=NEW_TITLE_KEY, max_chars=120)
        st.button("New board", icon=":material/add:", key="boards_create", on_click=_create, args=(person.owner,))


def show_message() -> None:
    message = st.session_state.pop(MESSAGE_KEY, None)
    if message:
        st.error(message, icon=":material/error:")


def pick_board(person: Person) -> Board | None:
    """The board to look at, of those this person may change (their own; every board for an admin)."""
    boards = [
        b
        for b in board_store().boards(person.owner, everyone=person.sheet.sees_everyones_work)
        if can_change_board(person, b)
    ]
    if not boards:
        return None
    by_id = {b.id: b for b in boards}
    if st.session_state.get(CURRENT_KEY) not in by_id:
        st.session_state[CURRENT_KEY] = boards[0].id
    chosen = st.selectbox("Board", list(by_id), format_func=lambda i: by_id[i].title, key=CURRENT_KEY)
    return by_id[chosen]


def board_header(board: Board, items: list[BoardItem]) -> None:
    """Rename, the showcase link and who can open it, share, the ZIP and Delete."""
    st.text_input(
        "Title", value=board.title, key=f"board-title-{board.id}", on_change=_rename, args=(board.id,), max_chars=120
    )
    link = showcase_url(board.share_token)
    st.markdown("**Showcase link**")
    st.code(link, language=None, wrap_lines=True)
    if sign_in_configured():
        st.toggle(
            "Share the showcase with the team",
            value=board.shared,
            key=f"board-shared-{board.id}",
            on_change=_share,
            args=(board.id,),
            help="Members of the team, viewers included, can then open its link; nobody else can change the board",
        )
    st.caption(link_reach(board))
    with st.container(horizontal=True, key="board_actions"):
        st.link_button("Open the showcase", link, icon=":material/slideshow:", type="primary")
        playable = sum(1 for item in items if item.job.has_local_video)
        st.download_button(
            "Download as ZIP",
            # Built only when pressed: the videos are read then, not on every run of the page.
            data=lambda: board_zip(services.media_storage(), board, board_store().items(board.id), take_title),
            file_name=zip_name(board),
            mime="application/zip",
            icon=":material/folder_zip:",
            key=f"board-zip-{board.id}",
            on_click="ignore",
            disabled=not playable,
            help="The videos named in the board's order, with an index.html that plays them one after another offline",
        )
        st.button(
            "Delete board",
            icon=":material/delete:",
            key=f"board-delete-{board.id}",
            on_click=_ask_delete,
            args=(board.id,),
        )
    if st.session_state.get(CONFIRM_KEY) == board.id:
        st.warning(f"Delete the board “{board.title}”? Its takes stay in History.", icon=":material/warning:")
        with st.container(horizontal=True):
            st.button(
                "Delete board for good", type="primary", key="board_delete_yes", on_click=_delete, args=(board.id,)
            )
            st.button("Keep it", key="board_delete_no", on_click=_cancel_delete)


def add_takes(board: Board, person: Person, items: list[BoardItem]) -> None:
    """Pick finished takes (newest first) and put them last on the board, in the order picked."""
    on_board = {item.job.id for item in items}
    store = seen_jobs()  # the takes this person may watch, newest first
    takes = [
        job
        for job in kept_videos(store, PICKER_TAKES).values()
        if job.id not in on_board and can_put_on_board(person, job)
    ]
    labels = pick_labels(takes)
    key = f"board-add-pick-{board.id}"
    with st.container(horizontal=True, vertical_alignment="bottom", key="board_add"):
        st.multiselect(
            "Add takes",
            list(labels),
            format_func=labels.__getitem__,
            key=key,
            placeholder="Pick finished takes, in the order they should play" if labels else "No other finished takes",
            disabled=not labels,
        )
        st.button(
            "Add to the board",
            icon=":material/playlist_add:",
            key="board_add_button",
            on_click=_add,
            args=(board.id, key),
        )


def board_takes(board: Board, items: list[BoardItem]) -> None:
    """The takes in order, each with its poster, title, note, and Up, Down and Remove."""
    if not items:
        st.info(
            "No takes on this board yet: add some above, or from a take's **Add to board…**.", icon=":material/movie:"
        )
        return
    for item in items:
        job = item.job
        with st.container(border=True, key=f"board-take-{job.id}"):
            picture, words, moves = st.columns([1, 4, 2], vertical_alignment="center")
            poster = media_file(services.media_storage(), job.poster_path)
            if poster is not None:
                picture.image(str(poster), width="stretch")
            else:
                picture.markdown(":material/movie:")
            with words:
                st.markdown(f"**{item.position + 1}.** {as_typed(take_title(job))}")
                st.caption(f"{model_name(job.model_id)} · {created_text(job.created_at)}")
                if not job.has_local_video:
                    st.caption(":material/cloud_off: Its video is not on this computer: the showcase skips it.")
                st.text_input(
                    "Note",
                    value=item.note,
                    key=f"board-note-{board.id}-{job.id}",
                    placeholder="What to say about this take",
                    on_change=_note,
                    args=(board.id, job.id),
                    max_chars=1000,
                )
            with moves.container(horizontal=True):
                last = item.position == len(items) - 1
                st.button(
                    "Up",
                    icon=":material/arrow_upward:",
                    key=f"board-up-{job.id}",
                    on_click=_move,
                    args=(board.id, job.id, -1),
                    disabled=item.position == 0,
                )
                st.button(
                    "Down",
                    icon=":material/arrow_downward:",
                    key=f"board-down-{job.id}",
                    on_click=_move,
                    args=(board.id, job.id, 1),
                    disabled=last,
                )
                st.button(
                    "Remove",
                    icon=":material/remove:",
                    key=f"board-remove-{job.id}",
                    on_click=_remove,
                    args=(board.id, job.id),
                    help="Take it off this board (it stays in History)",
                )


# --- Callbacks ------------------------------------------------------------------------------------------------------


def _create(owner: str | None) -> None:
    try:
        board = board_store().create(st.session_state.get(NEW_TITLE_KEY) or "", owner)
    except BoardError as exc:
        st.session_state[MESSAGE_KEY] = str(exc)
        return
    st.session_state[NEW_TITLE_KEY] = ""
    st.session_state[CURRENT_KEY] = board.id


def _rename(board_id: str) -> None:
    key = f"board-title-{board_id}"
    try:
        board_store().rename(board_id, st.session_state.get(key) or "")
    except BoardError as exc:
        st.session_state[MESSAGE_KEY] = str(exc)
        st.session_state.pop(key, None)  # the stored title comes back


def _share(board_id: str) -> None:
    board_store().set_shared(board_id, bool(st.session_state.get(f"board-shared-{board_id}")))


def _add(board_id: str, key: str) -> None:
    store = board_store()
    for job_id in st.session_state.get(key) or []:
        store.add(board_id, job_id)
    st.session_state[key] = []


def _move(board_id: str, job_id: str, places: int) -> None:
    try:
        board_store().move(board_id, job_id, places)
    except BoardError as exc:
        st.session_state[MESSAGE_KEY] = str(exc)


def _remove(board_id: str, job_id: str) -> None:
    board_store().remove(board_id, job_id)


def _note(board_id: str, job_id: str) -> None:
    try:
        board_store().set_note(board_id, job_id, st.session_state.get(f"board-note-{board_id}-{job_id}") or "")
    except BoardError as exc:
        st.session_state[MESSAGE_KEY] = str(exc)


def _ask_delete(board_id: str) -> None:
    st.session_state[CONFIRM_KEY] = board_id


def _cancel_delete() -> None:
    st.session_state.pop(CONFIRM_KEY, None)


def _delete(board_id: str) -> None:
    board_store().delete(board_id)
    st.session_state.pop(CONFIRM_KEY, None)
    st.session_state.pop(CURRENT_KEY, None)
