"""The Storyboard page under AppTest, on the offline backend: start a film, add shots and edit them (saved as you
go, back after a new session), see the price, Make the film, step it to the finished film; a viewer opens a shared
film without the controls that make it."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from components.films.film_service import film_store
from tests.conftest import Studio
from tests.test_app import APP, open_studio
from videostudio.films.film import StartKind
from videostudio.team.people import LOCAL_PERSON

pytestmark = pytest.mark.apptest

STORYBOARD = "pages/storyboard.py"
VIDEO01 = "video-01"


def storyboard(at: AppTest | None = None) -> AppTest:
    at = at or open_studio()
    at.switch_page(STORYBOARD).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def start_film(at: AppTest, title: str) -> None:
    at.text_input(key="films_new_title").input(title)
    next(b for b in at.button if b.label == "Start the film").click()
    run(at)
    assert [s.value for s in at.success] == [f"“{title}” started: add its first shot below."]


def prompt_area(at: AppTest, shot_id: str) -> object:
    return next(t for t in at.text_area if t.key and t.key.startswith(f"shot-{shot_id}--") and t.key.endswith("prompt"))


def test_a_film_is_written_shot_by_shot_and_kept_for_the_next_visit(studio: Studio) -> None:
    at = storyboard()
    start_film(at, "Lighthouse")
    [film] = film_store().films(LOCAL_PERSON)
    assert film.title == "Lighthouse" and at.query_params["film"] == film.id

    at.button(key="film_add_shot").click()
    run(at)
    at.button(key="film_add_shot").click()
    run(at)
    film = film_store().get(film.id)
    assert film is not None and len(film.shots) == 2
    first, second = film.shots
    at.selectbox(key=f"shot_model_{first.id}").set_value(VIDEO01)
    run(at)
    prompt_area(at, first.id).input("a lighthouse at dawn")  # type: ignore[attr-defined]
    run(at)
    at.selectbox(key=f"shot_model_{second.id}").set_value(VIDEO01)
    run(at)
    at.radio(key=f"shot_start_{second.id}").set_value(StartKind.PREVIOUS)
    prompt_area(at, second.id).input("the lamp turns")  # type: ignore[attr-defined]
    run(at)

    kept = film_store().get(film.id)
    assert kept is not None
    assert [(s.model_id, s.prompt, s.start) for s in kept.shots] == [
        (VIDEO01, "a lighthouse at dawn", StartKind.NONE),
        (VIDEO01, "the lamp turns", StartKind.PREVIOUS),
    ]
    # Moved up: the order is the film's.
    at.button(key=f"shot_up_{second.id}").click()
    run(at)
    assert [s.id for s in film_store().get(film.id).shots] == [second.id, first.id]  # type: ignore[union-attr]
    at.button(key=f"shot_up_{first.id}").click()
    run(at)

    again = AppTest.from_file(str(APP), default_timeout=60)
    again.query_params["film"] = film.id
    again.run()
    storyboard(again)
    assert prompt_area(again, first.id).value == "a lighthouse at dawn"  # type: ignore[attr-defined]
    assert again.radio(key=f"shot_start_{second.id}").value == StartKind.PREVIOUS


def test_make_the_film_shows_its_price_then_steps_to_the_finished_film(studio: Studio) -> None:
    at = storyboard()
    start_film(at, "Dawn")
    at.button(key="film_add_shot").click()
    run(at)
    [film] = film_store().films(LOCAL_PERSON)
    shot = film.shots[0]
    at.selectbox(key=f"shot_model_{shot.id}").set_value(VIDEO01)
    run(at)
    prompt_area(at, shot.id).input("a lighthouse at dawn")  # type: ignore[attr-defined]
    run(at)
    assert "Price of this film" in " ".join(m.value for m in at.markdown)

    at.button(key="film_make_button").click()
    run(at)
    assert studio.backend_stats()["submits"] == 1
    for _ in range(60):
        if any(s.value == "The film" for s in at.subheader):
            break
        run(at)  # AppTest never fires run_every: each run is a tick
    assert any(s.value == "The film" for s in at.subheader)
    again = at.button(key="film_make_button")
    assert again.label == "Make the film again" and again.disabled  # nothing changed: nothing to send
    prompt_area(at, shot.id).input("a lighthouse at dusk")  # type: ignore[attr-defined]
    run(at)
    assert not at.button(key="film_make_button").disabled
    assert studio.backend_stats()["submits"] == 1


def test_a_viewer_opens_a_shared_film_to_watch_but_cannot_change_or_make_it(
    studio: Studio, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.test_boards_team_app import open_as
    from tests.test_forms_team_app import ANA, BEN, VERA
    from videostudio.films.film import Shot
    from videostudio.films.store import FilmStore
    from videostudio.history.store import JobStore
    from videostudio.team.members import MemberStore
    from videostudio.team.roles import Role

    store = JobStore(f"sqlite:///{studio.home / 'history.sqlite3'}")
    members = MemberStore(store)
    members.add(ANA, Role.CREATOR)
    members.add(BEN, Role.CREATOR)
    members.add(VERA, Role.VIEWER)
    films = FilmStore(store)
    shared = films.save(films.create("Ana's trailer", ANA).with_shot(Shot(prompt="a red kite", model_id=VIDEO01)))
    films.set_shared(shared.id, True)
    films.create("Ana's private cut", ANA)

    vera = open_as(VERA, STORYBOARD)
    ben = open_as(BEN, STORYBOARD)

    assert [s.value for s in vera.subheader][0] == "Ana's trailer" and "a red kite" in " ".join(
        t.value for t in vera.text
    )
    assert not any(b.key in ("film_make_button", "film_add_shot") for b in vera.button)
    assert not any(t.key == "films_new_title" for t in vera.text_input)  # a viewer starts no film
    assert "private cut" not in " ".join(str(o) for s in ben.selectbox for o in s.options)
    assert not any(b.key == "film_make_button" for b in ben.button)  # shared with Ben: his to watch, not to make
    assert any(t.key == "films_new_title" for t in ben.text_input)  # but he makes films of his own
    store.close()
