"""The price of the film, Make the film, the progress of each shot, and the finished film with its parts.

One press sends every part not made yet (``videostudio/films/making.make_film``), at the price shown, once: the
button's callback claims the press (a double click is one press), and a press above the team's amount asks first,
"Make 4 parts for $6.20?", as Generate does. While the film is being made, a fragment steps it every two seconds
(``advance``: the same step the follower takes with no browser open) and redraws the progress.
"""

from __future__ import annotations

import streamlit as st

from components.films.film_service import film_works, may_edit, say
from components.jobs.job_card import job_card
from components.shell import services
from components.shell.identity import member_store
from components.shell.job_link import job_url
from components.shell.markdown_text import markdown_safe
from components.shell.whose import current_person, sees_prices
from videostudio.catalogue.pricing import money
from videostudio.films.film import Film
from videostudio.films.making import FilmProgress, advance, make_film, problems_of
from videostudio.films.plan import PartPlan, Stage
from videostudio.films.pricing import FilmQuote, line_text, quote_film
from videostudio.library.chain import joined_settings
from videostudio.team.limits import PressCost, needs_confirmation

PRESS_KEY = "films_press"  # a press of Make the film waiting for the script body: the film's id
QUESTION_KEY = "films_question"  # a costly press asked about: (film id, what the question priced)
CONFIRMED_KEY = "films_confirmed"
SENDING_KEY = "films_sending"
TICK_SECONDS = 2.0

_STAGE_LOOK = {
    Stage.WAITS: (":material/schedule:", "waits for the previous shot's last frame"),
    Stage.TO_MAKE: (":material/radio_button_unchecked:", "not made yet"),
    Stage.MAKING: (":material/hourglass_top:", "being made"),
    Stage.MADE: (":material/check_circle:", "made"),
    Stage.FAILED: (":material/error:", "failed"),
}


def film_progress(film: Film) -> FilmProgress:
    """Where the film stands now (one step taken, when it is being made)."""
    progress = advance(film_works(), film.id)
    assert progress is not None  # the page has just read the film
    return progress


def film_quote(progress: FilmProgress) -> FilmQuote:
    works = film_works()
    backend = services.backend()
    sounds = works.sounds(backend)
    store = services.job_service().store
    return quote_film(
        progress.plan,
        find_model=works.find_model,
        storage=works.storage,
        sounds=sounds,
        past_costs=lambda model_id: store.recent_costs(model_id, backend=backend),
        loading=services.prices_awaited(),
    )


def make_controls(film: Film, progress: FilmProgress) -> None:
    """The price of what is not made yet, dollars first, and Make the film (for whoever may change the film)."""
    if not may_edit(film):
        return
    _release_stale_claim()
    quote = film_quote(progress)
    problems = problems_of(film_works(), film)
    with st.container(border=True, key="film_make"):
        busy = progress.making is not None
        made = progress.finished and progress.plan.nothing_to_press  # pressing again would make nothing
        _price(quote, has_shots=bool(film.shots) and not busy)
        st.button(
            "Make the film" if not progress.finished else "Make the film again",
            type="primary",
            icon=":material/movie:",
            key="film_make_button",
            on_click=_request,
            args=(film.id,),
            disabled=bool(problems) or busy or made or st.session_state.get(SENDING_KEY, False),
            help="Sends every part not made yet, then assembles the film",
        )
        for problem in problems:
            st.caption(f":material/error: {markdown_safe(problem)}")
        if busy:
            st.caption("The film is being made: it goes on if you close the page.")
        elif made:
            st.caption("The film is made from these shots. Change a shot, its narration or the music to make it again.")
        _question(film, quote)
    _pressed(film, quote)


def _price(quote: FilmQuote, *, has_shots: bool) -> None:
    if not sees_prices():
        return
    if not quote.lines:
        if has_shots:
            st.markdown(f":material/check: {quote.text}")
        return
    st.markdown(f":material/sell: Price of this film: **{markdown_safe(quote.text)}**")
    st.caption(" · ".join(markdown_safe(f"{line.what}: {line_text(line)}") for line in quote.lines))
    if not services.current_backend().bills:
        backend = services.current_backend().label.lower()
        st.caption(f"Simulated: the {backend} charges nothing; the AI/ML API would charge this.")


def _request(film_id: str) -> None:
    # Runs before the script body; a press that arrives while one is being sent is the rest of a double click.
    state = st.session_state
    if state.get(SENDING_KEY):
        return
    state[SENDING_KEY] = True
    state[PRESS_KEY] = film_id


def _release_stale_claim() -> None:
    """A claim no press holds any more (a run stopped before its ``finally``) is given back."""
    if st.session_state.get(SENDING_KEY) and PRESS_KEY not in st.session_state:
        st.session_state[SENDING_KEY] = False


def _asks_first(quote: FilmQuote) -> bool:
    above = member_store().confirm_above_usd()
    if quote.total_usd is None:
        return len(quote.lines) > 1 and not quote.loading
    return needs_confirmation(PressCost(quote.total_usd, 1), above)


def _question_text(quote: FilmQuote) -> str:
    parts = f"{len(quote.lines)} part" + ("" if len(quote.lines) == 1 else "s")
    return f"Make {parts} for {quote.text}?"


def _pressed(film: Film, quote: FilmQuote) -> None:
    """The press, in the script body: asked first when costly, then made once."""
    state = st.session_state
    film_id = state.pop(PRESS_KEY, None)
    confirmed = state.pop(CONFIRMED_KEY, None)
    if film_id is None:
        return
    try:
        if film_id != film.id:
            return
        if confirmed is None and _asks_first(quote):
            state[QUESTION_KEY] = (film.id, _question_text(quote))
            return
        if confirmed is not None and confirmed != _question_text(quote):
            say("error", "The film changed after you were asked, so nothing was sent. Press Make the film again.")
            return
        _make(film, quote)
    finally:
        state[SENDING_KEY] = False
    st.rerun()


def _make(film: Film, quote: FilmQuote) -> None:
    person = current_person()
    sending = services.sending_client()
    if person is None or isinstance(sending, str):
        say("error", sending if isinstance(sending, str) else "Sign in as a member of the team. Nothing was sent.")
        return
    backend, _client = sending
    outcome = make_film(film_works(), film, person, backend, quote.cost)
    if outcome.refused is not None:
        say("error", " ".join([outcome.refused, *outcome.problems]))
    else:
        say("ok", f"Making “{film.title}”: {len(quote.lines)} parts sent or on their way. It goes on if you leave.")


def _question(film: Film, quote: FilmQuote) -> None:
    pending = st.session_state.get(QUESTION_KEY)
    if pending is None:
        return
    if pending != (film.id, _question_text(quote)):
        st.session_state.pop(QUESTION_KEY, None)
        return
    with st.container(border=True, key="film_question"):
        st.markdown(f":material/payments: **{markdown_safe(pending[1])}**")
        amount = money(member_store().confirm_above_usd())
        st.caption(markdown_safe(f"A press above {amount} asks first. Each part is billed."))
        with st.container(horizontal=True):
            st.button("Make it", type="primary", key="film_question_send", on_click=_send_asked)
            st.button("Cancel", key="film_question_cancel", on_click=_cancel_asked)


def _send_asked() -> None:
    state = st.session_state
    pending = state.pop(QUESTION_KEY, None)
    if pending is None or state.get(SENDING_KEY):
        return
    state[SENDING_KEY] = True
    state[PRESS_KEY] = pending[0]
    state[CONFIRMED_KEY] = pending[1]


def _cancel_asked() -> None:
    if st.session_state.pop(QUESTION_KEY, None) is not None:
        say("ok", "Cancelled: nothing was sent.")


# --- progress and the finished film -----------------------------------------------------------------------------------


def progress_view(film: Film, progress: FilmProgress) -> None:
    """Each shot's progress (``progress``: this run's step), stepped every two seconds while the film is being made
    (else drawn once). The page's run has just stepped the film: only the fragment's own reruns step it again."""
    being_made = progress.making is not None
    this_run = [progress]

    @st.fragment(run_every=TICK_SECONDS if being_made else None)
    def tick() -> None:
        progress = this_run.pop() if this_run else film_progress(film)
        _progress_rows(progress)
        if being_made and progress.making is None:
            st.rerun()  # finished, or stopped: the whole page shows the film (or what went wrong)

    tick()


def _progress_rows(progress: FilmProgress) -> None:
    with st.container(key="film_progress"):
        for shot in progress.plan.shots:
            line = f"**Shot {shot.number}**: {_stage_words(shot.video)}"
            if shot.narration is not None:
                line += f" · narration {_stage_words(shot.narration, icon=False)}"
            st.markdown(line)
            _error(shot.video)
            if shot.narration is not None:
                _error(shot.narration)
        if progress.plan.music is not None:
            st.markdown(f"**Music**: {_stage_words(progress.plan.music)}")
            _error(progress.plan.music)
        if progress.plan.assembled is not None and progress.plan.assembled.stage != Stage.TO_MAKE:
            st.markdown(f"**The film**: {_stage_words(progress.plan.assembled)}")
            _error(progress.plan.assembled)
        for message in progress.messages:
            st.caption(f":material/info: {markdown_safe(message)}")


def _stage_words(part: PartPlan, *, icon: bool = True) -> str:
    look, words = _STAGE_LOOK[part.stage]
    if part.stage == Stage.MAKING and part.job is not None and part.job.status.value != "submitting":
        words = f"being made ({part.job.status.value})"
    return f"{look} {words}" if icon else words


def _error(part: PartPlan) -> None:
    if part.stage == Stage.FAILED and part.error:
        st.caption(f":red[{markdown_safe(part.error)}] Press Make the film to make it again.")


def finished_film(progress: FilmProgress) -> None:
    """The film made from these settings: it plays, downloads and is shared like any video, with its parts listed."""
    job = progress.film_job
    if job is None:
        return
    st.subheader("The film")
    job_card(job, key_prefix="film")
    st.table([{"Part": name, "What": value} for name, value in joined_settings(job.params)])
    st.link_button("Open in History to share it", job_url(job.id), icon=":material/history:")
