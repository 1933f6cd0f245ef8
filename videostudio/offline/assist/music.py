"""Offline music: ``POST /v2/generate/audio`` starts a generation, ``GET /v2/generate/audio?generation_id=`` follows it.

As the documents say (``catalogue/assist_docs/music``, and the API's universal audio fetch): the POST answers
``{"id", "status": "queued"}`` and is billed then, by the second of music asked for; a poll moves through
``queued`` → ``generating`` → ``completed`` (times × the backend's ``speed``, as video jobs do) and then carries
``audio_file: {url}``, a signed link to an MP3; under the fault ``fail`` it ends ``error`` with ``error: {name,
message}``; ``rate-limit`` and ``server-error`` answer a generation's first polls 429 and 503, as video polls do.

A request is checked against its model's published schema, so ``minimax/music-2.0`` without ``lyrics`` is refused
with the API's 400. The length is ``music_length_ms``, else ``seconds_total``, else the document's default, else
``UNSTATED_SECONDS`` (Lyria 2 and MiniMax state none). Each generation is a JSON file under ``<state>/music/`` and
its MP3 is ``<files>/<id>.mp3``, so both survive a restart; nothing about them is kept in memory but the poll
counts and the renders under way.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from videostudio.catalogue.assist import ASSIST_KINDS, AssistModel, assist_model, assist_models
from videostudio.files import write_atomic
from videostudio.offline.assist import AssistAnswer, AssistCall
from videostudio.offline.assist.prices import credits_for
from videostudio.offline.faults import FaultConfig
from videostudio.offline.plan import problems_message, schema_problems
from videostudio.offline.vendor import CREDITS_PER_USD, RequestError

log = logging.getLogger(__name__)

MUSIC_PATH = ASSIST_KINDS["music"].path
QUEUED_SECONDS = 1.0  # × speed, as a video job
MADE_SECONDS = 4.0  # × speed: a generation is completed this long after it was asked for
UNSTATED_SECONDS = 30.0  # what a model whose document states no length makes (Lyria 2 makes 30 s clips)
ENDING = "mp3"


@dataclass(frozen=True)
class Generation:
    """One music generation as its file keeps it."""

    id: str
    model: str
    prompt: str
    seconds: float
    created: float  # wall-clock, so the status clock keeps running across restarts
    credits: int
    faults: str = ""  # the faults it was asked under, in their text form


def post_music(call: AssistCall) -> AssistAnswer:
    """Start a generation: checked against its model's schema, kept on disk, billed by the second."""
    model = _model_of(call.payload)
    problems = schema_problems(model.schema, call.payload)
    if problems:
        raise RequestError(400, problems_message(problems))
    seconds = music_seconds(model, call.payload)
    credits = credits_for(model, {"second": seconds})
    prompt = str(call.payload.get("prompt") or call.payload.get("lyrics") or "")
    generation = Generation(
        id=str(uuid.uuid4()),
        model=model.id,
        prompt=prompt,
        seconds=seconds,
        created=time.time(),
        credits=credits,
        faults=call.faults.to_text(),
    )
    book = _book(call)
    book.add(generation)
    if not call.faults.fail:  # one that will fail never needs its music
        book.render(generation)
    usage = {"credits_used": credits, "usd_spent": credits / CREDITS_PER_USD}
    body = {"id": generation.id, "status": "queued", "meta": {"usage": usage}}
    return AssistAnswer(body=body, model=model.id, inference_id=generation.id, credits=credits)


def poll_music(call: AssistCall) -> AssistAnswer:
    """A generation's state; a read, so not billed (its cost headers say what it costs, nothing once failed)."""
    generation_id = str(call.payload.get("generation_id") or "")
    if not generation_id:
        raise RequestError(400, "Query validation error! generation_id: Required")
    book = _book(call)
    generation = book.get(generation_id)
    if generation is None:
        raise RequestError(404, f"Generation {generation_id!r} was not found.")
    faults = FaultConfig.parse(generation.faults).merged(call.faults)
    n = book.count_poll(generation.id)
    if n <= faults.rate_limit_polls:
        raise RequestError(429, headers=[("Retry-After", "1")])
    if n <= faults.rate_limit_polls + faults.server_error_polls:
        raise RequestError(503)
    status = book.status(generation, faults, call.speed)
    body: dict[str, Any] = {"id": generation.id, "status": status}
    if status == "completed":
        if call.link is None:
            raise RuntimeError("music needs AssistCall.link to link its files")
        body["audio_file"] = {"url": call.link(_file_key(generation.id), ENDING)}
        body["meta"] = {"usage": {"credits_used": generation.credits}}
    elif status == "error":
        message = book.render_error(generation.id) or "The generation failed (offline fault 'fail')."
        body["error"] = {"name": "GenerationError", "message": message}
    credits = 0 if status == "error" else generation.credits
    return AssistAnswer(body=body, model=generation.model, inference_id=generation.id, credits=credits, billed=False)


def music_seconds(model: AssistModel, payload: Mapping[str, Any]) -> float:
    """How long the music asked for is: its length field (ms or s), else that field's default, else the unstated."""
    for field, per_second in (("music_length_ms", 1000.0), ("seconds_total", 1.0)):
        spec = model.properties.get(field)
        if isinstance(spec, Mapping):
            value = payload.get(field, spec.get("default"))
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                return float(value) / per_second
    return UNSTATED_SECONDS


def _model_of(payload: Mapping[str, Any]) -> AssistModel:
    model_id = payload.get("model")
    model = assist_model("music", model_id) if isinstance(model_id, str) else None
    if model is None:
        expected = " | ".join(f"'{m.id}'" for m in assist_models("music"))
        received = f"'{model_id}'" if isinstance(model_id, str) else json.dumps(model_id)
        raise RequestError(
            400, f"Body validation error! model: Invalid enum value. Expected {expected}, received {received}"
        )
    return model


def _file_key(generation_id: str) -> str:
    return generation_id  # a uuid: already a file-safe key


class _GenerationBook:
    """The generations of one backend's state folder: each a file; poll counts and renders in memory."""

    def __init__(self, state_dir: Path, files_dir: Path) -> None:
        self.dir = state_dir / "music"
        self.files_dir = files_dir
        self._lock = threading.Lock()
        self._polls: dict[str, int] = {}
        self._rendering: set[str] = set()
        self._errors: dict[str, str] = {}

    def add(self, generation: Generation) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        write_atomic(self._path(generation.id), json.dumps(asdict(generation)).encode())

    def get(self, generation_id: str) -> Generation | None:
        try:
            uuid.UUID(generation_id)  # only our own ids name a file
            record = json.loads(self._path(generation_id).read_text(encoding="utf-8"))
            return Generation(**record)
        except (ValueError, OSError, TypeError):
            return None

    def count_poll(self, generation_id: str) -> int:
        with self._lock:
            self._polls[generation_id] = self._polls.get(generation_id, 0) + 1
            return self._polls[generation_id]

    def status(self, generation: Generation, faults: FaultConfig, speed: float) -> str:
        elapsed = time.time() - generation.created
        if elapsed < QUEUED_SECONDS * speed:
            return "queued"
        if elapsed < MADE_SECONDS * speed:
            return "generating"
        if faults.fail or self.render_error(generation.id):
            return "error"
        if not self._music_file(generation.id).exists():
            self.render(generation)  # after a restart, or still under way
            return "generating"
        return "completed"

    def render_error(self, generation_id: str) -> str | None:
        with self._lock:
            return self._errors.get(generation_id)

    def render(self, generation: Generation) -> None:
        """Make the generation's MP3 on a thread of its own, unless it is made or being made."""
        with self._lock:
            if generation.id in self._rendering or self._music_file(generation.id).exists():
                return
            self._rendering.add(generation.id)
        threading.Thread(
            target=self._render, args=(generation,), name=f"offline-music-{generation.id[:8]}", daemon=True
        ).start()

    def _render(self, generation: Generation) -> None:
        from videostudio.offline.render.music import encode_mp3, music_pcm  # PyAV is slow to load

        try:
            data = encode_mp3(music_pcm(generation.prompt, generation.seconds))
            self.files_dir.mkdir(parents=True, exist_ok=True)
            write_atomic(self._music_file(generation.id), data)
        except Exception as exc:  # the generation must end, so any render failure becomes its error
            log.warning("offline music %s not rendered: %s", generation.id, exc)
            with self._lock:
                self._errors[generation.id] = f"The offline renderer failed: {exc}"
        finally:
            with self._lock:
                self._rendering.discard(generation.id)

    def _path(self, generation_id: str) -> Path:
        return self.dir / f"{generation_id}.json"

    def _music_file(self, generation_id: str) -> Path:
        return self.files_dir / f"{_file_key(generation_id)}.{ENDING}"


_books: dict[tuple[Path, Path], _GenerationBook] = {}
_books_lock = threading.Lock()


def _book(call: AssistCall) -> _GenerationBook:
    with _books_lock:
        key = (call.state_dir, call.files_dir)
        if key not in _books:
            _books[key] = _GenerationBook(call.state_dir, call.files_dir)
        return _books[key]
