"""A film as the Storyboard holds it: a title, ordered shots, and a music bed; to and from a plain dict.

Pure module (no Streamlit). A shot is what one video job makes: a prompt, a model and that model's other settings,
where its first picture comes from (nothing, a picture, or the previous shot's last frame), and optional narration
spoken over it. The music bed lies under the whole film. What was made for which shot is not part of the film: the
store remembers that per fingerprint (``videostudio/films/plan.py``), so an edited shot is simply a shot not made yet.

Uploads (the start picture, any file a model's form takes) are kept in the media storage under ``films/<sha256>.<ext>``
and named here by an ``Upload``; a film's dict holds no file bytes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

TITLE_CHARS = 120
MAX_SHOTS = 24
NARRATION_CHARS = 4000
MUSIC_PROMPT_CHARS = 1000
DEFAULT_MUSIC_LEVEL = 0.3
UPLOADS_PREFIX = "films"


class FilmError(ValueError):
    """A film that can't be kept or read as it is; the message is for the person."""


class StartKind(StrEnum):
    """Where a shot's first picture comes from."""

    NONE = "none"  # the model makes it from the prompt
    PICTURE = "picture"  # a picture the person gave
    PREVIOUS = "previous"  # the previous shot's last frame: sent once that shot has its video

    @property
    def words(self) -> str:
        return _START_WORDS[self]


_START_WORDS = {
    StartKind.NONE: "Nothing: from the prompt",
    StartKind.PICTURE: "A picture",
    StartKind.PREVIOUS: "The previous shot's last frame",
}


@dataclass(frozen=True)
class Upload:
    """A file a film uses, kept in the media storage by its content."""

    key: str
    name: str
    mime: str
    sha256: str
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "mime": self.mime, "sha256": self.sha256, "bytes": self.bytes}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Upload:
        return cls(str(data["key"]), str(data["name"]), str(data["mime"]), str(data["sha256"]), int(data["bytes"]))


@dataclass(frozen=True)
class Narration:
    """Words spoken over a shot: the text, the voice, and the speech model that says it."""

    text: str
    voice: str
    model_id: str

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "voice": self.voice, "model": self.model_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Narration:
        return cls(str(data.get("text") or ""), str(data.get("voice") or ""), str(data.get("model") or ""))


@dataclass(frozen=True)
class MusicBed:
    """Music under the whole film: described in words, its length, how loud under the shots (0 to 1), its model."""

    prompt: str
    seconds: float
    level: float = DEFAULT_MUSIC_LEVEL
    model_id: str = ""

    def __post_init__(self) -> None:
        # Numbers as the store gives them back (JSON floats): a bed of 12 and one of 12.0 are the same bed.
        object.__setattr__(self, "seconds", float(self.seconds))
        object.__setattr__(self, "level", float(self.level))

    def to_dict(self) -> dict[str, Any]:
        return {"prompt": self.prompt, "seconds": self.seconds, "level": self.level, "model": self.model_id}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MusicBed:
        return cls(
            str(data.get("prompt") or ""),
            float(data.get("seconds") or 0),
            float(data.get("level", DEFAULT_MUSIC_LEVEL)),
            str(data.get("model") or ""),
        )


@dataclass(frozen=True)
class Shot:
    """One shot: what one video job makes.

    ``settings``: the model's form values other than the prompt and the start picture, as the history keeps a
    request (uploads replaced by a short note); ``media`` and ``uploads`` describe those uploads by payload path
    (``videostudio/workflows/kept_forms.py``: ``media`` as ``Submission.of`` gives it, ``uploads`` where each is kept).
    """

    id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    prompt: str = ""
    model_id: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: dict[str, dict[str, Any]] = field(default_factory=dict)
    narration: Narration | None = None
    start: StartKind = StartKind.NONE
    picture: Upload | None = None  # the start picture, when ``start`` is PICTURE

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", StartKind(self.start))

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "prompt": self.prompt,
            "model": self.model_id,
            "settings": self.settings,
            "media": self.media,
            "uploads": self.uploads,
            "narration": self.narration.to_dict() if self.narration else None,
            "start": self.start.value,
            "picture": self.picture.to_dict() if self.picture else None,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Shot:
        narration, picture = data.get("narration"), data.get("picture")
        return cls(
            id=str(data.get("id") or uuid.uuid4().hex[:12]),
            prompt=str(data.get("prompt") or ""),
            model_id=str(data.get("model") or ""),
            settings=dict(data.get("settings") or {}),
            media=dict(data.get("media") or {}),
            uploads=dict(data.get("uploads") or {}),
            narration=Narration.from_dict(narration) if narration else None,
            start=StartKind(data.get("start") or StartKind.NONE),
            picture=Upload.from_dict(picture) if picture else None,
        )

    @property
    def label(self) -> str:
        """A short name for messages: its prompt's start, or its model."""
        words = " ".join(self.prompt.split())
        return (words[:40] + "…") if len(words) > 40 else (words or self.model_id or "an empty shot")


@dataclass(frozen=True)
class Film:
    """A storyboard: a title, shots in order, and an optional music bed. Owned like a job (``team/access.Owned``)."""

    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    owner: str | None = None  # the member who made it; None in a studio without sign-in
    shared: bool = False  # shared with the team: members may open it, never change it
    title: str = "Untitled film"
    shots: tuple[Shot, ...] = ()
    music: MusicBed | None = None

    def body(self) -> dict[str, Any]:
        """What the store keeps as the film's body (its id, owner and sharing are columns of their own)."""
        return {
            "title": self.title,
            "shots": [shot.to_dict() for shot in self.shots],
            "music": self.music.to_dict() if self.music else None,
        }

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "owner": self.owner, "shared": self.shared, **self.body()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Film:
        music = data.get("music")
        return cls(
            id=str(data.get("id") or uuid.uuid4().hex),
            owner=data.get("owner"),
            shared=bool(data.get("shared")),
            title=str(data.get("title") or "Untitled film"),
            shots=tuple(Shot.from_dict(shot) for shot in data.get("shots") or ()),
            music=MusicBed.from_dict(music) if music else None,
        )

    # --- editing: each returns the changed film -------------------------------------------------------------------

    def retitled(self, title: str) -> Film:
        return replace(self, title=checked_title(title))

    def with_shot(self, shot: Shot) -> Film:
        """``shot`` put in place of the shot of its id, or added last."""
        if any(s.id == shot.id for s in self.shots):
            return replace(self, shots=tuple(shot if s.id == shot.id else s for s in self.shots))
        if len(self.shots) >= MAX_SHOTS:
            raise FilmError(f"A film holds at most {MAX_SHOTS} shots. Start a second film for the rest.")
        return replace(self, shots=(*self.shots, shot))

    def without_shot(self, shot_id: str) -> Film:
        return replace(self, shots=tuple(s for s in self.shots if s.id != shot_id))

    def moved(self, shot_id: str, places: int) -> Film:
        """The shot moved ``places`` later (negative: earlier); it stops at either end."""
        ids = [s.id for s in self.shots]
        if shot_id not in ids:
            return self
        shots = list(self.shots)
        shot = shots.pop(ids.index(shot_id))
        shots.insert(max(0, min(len(shots), ids.index(shot_id) + places)), shot)
        return replace(self, shots=tuple(shots))

    def with_music(self, music: MusicBed | None) -> Film:
        return replace(self, music=music)

    def shot(self, shot_id: str) -> Shot | None:
        return next((s for s in self.shots if s.id == shot_id), None)

    def previous(self, shot_id: str) -> Shot | None:
        """The shot before ``shot_id`` (None for the first)."""
        ids = [s.id for s in self.shots]
        at = ids.index(shot_id) if shot_id in ids else 0
        return self.shots[at - 1] if at > 0 else None


def checked_title(title: str) -> str:
    cleaned = " ".join((title or "").split())
    if not cleaned:
        raise FilmError("Give the film a title, such as “Lighthouse, first cut”.")
    if len(cleaned) > TITLE_CHARS:
        raise FilmError(f"A film's title can be at most {TITLE_CHARS} characters.")
    return cleaned


def film_problems(film: Film) -> list[str]:
    """What keeps ``film`` from being made, in words for the person (nothing: it can be made)."""
    problems = []
    if not film.shots:
        problems.append("Add a shot first.")
    for number, shot in enumerate(film.shots, 1):
        if not shot.model_id:
            problems.append(f"Shot {number}: choose a model.")
        if shot.start == StartKind.PICTURE and shot.picture is None:
            problems.append(f"Shot {number}: give its start picture, or choose another start.")
        if shot.start == StartKind.PREVIOUS and number == 1:
            problems.append("Shot 1 has no previous shot: choose another start.")
        if shot.narration is not None and len(shot.narration.text) > NARRATION_CHARS:
            problems.append(f"Shot {number}: the narration can be at most {NARRATION_CHARS:,} characters.")
    if film.music is not None and not film.music.prompt.strip():
        problems.append("Describe the music in a few words, or take the music bed out.")
    if film.music is not None and len(film.music.prompt) > MUSIC_PROMPT_CHARS:
        problems.append(f"The music's description can be at most {MUSIC_PROMPT_CHARS:,} characters.")
    return problems
