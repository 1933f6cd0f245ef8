"""The Storyboard's core: the film and its dict, the store (SQLite and PostgreSQL), who sees which film, and the plan
of what to (re)make from each part's fingerprint (tested directly, no Streamlit)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.test_store import database
from videostudio.films.film import (
    MAX_SHOTS,
    Film,
    FilmError,
    MusicBed,
    Narration,
    Shot,
    StartKind,
    Upload,
    film_problems,
)
from videostudio.films.plan import (
    Stage,
    confirmation,
    music_fingerprint,
    narration_fingerprint,
    plan_film,
    shot_fingerprint,
)
from videostudio.films.store import FILM_PART, FilmStore, PartStatus, shot_part
from videostudio.history.store import Job, JobStatus, JobStore
from videostudio.team.access import can_change, can_view
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import Role

ANA = Person("ana@example.com", Role.CREATOR)
BEN = Person("ben@example.com", Role.CREATOR)
VIC = Person("vic@example.com", Role.VIEWER)
ADA = Person("ada@example.com", Role.ADMIN)
PICTURE = Upload("films/abc.png", "dawn.png", "image/png", "abc", 1200)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobStore]:
    with database(request.param, tmp_path) as url:
        opened = JobStore(url)
        yield opened
        opened.close()


def three_shots() -> Film:
    return Film(
        title="Lighthouse",
        shots=(
            Shot(id="s1", prompt="a lighthouse at dawn", model_id="video-01", settings={"enhance_prompt": False}),
            Shot(
                id="s2",
                prompt="waves against the rocks",
                model_id="video-01",
                narration=Narration("The sea never sleeps.", "alloy", "openai/gpt-4o-mini-tts"),
                start=StartKind.PICTURE,
                picture=PICTURE,
            ),
            Shot(id="s3", prompt="the lamp turns", model_id="video-01", start=StartKind.PREVIOUS),
        ),
        music=MusicBed("slow strings", 20, 0.25, "elevenlabs/eleven_music"),
    )


# --- the film -----------------------------------------------------------------------------------------------------


def test_a_film_goes_to_a_plain_dict_and_back_unchanged() -> None:
    film = replace(three_shots(), owner="ana@example.com", shared=True)

    data = film.to_dict()

    assert Film.from_dict(data) == film
    assert data["shots"][1]["narration"] == {
        "text": "The sea never sleeps.",
        "voice": "alloy",
        "model": "openai/gpt-4o-mini-tts",
    }
    assert data["shots"][2]["start"] == "previous" and data["music"]["level"] == 0.25


def test_shots_are_added_moved_and_removed_in_order() -> None:
    film = three_shots()

    assert [s.id for s in film.moved("s3", -1).shots] == ["s1", "s3", "s2"]
    assert [s.id for s in film.moved("s1", -5).shots] == ["s1", "s2", "s3"]  # stops at the top
    assert [s.id for s in film.moved("s1", 9).shots] == ["s2", "s3", "s1"]
    assert [s.id for s in film.without_shot("s2").shots] == ["s1", "s3"]
    added = film.with_shot(Shot(id="s4"))
    assert [s.id for s in added.shots] == ["s1", "s2", "s3", "s4"]
    edited = film.with_shot(replace(film.shots[0], prompt="a lighthouse at dusk"))
    assert edited.shots[0].prompt == "a lighthouse at dusk" and len(edited.shots) == 3
    full = Film(shots=tuple(Shot() for _ in range(MAX_SHOTS)))
    with pytest.raises(FilmError, match="at most"):
        full.with_shot(Shot())


def test_what_keeps_a_film_from_being_made_is_said_per_shot() -> None:
    film = Film(
        shots=(
            Shot(id="a", model_id="video-01", start=StartKind.PREVIOUS),
            Shot(id="b", start=StartKind.PICTURE),
        ),
        music=MusicBed("  ", 10),
    )

    assert film_problems(film) == [
        "Shot 1 has no previous shot: choose another start.",
        "Shot 2: choose a model.",
        "Shot 2: give its start picture, or choose another start.",
        "Describe the music in a few words, or take the music bed out.",
    ]
    assert film_problems(three_shots()) == []
    assert film_problems(Film()) == ["Add a shot first."]
    with pytest.raises(FilmError, match="title"):
        Film().retitled("   ")


# --- the store ----------------------------------------------------------------------------------------------------


def test_a_film_is_saved_as_it_is_edited_and_read_back_after_a_restart(store: JobStore) -> None:
    films = FilmStore(store)
    film = films.create("Lighthouse", owner=ANA.owner)
    edited = replace(three_shots(), id=film.id, owner=ANA.owner)
    films.save(edited)

    reopened = FilmStore(JobStore(store.engine.url.render_as_string(hide_password=False)))

    assert reopened.get(film.id) == edited
    films.delete(film.id)
    assert films.get(film.id) is None
    with pytest.raises(FilmError, match="deleted"):
        films.save(edited)


def test_each_person_sees_their_own_films_and_the_shared_ones(store: JobStore) -> None:
    films = FilmStore(store)
    mine = films.create("Ana's", owner=ANA.owner)
    shared = films.create("Ben's, shared", owner=BEN.owner)
    films.set_shared(shared.id, True)
    hidden = films.create("Ben's, private", owner=BEN.owner)

    assert [f.id for f in films.films(ANA)] == [shared.id, mine.id]
    assert [f.id for f in films.films(VIC)] == [shared.id]
    assert {f.id for f in films.films(ADA)} == {mine.id, shared.id, hidden.id}
    assert {f.id for f in films.films(LOCAL_PERSON)} == {mine.id, shared.id, hidden.id}
    opened = films.get(shared.id)
    assert opened is not None and can_view(ANA, opened) and not can_change(ANA, opened)
    assert can_change(BEN, opened) and not can_change(VIC, opened)


def test_a_part_is_claimed_once_whoever_asks(store: JobStore) -> None:
    films = FilmStore(store)
    film = films.create("Lighthouse", owner=None)

    assert films.claim(film.id, "music", "f1", client_request_id="vs-1")
    assert not films.claim(film.id, "music", "f1", client_request_id="vs-2")  # the second asker sends nothing
    assert films.claim(film.id, "music", "f2")  # other settings: another part
    films.update_part(film.id, "music", "f1", status=PartStatus.DONE, media_key="films/sounds/x.mp3", seconds=20.0)

    part = films.part(film.id, "music", "f1")
    assert part is not None and part.done and part.client_request_id == "vs-1" and part.seconds == 20.0
    films.forget_part(film.id, "music", "f1")
    assert films.part(film.id, "music", "f1") is None


def test_a_film_being_made_is_listed_with_what_its_press_confirmed(store: JobStore) -> None:
    films = FilmStore(store)
    film = films.create("Lighthouse", owner=None)

    films.start_making(film.id, "offline", ["shot:s1|x", "music|y"])

    making = films.making(film.id)
    assert making is not None and making.backend == "offline" and making.confirmed == {"shot:s1|x", "music|y"}
    assert films.being_made() == [film.id]
    films.stop_making(film.id)
    assert films.making(film.id) is None and films.being_made() == []


# --- the plan -----------------------------------------------------------------------------------------------------


def test_every_setting_of_a_shot_is_in_its_fingerprint() -> None:
    shot = three_shots().shots[1]
    base = shot_fingerprint(shot)

    changes = [
        replace(shot, prompt="calm waves"),
        replace(shot, model_id="pixverse/v5/image-to-video"),
        replace(shot, settings={"enhance_prompt": True}),
        replace(shot, picture=replace(PICTURE, sha256="def")),
        replace(shot, start=StartKind.NONE),
        replace(shot, uploads={"audio_url": {"sha256": "0123"}}),
    ]

    assert len({base, *(shot_fingerprint(s) for s in changes)}) == len(changes) + 1
    assert shot_fingerprint(replace(shot, narration=None)) == base  # narration is a part of its own
    assert shot_fingerprint(replace(shot, picture=replace(PICTURE, name="renamed.png"))) == base  # content counts


def test_a_shot_from_the_previous_last_frame_depends_on_the_job_that_made_it() -> None:
    shot = three_shots().shots[2]

    assert shot_fingerprint(shot) is None  # not known before the previous shot has a job
    assert shot_fingerprint(shot, "job-a") != shot_fingerprint(shot, "job-b")
    narration = Narration("Hello", "alloy", "m")
    assert narration_fingerprint(narration) != narration_fingerprint(replace(narration, voice="echo"))
    music = MusicBed("strings", 20, 0.3, "m")
    assert music_fingerprint(music) == music_fingerprint(replace(music, level=0.9))  # the level is only the mix
    assert music_fingerprint(music) != music_fingerprint(replace(music, seconds=30))
    # As typed (12) and as the store gives it back (12.0): one bed, one fingerprint, made once.
    assert music_fingerprint(MusicBed("strings", 12, 0.3, "m")) == music_fingerprint(
        MusicBed.from_dict(MusicBed("strings", 12.0, 0.3, "m").to_dict())
    )


def made(job_id: str, status: JobStatus = JobStatus.COMPLETED, local: str | None = "x.mp4") -> Job:
    return Job("video-01", "offline", id=job_id, status=status, local_path=local)


def test_the_plan_says_what_is_made_what_waits_and_what_a_press_makes(store: JobStore) -> None:
    films = FilmStore(store)
    film = replace(three_shots(), id=films.create("Lighthouse", None).id)
    plan = plan_film(film, {}, {})

    assert [s.video.stage for s in plan.shots] == [Stage.TO_MAKE, Stage.TO_MAKE, Stage.WAITS]
    assert plan.shots[1].narration is not None and plan.shots[1].narration.stage == Stage.TO_MAKE
    assert plan.music is not None and plan.assembled is None  # the film's fingerprint waits for every shot's
    assert len(confirmation(plan)) == 5  # three shots, one narration, the music

    first, second = (shot_fingerprint(s) for s in film.shots[:2])
    assert first and second
    films.claim(film.id, shot_part("s1"), first, job_id="j1")
    films.claim(film.id, shot_part("s2"), second, job_id="j2")
    running = plan_film(film, films.parts(film.id), {"j1": made("j1", JobStatus.GENERATING), "j2": made("j2")})
    assert [s.video.stage for s in running.shots] == [Stage.MAKING, Stage.MADE, Stage.TO_MAKE]
    assert running.assembled is not None and running.assembled.stage == Stage.TO_MAKE

    failed = plan_film(film, films.parts(film.id), {"j1": made("j1", JobStatus.FAILED), "j2": made("j2")})
    assert [s.video.stage for s in failed.shots] == [Stage.FAILED, Stage.MADE, Stage.TO_MAKE]  # 3 follows 2
    gone = plan_film(film, films.parts(film.id), {"j2": made("j2")})  # its job was deleted from History
    assert gone.shots[0].video.stage == Stage.FAILED and "deleted" in (gone.shots[0].video.error or "")


def test_changing_one_shot_leaves_the_others_made(store: JobStore) -> None:
    films = FilmStore(store)
    film = replace(three_shots(), id=films.create("Lighthouse", None).id)
    jobs = {}
    previous = None
    for number, shot in enumerate(film.shots, 1):
        fingerprint = shot_fingerprint(shot, previous)
        assert fingerprint is not None
        films.claim(film.id, shot_part(shot.id), fingerprint, job_id=f"j{number}")
        jobs[f"j{number}"] = made(f"j{number}")
        previous = f"j{number}"
    done = plan_film(film, films.parts(film.id), jobs)
    assert all(s.video.stage == Stage.MADE for s in done.shots)

    edited = film.with_shot(replace(film.shots[1], prompt="a storm"))
    plan = plan_film(edited, films.parts(film.id), jobs)

    assert [s.video.stage for s in plan.shots] == [Stage.MADE, Stage.TO_MAKE, Stage.WAITS]
    # The third starts from the second's last frame: it is made again once the second is (its job changes).
    assert plan.assembled is None
    edited_last = film.with_shot(replace(film.shots[2], prompt="the lamp stops"))
    last = plan_film(edited_last, films.parts(film.id), jobs)
    assert [s.video.stage for s in last.shots] == [Stage.MADE, Stage.MADE, Stage.TO_MAKE]
    assert last.assembled is not None and last.assembled.fingerprint != done.assembled.fingerprint  # type: ignore[union-attr]
    films.claim(film.id, FILM_PART, last.assembled.fingerprint)
    assert plan_film(edited_last, films.parts(film.id), jobs).assembled.stage == Stage.MAKING  # type: ignore[union-attr]


# --- export and import --------------------------------------------------------------------------------------------


def edited(data: bytes, **changes: object) -> bytes:
    return json.dumps({**json.loads(data), **changes}).encode()


PNG_OF_ANOTHER = "data:image/png;base64,iVBORw0KGgo="


def png_bytes() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_film_file_carries_its_pictures_and_comes_back_as_the_importers_film(tmp_path: Path, catalogue) -> None:  # type: ignore[no-untyped-def]
    from videostudio.films.shots import keep_picture
    from videostudio.films.transfer import export_film, film_file_name, import_film
    from videostudio.storage.base import LocalFolderStorage

    here, there = LocalFolderStorage(tmp_path / "here"), LocalFolderStorage(tmp_path / "there")
    picture = keep_picture(here, png_bytes(), "sea.png", "image/png")
    film = replace(three_shots(), owner=ANA.owner, shared=True)
    film = film.with_shot(replace(film.shots[1], picture=picture))

    data = export_film(film, here)
    imported = import_film(data, there, owner=BEN.owner, find_model=lambda m: catalogue.get(m))

    assert (imported.owner, imported.shared, imported.id != film.id) == (BEN.owner, False, True)
    assert imported.body() == film.body()
    assert there.get_bytes(picture.key) == png_bytes()
    assert b"ana@example.com" not in data  # who made it stays at home
    assert film_file_name(film) == "lighthouse.film.json"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: b"not json", "not JSON"),
        (lambda d: d.replace(b'"video-studio-film"', b'"video-studio-presets"'), "not a film file"),
        (lambda d: d.replace(b'"version": 1', b'"version": 9'), "newer studio"),
        (lambda d: d.replace(b'"video-01"', b'"acme/unknown-model"', 1), "does not know"),
        (lambda d: edited(d, files={}), "missing"),
        (lambda d: edited(d, files={k: PNG_OF_ANOTHER for k in json.loads(d)["files"]}), "damaged"),
    ],
)
def test_a_damaged_film_file_is_refused_in_plain_words_and_nothing_is_kept(
    tmp_path: Path,
    catalogue,  # type: ignore[no-untyped-def]
    change,  # type: ignore[no-untyped-def]
    message: str,
) -> None:
    from videostudio.films.shots import keep_picture
    from videostudio.films.transfer import TransferError, export_film, import_film
    from videostudio.storage.base import LocalFolderStorage

    here, there = LocalFolderStorage(tmp_path / "here"), LocalFolderStorage(tmp_path / "there")
    picture = keep_picture(here, png_bytes(), "sea.png", "image/png")
    film = three_shots().with_shot(replace(three_shots().shots[1], picture=picture))
    data = export_film(film, here)

    with pytest.raises(TransferError, match=message):
        import_film(change(data), there, owner=None, find_model=lambda m: catalogue.get(m) if m == "video-01" else None)
    assert not there.exists(picture.key)


def test_a_films_history_item_lists_its_shots_narration_and_music_in_words() -> None:
    from videostudio.films.keeping import film_params
    from videostudio.library.chain import joined_settings

    film = three_shots()
    plan = plan_film(film, {}, {})

    rows = dict(joined_settings(film_params(plan, "pictures copied as they were")))

    assert rows["Film"] == "Lighthouse"
    assert rows["Joined from"] == (
        "Shot 1: a lighthouse at dawn, then Shot 2: waves against the rocks, then Shot 3: the lamp turns"
    )
    assert rows["Narration"] == "Shot 2: “The sea never sleeps.” (alloy)"
    assert rows["Music"] == "“slow strings”, 20 s, at 25%"
    assert rows["How"] == "pictures copied as they were"


def test_export_pressed_just_after_an_edit_carries_the_edit(store: JobStore, tmp_path: Path) -> None:
    # The header (and its Export) is drawn before the shots below it save a prompt typed just before the press.
    from components.films.film_list import film_file_now
    from videostudio.storage.base import LocalFolderStorage

    films = FilmStore(store)
    drawn = films.save(replace(films.create("Lighthouse", owner=ANA.owner), shots=three_shots().shots[:1]))
    films.save(drawn.with_shot(replace(drawn.shots[0], prompt="a lighthouse at dusk")))

    data = json.loads(film_file_now(films, drawn, LocalFolderStorage(tmp_path)))

    assert data["film"]["shots"][0]["prompt"] == "a lighthouse at dusk"


def test_a_film_whose_picture_is_gone_says_so_before_export_is_pressed(tmp_path: Path) -> None:
    # An error raised while a download's file is made reaches nobody: the page checks first, and says which shot.
    from videostudio.films.shots import keep_picture
    from videostudio.films.transfer import missing_upload
    from videostudio.storage.base import LocalFolderStorage

    storage = LocalFolderStorage(tmp_path)
    picture = keep_picture(storage, png_bytes(), "sea.png", "image/png")
    film = three_shots()
    film = film.with_shot(replace(film.shots[1], picture=picture))
    assert missing_upload(film, storage) is None
    storage.delete(picture.key)
    assert missing_upload(film, storage) == "Shot 2's sea.png is no longer kept."
