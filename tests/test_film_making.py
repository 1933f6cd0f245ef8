"""Make the film, on the real offline backend: the shots not made yet go as one batch, a shot that starts from the
previous shot's last frame goes once that shot has its video, the film is assembled and kept as a History item, and
making it again after one change sends exactly one new request."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PIL import Image

from tests.test_follow import settings_for
from videostudio.api.assist_client import AssistClient
from videostudio.catalogue import Catalogue
from videostudio.films.film import Film, Shot, StartKind
from videostudio.films.making import FilmProgress, FilmWorks, advance, make_film
from videostudio.films.plan import Stage
from videostudio.films.pricing import quote_film
from videostudio.films.seams import film_assembler, film_sounds
from videostudio.films.shots import keep_picture
from videostudio.films.store import FilmStore
from videostudio.history.record import JobStatus
from videostudio.history.store import JobStore
from videostudio.jobs.backends import OFFLINE_KEY, studio_backends
from videostudio.jobs.follower import Follower
from videostudio.library.chain import FILM_MODEL_ID, joined_settings
from videostudio.offline.server import OfflineBackend
from videostudio.storage.base import LocalFolderStorage
from videostudio.studio import studio_job_service
from videostudio.team.limits import PressCost
from videostudio.team.people import LOCAL_PERSON, Person
from videostudio.team.roles import Role

VIDEO01 = "video-01"  # a prompt, and a start image when given


@dataclass
class Bench:
    works: FilmWorks
    follower: Follower
    backend: OfflineBackend

    def submits(self) -> int:
        return self.backend.stats["submits"]

    def until(self, film_id: str, done: Callable[[FilmProgress], bool], seconds: float = 60) -> FilmProgress:
        """Follow the jobs and step the film, as the follower does, until ``done``."""
        deadline = time.monotonic() + seconds
        while True:
            self.follower.run_once()
            progress = advance(self.works, film_id)
            assert progress is not None
            if done(progress):
                return progress
            assert time.monotonic() < deadline, f"not done: {[s.video.stage for s in progress.plan.shots]} {progress}"
            time.sleep(0.05)


@pytest.fixture
def bench(tmp_path: Path, catalogue: Catalogue) -> Iterator[Bench]:
    backend = OfflineBackend(tmp_path / "offline", speed=0)
    url = backend.start()
    settings = settings_for(tmp_path, url)
    store = JobStore(settings.database_url)
    storage = LocalFolderStorage(tmp_path / "media")
    backends = studio_backends(settings, catalogue, lambda: url)
    service = studio_job_service(settings, store, backends, owner="test-follower", storage=storage)
    client = AssistClient(url, OFFLINE_KEY)  # its shots, and the music: one client speaks both
    works = FilmWorks(
        films=FilmStore(store),
        service=service,
        storage=storage,
        find_model=catalogue.get,
        video_client=lambda _name: client,
        sounds=lambda _name: film_sounds(client, storage),
        assemble=film_assembler(),
        person_of=lambda _owner: LOCAL_PERSON,
    )
    follower = Follower(service, backends)
    yield Bench(works, follower, backend)
    follower.stop()
    client.close()
    store.close()
    backend.stop()


def png(colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), colour).save(buffer, format="PNG")
    return buffer.getvalue()


def storyboard(bench: Bench) -> Film:
    film = bench.works.films.create("Lighthouse", owner=None)
    picture = keep_picture(bench.works.storage, png((30, 90, 160)), "sea.png", "image/png")
    film = replace(
        film,
        shots=(
            Shot(id="a", prompt="a lighthouse at dawn", model_id=VIDEO01),
            Shot(id="b", prompt="waves on the rocks", model_id=VIDEO01, start=StartKind.PICTURE, picture=picture),
            Shot(id="c", prompt="the lamp turns", model_id=VIDEO01, start=StartKind.PREVIOUS),
        ),
    )
    return bench.works.films.save(film)


def press(bench: Bench, film: Film, person: Person = LOCAL_PERSON) -> FilmProgress:
    outcome = make_film(bench.works, film, person, "offline", PressCost(0.0, 1))
    assert outcome.refused is None and outcome.progress is not None, outcome
    return outcome.progress


def test_a_storyboard_becomes_one_film_in_history_that_lists_its_shots(bench: Bench) -> None:
    film = storyboard(bench)

    first = press(bench, film)

    # The two shots that can go now went as one batch; the third waits for the second's last frame.
    assert [s.video.stage for s in first.plan.shots] == [Stage.MAKING, Stage.MAKING, Stage.WAITS]
    sent = [s.video.job for s in first.plan.shots[:2]]
    assert all(job is not None for job in sent) and sent[0].batch_id == sent[1].batch_id is not None  # type: ignore[union-attr]
    assert bench.submits() == 2
    done = bench.until(film.id, lambda p: p.finished)
    assert bench.submits() == 3 and done.making is None
    third = done.plan.shots[2].video.job
    assert third is not None and third.parent_id == done.plan.shots[1].video.job.id  # type: ignore[union-attr]
    item = done.film_job
    assert item is not None and item.model_id == FILM_MODEL_ID and item.status == JobStatus.COMPLETED
    shots = sum(s.video.job.video_seconds or 0 for s in done.plan.shots)  # type: ignore[union-attr]
    assert item.video_seconds == pytest.approx(shots, abs=0.2)
    assert dict(joined_settings(item.params))["Joined from"] == (
        "Shot 1: a lighthouse at dawn, then Shot 2: waves on the rocks, then Shot 3: the lamp turns"
    )
    assert bench.works.storage.exists(item.local_path or "")


def test_making_it_again_after_one_change_sends_exactly_one_new_request(bench: Bench) -> None:
    film = storyboard(bench)
    press(bench, film)
    first = bench.until(film.id, lambda p: p.finished)
    before = bench.submits()

    unchanged = make_film(bench.works, film, LOCAL_PERSON, "offline", PressCost(0.0, 1))
    assert unchanged.refused == "Every part is made already, and so is the film." and bench.submits() == before

    edited = bench.works.films.save(film.with_shot(replace(film.shots[0], prompt="a lighthouse at dusk")))
    now = advance(bench.works, film.id)
    assert now is not None
    quote = quote_film(
        now.plan, find_model=bench.works.find_model, storage=bench.works.storage, sounds=None, past_costs=lambda _m: []
    )
    assert [line.what for line in quote.lines] == [f"Shot 1 ({bench.works.find_model(VIDEO01).name})"]
    press(bench, edited)
    again = bench.until(film.id, lambda p: p.finished)

    assert bench.submits() == before + 1  # only the changed shot
    assert again.film_job is not None and again.film_job.id != first.film_job.id  # type: ignore[union-attr]
    assert [s.video.job.id for s in again.plan.shots][1:] == [s.video.job.id for s in first.plan.shots][1:]  # type: ignore[union-attr]


def test_a_press_over_the_spending_limit_sends_nothing(bench: Bench) -> None:
    film = storyboard(bench)
    capped = Person("ana@example.com", Role.CREATOR, daily_usd=1.0)

    outcome = make_film(bench.works, film, capped, "offline", PressCost(3.0, 1))

    assert outcome.refused is not None and "limit" in outcome.refused
    assert bench.submits() == 0 and bench.works.films.making(film.id) is None


def test_the_follower_finishes_a_film_with_no_page_open(bench: Bench) -> None:
    from videostudio.studio import follow_films

    film = storyboard(bench)
    press(bench, film)  # the press sends what it can; from here on nobody looks at the page
    follow_films(bench.follower, bench.works)

    deadline = time.monotonic() + 60
    while bench.works.films.making(film.id) is not None:
        assert time.monotonic() < deadline, "the follower did not finish the film"
        bench.follower.run_once()
        time.sleep(0.05)

    done = advance(bench.works, film.id)
    assert done is not None and done.finished and done.film_job is not None
    assert bench.submits() == 3  # the third shot was sent by the follower, once


def test_a_music_bed_is_made_once_and_lies_under_the_whole_film(bench: Bench) -> None:
    from videostudio.films.film import MusicBed
    from videostudio.films.store import MUSIC_PART
    from videostudio.music import default_music_model

    film = storyboard(bench)
    film = bench.works.films.save(film.with_music(MusicBed("slow strings, hopeful", 12, 0.3, default_music_model().id)))

    press(bench, film)
    done = bench.until(film.id, lambda p: p.finished or p.making is None)

    assert done.finished, [(p.part, p.stage.value, p.error) for p in done.plan.parts()]
    music = [p for (part, _f), p in bench.works.films.parts(film.id).items() if part == MUSIC_PART]
    assert len(music) == 1 and music[0].done and bench.works.storage.exists(music[0].media_key or "")
    item = done.film_job
    assert item is not None and "slow strings" in (item.params.get("music") or "")
    shots = sum(s.video.job.video_seconds or 0 for s in done.plan.shots)  # type: ignore[union-attr]
    assert item.video_seconds == pytest.approx(shots, abs=0.2)


def test_a_narrated_shot_is_spoken_once_and_the_film_lists_its_words(bench: Bench) -> None:
    from videostudio.films.film import Narration
    from videostudio.films.store import narration_part
    from videostudio.voices import default_speech_model

    speech = default_speech_model()
    film = storyboard(bench)
    said = Narration("The sea never sleeps.", speech.default_voice, speech.id)
    film = bench.works.films.save(film.with_shot(replace(film.shots[1], narration=said)))

    press(bench, film)
    done = bench.until(film.id, lambda p: p.finished or p.making is None)

    assert done.finished, [(p.part, p.stage.value, p.error) for p in done.plan.parts()]
    [spoken] = [p for (part, _f), p in bench.works.films.parts(film.id).items() if part == narration_part("b")]
    assert spoken.done and spoken.seconds and bench.works.storage.exists(spoken.media_key or "")
    item = done.film_job
    assert item is not None and any("The sea never sleeps." in line for line in item.params["narration"])
    shots = sum(s.video.job.video_seconds or 0 for s in done.plan.shots)  # type: ignore[union-attr]
    assert item.video_seconds == pytest.approx(shots, abs=0.2)  # narration is mixed in, never lengthens the film


def _helper_calls(bench: Bench) -> list[dict]:
    from videostudio.history.record import helper_calls_table

    with bench.works.service.store.engine.connect() as conn:
        return [dict(row) for row in conn.execute(helper_calls_table.select()).mappings()]


def test_a_films_narration_and_music_are_recorded_and_counted_after_the_press(bench: Bench) -> None:
    from videostudio.films.film import MusicBed, Narration
    from videostudio.music import default_music_model
    from videostudio.team.spending import spending_per_person
    from videostudio.voices import default_speech_model

    speech = default_speech_model()
    film = storyboard(bench)
    film = film.with_shot(replace(film.shots[0], narration=Narration("Dawn.", speech.default_voice, speech.id)))
    film = bench.works.films.save(film.with_music(MusicBed("soft piano", 10, 0.3, default_music_model().id)))

    press(bench, film)
    done = bench.until(film.id, lambda p: p.finished or p.making is None)

    assert done.finished, [(p.part, p.stage.value, p.error) for p in done.plan.parts()]
    calls = sorted(_helper_calls(bench), key=lambda row: row["kind"])
    assert [(c["kind"], c["owner"], c["backend"]) for c in calls] == [
        ("music", None, "offline"),
        ("speech", None, "offline"),
    ]
    assert all(c["cost_usd"] is not None and c["cost_usd"] > 0 for c in calls)  # settled
    [local] = spending_per_person(bench.works.service.store, ["offline"])
    shots = sum(s.video.job.usd or s.video.job.estimate_usd or 0 for s in done.plan.shots)  # type: ignore[union-attr]
    assert local.today == pytest.approx(shots + sum(c["cost_usd"] for c in calls))


def test_a_narration_over_the_owners_limit_after_the_press_is_not_sent(bench: Bench) -> None:
    from videostudio.films.film import Narration
    from videostudio.films.store import narration_part
    from videostudio.history.record import Job, utcnow
    from videostudio.voices import default_speech_model

    speech = default_speech_model()
    film = storyboard(bench)
    press(bench, film)
    bench.until(film.id, lambda p: p.finished)  # the shots are made: only the narration is left to make
    film = bench.works.films.get(film.id)
    assert film is not None
    film = film.with_shot(replace(film.shots[0], narration=Narration("Dawn.", speech.default_voice, speech.id)))
    film = bench.works.films.save(film)
    capped = Person("ana@example.com", Role.CREATOR, daily_usd=1.0)
    bench.works.service.store.add(
        Job(
            model_id=VIDEO01,
            backend="offline",
            owner=capped.owner,
            status=JobStatus.COMPLETED,
            usd=1.0,
            created_at=utcnow(),
        )
    )

    outcome = make_film(bench.works, film, capped, "offline", PressCost(0.0, 1))  # the press itself fits

    assert outcome.refused is None
    rows = bench.backend.logs.query({"period": ["24h"]})["data"]  # type: ignore[attr-defined]
    assert [r for r in rows if r["model"] == speech.id] == []  # no /v1/tts request
    assert _helper_calls(bench) == []
    [spoken] = [p for (part, _f), p in bench.works.films.parts(film.id).items() if part == narration_part("a")]
    assert spoken.error is not None and "Nothing was sent. Ask your admin to raise your limit." in spoken.error


class FullDisk(LocalFolderStorage):
    """A media folder on a full disk: reading works, every new file is refused as the operating system refuses it."""

    def put_bytes(self, key: str, data: bytes) -> None:
        raise OSError(28, "No space left on device")


def test_a_narration_made_but_not_kept_fails_in_plain_words_and_is_not_sent_again(bench: Bench, tmp_path: Path) -> None:
    from videostudio.films.film import Narration
    from videostudio.films.seams import NOT_KEPT
    from videostudio.films.store import narration_part
    from videostudio.voices import default_speech_model

    speech = default_speech_model()
    client = AssistClient(bench.backend.url, OFFLINE_KEY)
    bench.works.sounds = lambda _name: film_sounds(client, FullDisk(tmp_path / "full-media"))
    film = storyboard(bench)
    film = bench.works.films.save(
        film.with_shot(replace(film.shots[0], narration=Narration("Dawn.", speech.default_voice, speech.id)))
    )

    press(bench, film)
    done = bench.until(film.id, lambda p: p.making is None or p.finished)
    for _ in range(3):  # the follower steps the film again: a failed narration is not asked for again
        advance(bench.works, film.id)

    [spoken] = [p for (part, _f), p in bench.works.films.parts(film.id).items() if part == narration_part("a")]
    assert not spoken.done and spoken.error == NOT_KEPT
    assert not done.finished
    rows = bench.backend.logs.query({"period": ["24h"]})["data"]  # type: ignore[attr-defined]
    assert len([r for r in rows if r["model"] == speech.id]) == 1  # made (and billed) once, never retried by itself
    client.close()
