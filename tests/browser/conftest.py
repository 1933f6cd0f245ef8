"""Browser tests: the studio as a real server, driven in Debian's Chromium by Playwright.

Every studio here is a real ``streamlit run app.py`` process talking to a standalone offline backend
process, each on a free port of 127.0.0.1, with an empty history database, media folder and backend
state folder of its own. The helpers below are plain functions so ``scripts/screenshots.py`` can use them.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import wave
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, WebSocketRoute, expect

from components.form.widgets.brush import canvas_key

REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1400, "height": 1100}
# Environment that would make a studio under test reach past its own temp folders and loopback backends.
_SCRUBBED_ENV = ("AIMLAPI_API_KEY", "AIMLAPI_BASE_URL", "DATABASE_URL")
# The shared studio's "AI/ML API" accepts only this key: a recognisable fake, so a leak is easy to spot.
API_KEY = "sk-test-SECRET-1234567890abcdef"


# --------------------------------------------------------------------------------------------- skipping


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if CHROMIUM.exists():
        return None
    why = os.environ.get("BROWSER_TESTS_SKIP_REASON", "").strip()
    return (
        f"Chromium not found at {CHROMIUM} (set CHROMIUM_PATH, or install it: "
        f"apt-get install -y chromium; scripts/test.sh does this when run as root)" + (f". {why}" if why else "")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = chromium_missing_reason()
    if reason is None:
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=reason))


# --------------------------------------------------------------------------------------------- processes


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_until(check: Callable[[], object], timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(Exception):
            if check():
                return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise RuntimeError(f"{what} did not come up within {timeout:.0f} s.\n{tail}")


def _stop(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop a process this suite started (by its own id), politely first."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@dataclass
class OfflineBackendProcess:
    """``python -m videostudio.offline`` on its own port and state folder."""

    state_dir: Path
    log_path: Path
    speed: float = 0.2
    faults: str = ""
    required_key: str | None = None
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "videostudio.offline", "--port", str(self.port)]
        command += ["--state-dir", str(self.state_dir), "--speed", str(self.speed)]
        if self.faults:
            command += ["--faults", self.faults]
        if self.required_key:
            command += ["--required-key", self.required_key]
        env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV and not k.startswith("VIDEO_STUDIO_")}
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        _wait_until(lambda: self.stats()["submits"] >= 0, 30, "The offline backend", self.log_path)

    def stop(self) -> None:
        _stop(self.proc)

    def stats(self) -> dict[str, int]:
        """Request counters: {"submits", "polls", "renders", ...}."""
        return requests.get(f"{self.url}/_offline/stats", timeout=5).json()

    def received(self) -> list[dict[str, Any]]:
        """The generation requests this backend accepted, oldest first, as it keeps them in its job files."""
        records = [json.loads(p.read_text()) for p in (self.state_dir / "jobs").glob("*.json")]
        return sorted(records, key=lambda r: r["created"])


@dataclass
class StudioServer:
    """``streamlit run app.py`` with its own home, media folder and log, pointed at an offline backend."""

    home: Path
    media: Path
    log_path: Path
    offline_url: str
    api_url: str
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    # A secrets.toml of the test's own (tests/oidc.py writes one with [auth]); None: the studio reads no secrets file.
    secrets_file: Path | None = None
    extra_env: dict[str, str] = field(default_factory=dict)  # e.g. VIDEO_STUDIO_ADMINS for a signing-in studio

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV and not k.startswith("VIDEO_STUDIO_")}
        env.update(
            # A HOME of its own keeps a developer's ~/.streamlit/secrets.toml (and a real key) out of the tests.
            HOME=str(self.home.parent / "user-home"),
            PYTHONUNBUFFERED="1",
            VIDEO_STUDIO_HOME=str(self.home),
            VIDEO_STUDIO_MEDIA_DIR=str(self.media),
            VIDEO_STUDIO_OFFLINE_URL=self.offline_url,
            VIDEO_STUDIO_OFFLINE_POLL_SECONDS="0.5",
            VIDEO_STUDIO_POLL_SECONDS="1",  # the "AI/ML API" here is a fast loopback backend too
            VIDEO_STUDIO_POLL_MAX_SECONDS="3",  # ... whose jobs end long before the real API's typical times
            # Even "the real API" is a loopback offline backend here: no test reaches the internet.
            AIMLAPI_BASE_URL=self.api_url,
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        for folder in (self.home, self.media, self.home.parent / "user-home"):
            folder.mkdir(parents=True, exist_ok=True)
        command = [str(Path(sys.executable).parent / "streamlit"), "run", "app.py", "--server.headless", "true"]
        command += ["--server.port", str(self.port), "--server.address", "127.0.0.1"]
        command += ["--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
        if self.secrets_file is not None:
            command += ["--secrets.files", str(self.secrets_file)]
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(
                command, cwd=REPO, env=self.environment(), stdout=log, stderr=subprocess.STDOUT
            )
        _wait_until(
            lambda: requests.get(f"{self.url}/_stcore/health", timeout=2).text == "ok",
            60,
            "The studio server",
            self.log_path,
        )

    def stop(self) -> None:
        _stop(self.proc)

    def restart(self) -> None:
        """Stop the server and start it again on the same port, with the same home."""
        self.stop()
        self.start()


@dataclass
class Studio:
    """A running studio and the offline backend(s) it talks to."""

    root: Path
    server: StudioServer
    backend: OfflineBackendProcess
    api_backend: OfflineBackendProcess

    @property
    def url(self) -> str:
        return self.server.url

    def stats(self) -> dict[str, int]:
        return self.backend.stats()

    def stop(self) -> None:
        self.server.stop()
        self.backend.stop()
        if self.api_backend is not self.backend:
            self.api_backend.stop()


@contextlib.contextmanager
def running_studio(
    root: Path,
    *,
    speed: float = 0.2,
    faults: str = "",
    api_required_key: str | None = None,
    secrets_file: Path | None = None,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[Studio]:
    """A studio server on a fresh offline backend; the "AI/ML API" is the same backend unless a key is required.

    ``secrets_file``, ``extra_env`` and ``port`` serve a studio with sign-in (``tests/oidc.py``): its redirect URI
    names the port before the studio starts."""
    root.mkdir(parents=True, exist_ok=True)
    backend = OfflineBackendProcess(root / "offline", root / "offline.log", speed=speed, faults=faults)
    api_backend = backend
    if api_required_key:
        api_backend = OfflineBackendProcess(
            root / "api-offline", root / "api-offline.log", speed=speed, required_key=api_required_key
        )
    server = StudioServer(root / "home", root / "media", root / "studio.log", backend.url, api_backend.url)
    server.secrets_file, server.extra_env = secrets_file, dict(extra_env or {})
    if port is not None:
        server.port = port
    studio = Studio(root, server, backend, api_backend)
    try:
        backend.start()
        if api_backend is not backend:
            api_backend.start()
        server.start()
        yield studio
    finally:
        studio.stop()


# --------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": VIEWPORT, "accept_downloads": True}


@pytest.fixture(autouse=True)
def _timeouts(request: pytest.FixtureRequest) -> None:
    expect.set_options(timeout=20_000)
    if "page" in request.fixturenames:
        request.getfixturevalue("page").set_default_timeout(30_000)


@pytest.fixture(scope="session")
def shared_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """One studio for the tests that need no special backend; they look at their own jobs and at counter deltas.

    Its offline demo backend and its "AI/ML API" (which accepts only API_KEY) are two loopback backends.
    """
    with running_studio(tmp_path_factory.mktemp("shared-studio"), api_required_key=API_KEY) as studio:
        yield studio


@pytest.fixture(scope="session")
def media_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Inputs a person would pick: photos, a voice recording, a text file, a tiny image."""
    folder = tmp_path_factory.mktemp("inputs")
    files = {
        "photo": write_photo(folder / "beach.jpg", (960, 640)),
        "end_frame": write_photo(folder / "sunset.jpg", (960, 640), evening=True),
        "voice": write_wav(folder / "voice.wav", 3.0),
        "tiny": write_photo(folder / "tiny.jpg", (200, 150)),
    }
    files["notes_txt"] = folder / "notes.txt"
    files["notes_txt"].write_text("Shopping list: milk, eggs, bread.\n")
    files["notes_jpg"] = folder / "notes.jpg"
    files["notes_jpg"].write_text("Shopping list: milk, eggs, bread.\n")
    return files


# --------------------------------------------------------------------------------------------- inputs


def write_photo(path: Path, size: tuple[int, int], *, evening: bool = False) -> Path:
    """A small landscape picture: sky gradient, sun and hills (something worth looking at in screenshots)."""
    width, height = size
    top, bottom = ((40, 90, 170), (250, 190, 120)) if not evening else ((60, 30, 90), (250, 120, 60))
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(height - 1, 1)
        draw.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    sun = (int(width * 0.7), int(height * (0.55 if evening else 0.3)))
    r = max(4, min(size) // 10)
    draw.ellipse([sun[0] - r, sun[1] - r, sun[0] + r, sun[1] + r], fill=(255, 230, 150))
    for n, shade in enumerate(((40, 110, 70), (25, 80, 50))):
        base = int(height * (0.65 + 0.12 * n))
        points = [(x, base - int(height * 0.08 * math.sin(x / width * math.pi * (2 + n)))) for x in range(0, width, 8)]
        draw.polygon([(0, height), *points, (width, height)], fill=shade)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue())
    return path


def write_wav(path: Path, seconds: float, rate: int = 16000) -> Path:
    """A mono 16-bit WAV of a soft 220 Hz tone, ``seconds`` long."""
    frames = bytearray()
    for i in range(int(seconds * rate)):
        frames += int(6000 * math.sin(2 * math.pi * 220 * i / rate)).to_bytes(2, "little", signed=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return path


# --------------------------------------------------------------------------------------------- page helpers


def css_key(key: str) -> str:
    """The CSS class Streamlit gives an element drawn with ``key=``: ``st-key-<key>``."""
    return "st-key-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def keyed(page: Page, key: str) -> Locator:
    return page.locator(f".{css_key(key)}")


def wait_idle(page: Page, timeout: float = 30_000) -> None:
    """Connected, no script run under way, no skeletons left (see the Streamlit notes)."""
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    page.wait_for_function("() => !document.querySelector(\"[data-testid='stSkeleton']\")", timeout=timeout)


COUNT_RUNS = """
() => {
  if (window.__vsRuns !== undefined) return window.__vsRuns;
  window.__vsRuns = 0;
  const app = document.querySelector("[data-testid='stApp']");
  let last = app.getAttribute("data-test-script-state");
  new MutationObserver(() => {
    const now = app.getAttribute("data-test-script-state");
    if (now === "running" && last !== "running") window.__vsRuns += 1;
    last = now;
  }).observe(app, {attributes: true, attributeFilter: ["data-test-script-state"]});
  return 0;
}
"""


def wait_runs(page: Page, runs: int, timeout: float = 30_000) -> None:
    """Wait until the page has started ``runs`` more script runs (its tick runs one every 1.5 s), and ended them:
    what a person's few seconds on a page do to it, without waiting a fixed time."""
    start = page.evaluate(COUNT_RUNS)
    page.wait_for_function("n => window.__vsRuns >= n", arg=start + runs, timeout=timeout)
    wait_idle(page, timeout)


def open_studio(page: Page, url: str, path: str = "") -> None:
    page.goto(f"{url}/{path}")
    wait_idle(page)


def go_to(page: Page, title: str) -> None:
    """Follow a sidebar navigation link: Generate, History or Models."""
    page.locator("[data-testid='stSidebarNav']").get_by_text(title, exact=True).click()
    page.wait_for_selector(f"h1:has-text('{title}')")
    wait_idle(page)


class HeldAnswers:
    """The studio's messages to the browser, held back while ``held`` (as a slow network holds them).

    Made before the page opens. A press made while they are held is sent with the address the browser had,
    as a press or a tick is in the moment before the browser hears of a newer one.
    """

    def __init__(self, page: Page) -> None:
        self.held = False
        self._waiting: list[str | bytes] = []
        page.route_web_socket(re.compile(r"/_stcore/stream"), self._route)

    def _route(self, browser_side: WebSocketRoute) -> None:
        studio_side = browser_side.connect_to_server()
        self._browser_side = browser_side
        browser_side.on_message(studio_side.send)
        studio_side.on_message(self._to_browser)

    def _to_browser(self, message: str | bytes) -> None:
        if self.held:
            self._waiting.append(message)
        else:
            self._browser_side.send(message)

    def release(self) -> None:
        self.held = False
        for message in self._waiting:
            self._browser_side.send(message)
        self._waiting.clear()


def pick_model(page: Page, model_id: str) -> None:
    """Choose a model as a person does in the model browser: type its id into the search, press its Choose."""
    toggle = keyed(page, "model_browser_toggle").locator("button")
    if "Change" in toggle.inner_text():
        toggle.click()
        settle(page)
    search = keyed(page, "browser_search").locator("input")
    search.fill(model_id)
    search.press("Enter")
    settle(page)
    button = keyed(page, f"model_browser_choose__{model_id}").locator("button")
    if button.is_enabled():  # "Chosen" (disabled) when it already is the model
        button.click()
        settle(page)


def choose(page: Page, key: str, option: str) -> None:
    """Pick ``option`` in the select box drawn with widget key ``key``."""
    box = keyed(page, key).locator("[data-testid='stSelectbox']")
    wanted = page.get_by_role("option", name=option, exact=True)
    for _attempt in range(3):  # a rerun landing just as the list opens can close it again
        box.click()
        with contextlib.suppress(Exception):
            wanted.wait_for(state="visible", timeout=3_000)
            break
        page.keyboard.press("Escape")
        settle(page)
    wanted.click()
    settle(page)


def toggle(page: Page, key: str) -> None:
    """Flip the switch drawn with widget key ``key``."""
    keyed(page, key).locator("label").first.click()
    settle(page)


def sent_with(studio: Studio, prompt: str) -> list[dict]:
    """The generation requests the studio's offline backend received with ``prompt``, oldest first."""
    return [r["payload"] for r in studio.backend.received() if r["payload"].get("prompt") == prompt]


def how_many_button(page: Page) -> Locator:
    """The "How many: N" button beside Generate, which opens the row of counts."""
    return page.locator("[data-testid='stMain'] [data-testid='stPopover'] button").filter(has_text="How many:").first


def set_how_many(page: Page, count: int) -> None:
    """Open How many beside Generate, press ``count``, and close it again, as a person does."""
    how_many_button(page).click()
    settle(page)  # the row is drawn by the run that opening it starts
    keyed(page, "generate_how_many").get_by_role("radio", name=str(count), exact=True).click()
    settle(page)
    page.keyboard.press("Escape")
    expect(how_many_button(page)).to_contain_text(f"How many: {count}")


def settle(page: Page) -> None:
    """Let a change the page just made start its script run, then wait for that run to end."""
    with contextlib.suppress(Exception):
        page.wait_for_selector("[data-testid='stApp'][data-test-script-state='running']", timeout=400)
    wait_idle(page)


def type_text(page: Page, key: str, text: str) -> None:
    """Type into a text area or text input and let it commit (a text area commits when it loses focus)."""
    box = keyed(page, key).locator("textarea, input").first
    box.fill(text)
    box.blur()
    settle(page)


def upload(page: Page, key: str, path: Path) -> None:
    """Give the media field ``key`` a file through its uploader, and wait for the studio to read it."""
    field_box = keyed(page, f"{key}__file")
    field_box.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(path))
    expect(field_box.locator("[data-testid='stFileChipName']").filter(has_text=path.name).first).to_be_visible()
    settle(page)


def press_generate(page: Page) -> None:
    keyed(page, "generate").locator("button").click()


JOB_CARDS = "div[class*='st-key-card-']:not([class*='st-key-card-download-'])"


def job_cards(page: Page) -> Locator:
    """The job cards on the page, newest first."""
    return page.locator(JOB_CARDS)


CARD_IDS = """
() => [...document.querySelectorAll("div[class*='st-key-card-']")]
  .map(card => [...card.classList].find(c => c.startsWith('st-key-card-') && !c.startsWith('st-key-card-download-')))
  .filter(Boolean)
"""


def card_ids(page: Page) -> list[str]:
    """The CSS classes of the job cards now shown (one per job: ``st-key-card-<job id>``)."""
    return list(page.evaluate(CARD_IDS))


def new_card(page: Page, before: list[str], timeout: float = 20_000) -> Locator:
    """The job card that was not there ``before``, once it appears."""
    handle = page.wait_for_function(
        f"before => ({CARD_IDS})().find(id => !before.includes(id)) || null", arg=before, timeout=timeout
    )
    return page.locator(f"div.{handle.json_value()}")


# A status badge drawn by the current run, not a greyed-out leftover of the previous one.
FRESH_BADGE = "[data-testid='stElementContainer']:not([data-stale='true']) .stMarkdownBadge"

WATCH_BADGES = """
() => {
  const FRESH_BADGE = "%s";
  if (window.__vsBadges) return;
  window.__vsBadges = {};
  const record = () => {
    for (const card of document.querySelectorAll("div[class*='st-key-card-']")) {
      const id = [...card.classList].find(c => c.startsWith('st-key-card-') && !c.startsWith('st-key-card-download-'));
      // During a rerun Streamlit keeps the previous run's elements (greyed out, data-stale="true") until
      // replaced: a new card can briefly show the old card's badge there. Only fresh ones count.
      const badge = id && card.querySelector(FRESH_BADGE);
      if (!badge) continue;
      const text = [...badge.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
      const seen = (window.__vsBadges[id] ||= []);
      if (seen[seen.length - 1] !== text) seen.push(text);
    }
  };
  new MutationObserver(record).observe(document.body, {subtree: true, childList: true, characterData: true});
  record();
}
"""


def watch_badges(page: Page) -> None:
    """Record every status badge each job card shows from now on (they change faster than a test polls)."""
    page.evaluate(WATCH_BADGES % FRESH_BADGE)


def badges_seen(page: Page, card: Locator) -> list[str]:
    card_class = next(c for c in (card.get_attribute("class") or "").split() if c.startswith("st-key-card-"))
    return list(page.evaluate("id => (window.__vsBadges || {})[id] || []", card_class))


def badge(card: Locator) -> Locator:
    return card.locator(FRESH_BADGE).first


def wait_done(card: Locator, timeout: float = 60_000) -> None:
    expect(badge(card)).to_contain_text("Done", timeout=timeout)


def video_facts(card: Locator, timeout: float = 20_000) -> dict[str, Any]:
    """Wait until the card's video has data to play (readyState >= 2), play it muted, and report on it."""
    video = card.locator("video").first
    video.scroll_into_view_if_needed()
    handle = video.element_handle()
    card.page.wait_for_function("v => v.readyState >= 2 && isFinite(v.duration)", arg=handle, timeout=timeout)
    return video.evaluate(
        """async v => {
            v.muted = true;
            const start = v.currentTime;
            await v.play();
            await new Promise(r => setTimeout(r, 600));
            v.pause();
            return {readyState: v.readyState, duration: v.duration, width: v.videoWidth, height: v.videoHeight,
                    advanced: v.currentTime - start, error: v.error && v.error.code};
        }"""
    )


def download_video(page: Page, card: Locator, folder: Path) -> Path:
    """Press the card's Download button and keep the file under the name the browser was given."""
    with page.expect_download() as info:
        card.get_by_role("button", name="Download").click()
    download = info.value
    assert download.failure() is None, download.failure()
    target = folder / download.suggested_filename
    download.save_as(str(target))
    return target


def screenshot(target: Page | Locator, name: str, folder: Path = SCREENSHOTS) -> Path:
    """Save a PNG of the viewport (a page) or of one element (a locator, e.g. a job card)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    target.screenshot(path=str(path))
    return path


# --------------------------------------------------------------------------------------------- forms


PIXVERSE = "pixverse-v5-image-to-video"
KLING = "kling-video-v1-standard-image-to-video"
VIDEO01 = "video-01"
LIVE2D = "video-01-live2d"
FABRIC = "veed-fabric-1-0"


def fill_pixverse(page: Page, photo: Path, prompt: str = "A surfer riding a wave at golden hour") -> None:
    pick_model(page, "pixverse/v5/image-to-video")
    upload(page, f"{PIXVERSE}__image_url", photo)
    type_text(page, f"{PIXVERSE}__prompt", prompt)
    type_text(page, f"{PIXVERSE}__lip_sync_tts_content", "What a wave! Come on in, the water is great.")
    choose(page, f"{PIXVERSE}__lip_sync_tts_speaker", "Ava")


def open_expander(page: Page, title: str) -> None:
    """Open the main area's expander titled ``title`` (e.g. "Advanced"), if it is closed."""
    expander = page.locator("[data-testid='stMain'] [data-testid='stExpander']").filter(has_text=title).first
    details = expander.locator("details")
    if details.count() and details.get_attribute("open") is not None:
        return
    expander.locator("summary").click()
    settle(page)


def fill_kling(
    page: Page,
    photo: Path,
    end_frame: Path | None = None,
    prompt: str = "The sun sets slowly over the hills",
    *,
    camera: str | None = "forward up",
) -> None:
    """Kling's form: a first frame, a prompt, and optionally an end frame and a camera move (under Advanced)."""
    pick_model(page, "kling-video/v1/standard/image-to-video")
    upload(page, f"{KLING}__image_url", photo)
    type_text(page, f"{KLING}__prompt", prompt)
    if end_frame is not None:
        upload(page, f"{KLING}__tail_image_url", end_frame)
    if camera is not None:
        open_expander(page, "Advanced")
        page.get_by_text("Use camera movement", exact=True).click()
        settle(page)
        choose(page, f"{KLING}__camera_control.type", camera)


def paint(page: Page, field: str, points: list[tuple[float, float]]) -> None:
    """Press the mouse on the canvas of the field keyed ``field``, move it through ``points`` (fractions of its
    width and height), and let go, as a person paints."""
    canvas = keyed(page, canvas_key(field)).locator("canvas.upper-canvas")
    # Into the middle of the window: a canvas at its edge can be scrolled away as the mouse goes down.
    canvas.evaluate("element => element.scrollIntoView({block: 'center'})")
    # The page may still be moving (a preview or the canvas's picture loading above it): a stroke made while it
    # moves goes astray. Wait until the canvas stays put.
    box = canvas.bounding_box()
    for _attempt in range(20):
        page.wait_for_timeout(150)
        now = canvas.bounding_box()
        if now == box:
            break
        box = now
    assert box, f"no canvas for {field}"
    at = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=8)
    page.mouse.up()
    # The canvas sends its strokes on mouse-up, and the rerun that reads them may start a moment later on a
    # loaded machine: settle once it has had time to start, so the next step sees the painted value.
    settle(page)
    page.wait_for_timeout(500)
    settle(page)


def fill_video01(page: Page, photo: Path, prompt: str = "A drone shot gliding over a quiet beach") -> None:
    pick_model(page, "video-01")
    type_text(page, f"{VIDEO01}__prompt", prompt)
    upload(page, f"{VIDEO01}__image_url", photo)


def fill_live2d(page: Page, photo: Path, prompt: str = "The clouds drift and the grass sways") -> None:
    pick_model(page, "video-01-live2d")
    upload(page, f"{LIVE2D}__image_url", photo)
    type_text(page, f"{LIVE2D}__prompt", prompt)


def fill_fabric(page: Page, photo: Path, voice: Path) -> None:
    pick_model(page, "veed/fabric-1.0")
    upload(page, f"{FABRIC}__image_url", photo)
    upload(page, f"{FABRIC}__audio_url", voice)


# --------------------------------------------------------------------------------------------- sign-in (tests/oidc.py)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real OIDC provider (oidc-provider-mock) on a free port of 127.0.0.1, for the whole session."""
    from tests.oidc import running_oidc_provider

    with running_oidc_provider(tmp_path_factory.mktemp("oidc")) as provider:
        yield provider


@pytest.fixture(scope="session")
def team_studio(oidc_provider: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    """A studio with sign-in through ``oidc_provider``; ``tests.oidc.ADMIN_EMAIL`` is its admin (VIDEO_STUDIO_ADMINS).
    Add members with ``tests.oidc.add_member``; each test signs in in its own browser context."""
    from tests.oidc import signing_in_studio

    with signing_in_studio(tmp_path_factory.mktemp("team-studio"), oidc_provider) as studio:
        yield studio
