"""Copy as code, run for real: the cURL, Python and JavaScript snippets against a fresh offline backend.

Each case sends a request through the studio itself (JobService.submit, as Generate does), builds the code
from the job it recorded, runs the code in a folder holding the upload files, and checks that the backend
received the same request (path, body with data URIs decoded, the key from AIMLAPI_API_KEY) and that the
code saved a video PyAV can open.
"""

from __future__ import annotations

import io
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from tests.conftest import jpeg_bytes, wav_bytes
from videostudio.api.client import VideoClient
from videostudio.api.contract import GENERATIONS_PATH
from videostudio.catalogue import load_catalogue
from videostudio.form.payload import map_leaves
from videostudio.history.store import Job, JobStore
from videostudio.jobs.service import JobService
from videostudio.media import decode_data_uri, is_data_uri, to_data_uri
from videostudio.offline.faults import FaultConfig
from videostudio.offline.server import OfflineBackend
from videostudio.workflows.code import export as code_export
from videostudio.workflows.code.export import OUTPUT_FILE, snippets
from videostudio.workflows.code.request import ApiRequest, request_from_job, request_from_payload

KEY = "sk-test-0123456789abcdef"  # the only key this backend accepts: a snippet that sent another gets a 401
CATALOGUE = load_catalogue()
NODE = shutil.which("node")
# The cURL script needs curl and jq (scripts/test.sh installs jq where it can).
CURL_TOOLS_MISSING = [tool for tool in ("curl", "jq") if shutil.which(tool) is None]
CURL = pytest.param(
    "cURL",
    marks=pytest.mark.skipif(bool(CURL_TOOLS_MISSING), reason=f"not installed: {', '.join(CURL_TOOLS_MISSING)}"),
)
NASTY_PROMPT = (
    'It\'s a "fox" in $HOME, `whoami` and $(echo hacked) ${PATH} \\n \\" %s %d\n'
    "second line\ttabbed; 東京の狐 🦊 café \u2028 '' \"\" </script> EOF JSON\n'"
)
SCRIPT_FILES = {"cURL": "generate.sh", "Python": "generate.py", "JavaScript": "generate.mjs"}


@dataclass
class Sandbox:
    backend: OfflineBackend
    service: JobService
    client: VideoClient
    folder: Path  # where the code runs, holding the upload files

    def studio_submit(self, model_id: str, payload: dict[str, Any], names: dict[str, str], legacy: bool = False) -> Job:
        model = CATALOGUE.get(model_id)
        return self.service.submit(self.client, model, payload, backend="offline", legacy=legacy, upload_names=names)

    def submits(self) -> int:
        return self.backend.stats["submits"]

    def received(self, generation_id: str) -> tuple[str, dict[str, Any]]:
        job = self.backend.jobs.get(generation_id)
        assert job is not None
        return job.route, decoded(job.payload)


@pytest.fixture(scope="module")
def studio_side(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OfflineBackend, JobService, VideoClient]]:
    """One offline backend and studio for the module: each test looks only at the jobs it sent."""
    home = tmp_path_factory.mktemp("code-export")
    backend = OfflineBackend(home / "offline", speed=0, required_key=KEY)
    url = backend.start()
    store = JobStore(f"sqlite:///{home / 'history.sqlite3'}")
    with VideoClient(url, KEY) as client:
        yield backend, JobService(store), client
    store.engine.dispose()
    backend.stop()


@pytest.fixture
def sandbox(studio_side: tuple[OfflineBackend, JobService, VideoClient], tmp_path: Path) -> Iterator[Sandbox]:
    backend, service, client = studio_side
    backend.faults = FaultConfig()
    yield Sandbox(backend, service, client, tmp_path)
    backend.faults = FaultConfig()


def decoded(payload: Any) -> Any:
    """The payload with each data URI as (mime, bytes): equal files are equal however they were encoded."""
    return map_leaves(payload, lambda _path, v: decode_data_uri(v) if isinstance(v, str) and is_data_uri(v) else v)


def run_code(language: str, code: str, folder: Path, *, key: str | None = KEY) -> subprocess.CompletedProcess[str]:
    script = folder / SCRIPT_FILES[language]
    script.write_text(code, encoding="utf-8")
    command = {
        "cURL": ["bash", script.name],
        "Python": [sys.executable, script.name],
        "JavaScript": [NODE or "node", script.name],
    }[language]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIMLAPI_")}
    if key is not None:
        env["AIMLAPI_API_KEY"] = key
    return subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, timeout=120)


def code_for(request: ApiRequest, language: str) -> str:
    return next(code for label, _lang, code in snippets(request) if label == language)


def noise_png(width: int, height: int) -> bytes:
    """An image that does not compress: ~width*height*3 bytes as PNG, bigger than one shell argument may be."""
    rng = random.Random(7)
    image = Image.frombytes("RGB", (width, height), bytes(rng.getrandbits(8) for _ in range(width * height * 3)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def assert_plays(path: Path) -> None:
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        frame = next(container.decode(stream))
        assert frame.width > 0 and frame.height > 0


# --- the cases: a text-to-video model, uploads, a vendor-path-only model, a legacy path ----------------------------

CASES: dict[str, tuple[str, dict[str, Any], dict[str, tuple[str, bytes, str]], bool, str]] = {
    # name: (model, payload without uploads, uploads by path: (file name, bytes, mime), legacy, expected path)
    "text-to-video, a nasty prompt": (
        "pixverse/v5/text-to-video",
        {"prompt": NASTY_PROMPT, "resolution": "360p", "duration": 5, "seed": 42, "aspect_ratio": "1:1"},
        {},
        False,
        GENERATIONS_PATH,
    ),
    "image and audio uploads": (
        "veed/fabric-1.0",
        {"resolution": "480p"},
        {
            "image_url": ("face.jpg", jpeg_bytes((640, 480)), "image/jpeg"),
            "audio_url": ("voice.wav", wav_bytes(1.0), "audio/wav"),
        },
        False,
        GENERATIONS_PATH,
    ),
    "vendor path only": (
        "wan/v2.1/1.3b/text-to-video",
        {
            "prompt": "A lighthouse at dusk",
            "aspect_ratio": "16:9",
            "enable_safety_checker": True,
            "guidance_scale": 4.5,
        },
        {},
        False,
        "/v2/generate/video/alibaba/generation",
    ),
    "a 360 KB upload, on the legacy path": (
        "pixverse/v5/image-to-video",
        {"prompt": "A fox in the snow", "resolution": "360p"},
        {"image_url": ("cat's photo.png", noise_png(400, 300), "image/png")},
        True,
        "/v2/generate/video/pixverse/generation",
    ),
}
# The languages whose scripts this machine can run.
RUNNABLE = (["cURL"] if not CURL_TOOLS_MISSING else []) + ["Python"] + (["JavaScript"] if NODE else [])
LANGUAGES = [CURL, "Python", pytest.param("JavaScript", marks=pytest.mark.skipif(NODE is None, reason="no node"))]


def test_every_language_of_the_studio_is_run_by_these_tests() -> None:
    # A language added to code_export.LANGUAGES must also be added above, where its scripts are run.
    tested = [p if isinstance(p, str) else p.values[0] for p in LANGUAGES]
    assert [language.label for language in code_export.LANGUAGES] == tested
    model = CATALOGUE.get("video-01")
    tabs = snippets(request_from_payload(model, {"model": model.id, "prompt": "x"}, base_url="https://x"))
    assert [label for label, _lang, _code in tabs] == tested
    assert len({code for _label, _lang, code in tabs}) == len(tabs)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(CASES))
def test_the_code_sends_what_the_studio_sends_and_saves_the_video(sandbox: Sandbox, case: str, language: str) -> None:
    model_id, settings, uploads, legacy, path = CASES[case]
    payload = {"model": model_id, **settings, **{p: to_data_uri(data, mime) for p, (_n, data, mime) in uploads.items()}}
    names = {p: name for p, (name, _d, _m) in uploads.items()}
    job = sandbox.studio_submit(model_id, payload, names, legacy=legacy)
    for name, data, _mime in uploads.values():
        (sandbox.folder / name).write_bytes(data)

    request = request_from_job(job, base_url=sandbox.backend.url, poll_seconds=0.2)
    code = code_for(request, language)
    assert KEY not in code
    assert not any(to_data_uri(data, mime).split(",", 1)[1][:40] in code for _n, data, mime in uploads.values())
    before = {j.id for j in sandbox.backend.jobs.all()}
    result = run_code(language, code, sandbox.folder)
    assert result.returncode == 0, result.stdout + result.stderr

    [sent] = [j for j in sandbox.backend.jobs.all() if j.id not in before]
    studio_route, studio_body = sandbox.received(job.generation_id or "")
    route, body = sandbox.received(sent.id)
    assert route == studio_route == path
    assert body == studio_body
    if case.startswith("text-to-video"):
        assert body["prompt"] == NASTY_PROMPT
    # It printed the statuses and the video's link, and saved the video.
    assert f"Submitted: {sent.id}" in result.stdout
    assert "Status: " in result.stdout and "Video: http://127.0.0.1" in result.stdout
    assert_plays(sandbox.folder / OUTPUT_FILE)


def test_the_form_and_the_job_give_the_same_request(sandbox: Sandbox) -> None:
    model_id, settings, uploads, _legacy, _path = CASES["image and audio uploads"]
    payload = {"model": model_id, **settings, **{p: to_data_uri(data, mime) for p, (_n, data, mime) in uploads.items()}}
    names = {p: name for p, (name, _d, _m) in uploads.items()}
    job = sandbox.studio_submit(model_id, payload, names)
    from_job = request_from_job(job, base_url=sandbox.backend.url)
    from_form = request_from_payload(CATALOGUE.get(model_id), payload, base_url=sandbox.backend.url, upload_names=names)
    assert (from_form.endpoint, sorted(from_form.uploads, key=lambda u: u.path)) == (
        from_job.endpoint,
        sorted(from_job.uploads, key=lambda u: u.path),
    )
    # The job keeps placeholders where the uploads were; the form has the files: all else is equal.
    strip = {u.path for u in from_job.uploads}
    assert {k: v for k, v in from_form.body.items() if k not in strip} == {
        k: v for k, v in from_job.body.items() if k not in strip
    }
    assert [u.file_name for u in from_form.uploads] == ["face.jpg", "voice.wav"]


def test_no_key_no_request(sandbox: Sandbox) -> None:
    request = request_from_payload(CATALOGUE.get("video-01"), {"prompt": "Rain"}, base_url=sandbox.backend.url)
    before = sandbox.submits()
    for language in RUNNABLE:
        result = run_code(language, code_for(request, language), sandbox.folder, key=None)
        assert result.returncode != 0
        assert "AIMLAPI_API_KEY" in result.stderr and "Nothing was sent" in result.stderr
    assert sandbox.submits() == before


def test_a_missing_upload_file_is_named_and_nothing_is_sent(sandbox: Sandbox) -> None:
    model = CATALOGUE.get("pixverse/v5/image-to-video")
    payload = {"model": model.id, "prompt": "A fox", "image_url": to_data_uri(jpeg_bytes(), "image/jpeg")}
    request = request_from_payload(model, payload, base_url=sandbox.backend.url, upload_names={"image_url": "fox.jpg"})
    before = sandbox.submits()
    for language in RUNNABLE:
        result = run_code(language, code_for(request, language), sandbox.folder)
        assert result.returncode != 0
        assert "fox.jpg is missing" in result.stderr and "Nothing was sent" in result.stderr
    assert sandbox.submits() == before


def test_a_refused_request_is_reported_and_never_sent_twice(sandbox: Sandbox) -> None:
    # A prompt far over video-01's 2000 characters: the backend refuses it with a 400.
    request = request_from_payload(CATALOGUE.get("video-01"), {"prompt": "x" * 2500}, base_url=sandbox.backend.url)
    before = sandbox.submits()
    languages = [name for name in RUNNABLE if name != "JavaScript"]
    for language in languages:
        result = run_code(language, code_for(request, language), sandbox.folder)
        assert result.returncode != 0 and "HTTP 400" in result.stderr
    assert sandbox.submits() == before + len(languages)  # one per run: a submit is never retried


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_code_polls_as_tolerantly_as_the_studio(sandbox: Sandbox, language: str) -> None:
    # The legacy vocabulary (a bare generation_id; waiting, active, succeeded), a list of videos, a 429 and a 503.
    sandbox.backend.faults = FaultConfig(legacy=True, video_list=True, rate_limit_polls=1, server_error_polls=1)
    request = request_from_payload(CATALOGUE.get("video-01"), {"prompt": "Rain"}, base_url=sandbox.backend.url)
    result = run_code(language, code_for(request.with_poll(0.2), language), sandbox.folder)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(HTTP 429)" in result.stdout and "(HTTP 503)" in result.stdout
    assert "Status: succeeded" in result.stdout
    assert_plays(sandbox.folder / OUTPUT_FILE)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_failed_generation_ends_the_code_with_its_reason(sandbox: Sandbox, language: str) -> None:
    sandbox.backend.faults = FaultConfig(fail=True)
    request = request_from_payload(CATALOGUE.get("video-01"), {"prompt": "Rain"}, base_url=sandbox.backend.url)
    result = run_code(language, code_for(request.with_poll(0.2), language), sandbox.folder)
    assert result.returncode != 0
    assert "The generation failed" in result.stderr and "offline fault" in result.stderr
    assert not (sandbox.folder / OUTPUT_FILE).exists()


# --- names and quoting, without running ----------------------------------------------------------------------------


def test_upload_names_are_safe_distinct_and_fall_back_to_the_field() -> None:
    model = CATALOGUE.get("kling-video/v1/standard/image-to-video")
    first, second = to_data_uri(jpeg_bytes(color=(1, 2, 3)), "image/jpeg"), to_data_uri(jpeg_bytes(), "image/jpeg")
    payload = {"model": model.id, "image_url": first, "tail_image_url": second, "static_mask": first}
    names = {"image_url": "../../etc/cat.jpg", "tail_image_url": "C:\\Users\\me\\cat.jpg"}
    request = request_from_payload(model, payload, base_url="https://api.aimlapi.com", upload_names=names)
    assert {u.path: u.file_name for u in request.uploads} == {
        "image_url": "cat.jpg",
        "tail_image_url": "cat-2.jpg",  # another file of the same name
        "static_mask": "cat.jpg",  # the same file as image_url: read once
    }
    assert request.file_names == ["cat.jpg", "cat-2.jpg"]
    nameless = request_from_payload(model, {"model": model.id, "image_url": second}, base_url="https://x")
    assert [u.file_name for u in nameless.uploads] == ["image_url.jpg"]


def test_every_snippet_parses_with_a_nasty_prompt_and_nested_uploads(tmp_path: Path) -> None:
    model = CATALOGUE.get("kling-video/v1/standard/image-to-video")
    image = to_data_uri(jpeg_bytes(), "image/jpeg")
    payload = {
        "model": model.id,
        "prompt": NASTY_PROMPT + "\U000e0001",  # an unprintable character beyond U+FFFF too
        "image_url": image,
        "dynamic_masks": [{"mask": image, "trajectories": [{"x": 1, "y": 2}, {"x": 3, "y": 4}]}],
        "camera_control": {"type": "simple", "config": {"zoom": 4.5, "pan": 0.0}},
    }
    request = request_from_payload(
        model, payload, base_url="https://api.aimlapi.com", upload_names={"image_url": "a b'c.jpg"}
    )
    codes = {label: code for label, _lang, code in snippets(request)}
    compile(codes["Python"], "generate.py", "exec")
    script = tmp_path / "generate.sh"
    script.write_text(codes["cURL"], encoding="utf-8")
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0
    if NODE:
        module = tmp_path / "generate.mjs"
        module.write_text(codes["JavaScript"], encoding="utf-8")
        checked = subprocess.run([NODE, "--check", str(module)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
    assert "a b'\\''c.jpg" in codes["cURL"] and "base64 <" in codes["cURL"]
    assert 'data_uri("a b\'c.jpg", "image/jpeg")' in codes["Python"]
    assert "# put a b'c.jpg next to this script" in codes["Python"]
