"""The media library: downloading finished videos over real loopback HTTP, and the names they are saved under."""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.loopback import ScriptedServer, unused_port
from videostudio.history.store import Job, JobStore, utcnow
from videostudio.library.videos import DownloadError, download_name, download_video, kept_videos

VIDEO_PATH = "/eagle/files/output.mp4"
CREATED = datetime(2026, 11, 21, 15, 30, 12)


def video_bytes(size: int) -> bytes:
    # Not compressible and not repetitive, so a shuffled or truncated copy cannot pass for the original.
    return os.urandom(size)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.glob(".part-*"))


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as server:
        yield server


# A server for answers ScriptedServer cannot give: no Content-Length, or fewer bytes than it declares.
RawReply = Callable[[BaseHTTPRequestHandler], None]


class _RawHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # the body ends when the connection closes
    replies: dict[str, RawReply] = {}

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        # The client may stop reading (it refuses a too-large body): a broken pipe is expected then.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self.replies[self.path](self)


@pytest.fixture
def raw_server() -> Iterator[tuple[str, dict[str, RawReply]]]:
    replies: dict[str, RawReply] = {}
    handler = type("Handler", (_RawHandler,), {"replies": replies})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", replies
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def body_without_length(body: bytes) -> RawReply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "video/mp4")
        handler.end_headers()
        handler.wfile.write(body)

    return reply


def short_body(declared: int, body: bytes) -> RawReply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "video/mp4")
        handler.send_header("Content-Length", str(declared))
        handler.end_headers()
        handler.wfile.write(body)

    return reply


# --- download_video --------------------------------------------------------------------------------------------------


def test_download_streams_the_video_to_dest(server: ScriptedServer, tmp_path: Path) -> None:
    body = video_bytes(2 * 1024 * 1024 + 123)  # more than one chunk
    server.add("GET", VIDEO_PATH, 200, body, {"Content-Type": "video/mp4"})
    dest = tmp_path / "media" / "job-1.mp4"  # the folder does not exist yet

    size = download_video(f"{server.url}{VIDEO_PATH}?Expires=1738947643&Signature=abc", dest)

    assert size == len(body)
    assert dest.read_bytes() == body
    assert leftovers(dest.parent) == []
    (request,) = server.requests
    assert request.query == {"Expires": "1738947643", "Signature": "abc"}  # signed links are fetched as given


def test_download_sends_no_authorization_header(server: ScriptedServer, tmp_path: Path) -> None:
    server.add("GET", VIDEO_PATH, 200, b"video")
    download_video(f"{server.url}{VIDEO_PATH}", tmp_path / "v.mp4")
    (request,) = server.requests
    assert request.header("Authorization") is None
    assert not any("bearer" in value.lower() for value in request.headers.values())


def test_download_replaces_an_existing_file(server: ScriptedServer, tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    dest.write_bytes(b"old copy")
    server.add("GET", VIDEO_PATH, 200, b"new copy")
    assert download_video(f"{server.url}{VIDEO_PATH}", dest) == len(b"new copy")
    assert dest.read_bytes() == b"new copy"


@pytest.mark.parametrize("status", [403, 404, 500])
def test_non_200_is_a_download_error_and_leaves_nothing(server: ScriptedServer, tmp_path: Path, status: int) -> None:
    server.add("GET", VIDEO_PATH, status, {"message": "AccessDenied: Request has expired"})
    dest = tmp_path / "v.mp4"
    with pytest.raises(DownloadError, match=str(status)):
        download_video(f"{server.url}{VIDEO_PATH}", dest)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_declared_size_over_the_limit_is_refused_before_writing(server: ScriptedServer, tmp_path: Path) -> None:
    server.add("GET", VIDEO_PATH, 200, video_bytes(5000))
    dest = tmp_path / "v.mp4"
    with pytest.raises(DownloadError, match="5000"):
        download_video(f"{server.url}{VIDEO_PATH}", dest, max_bytes=4999)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_a_video_of_exactly_the_limit_is_kept(server: ScriptedServer, tmp_path: Path) -> None:
    body = video_bytes(5000)
    server.add("GET", VIDEO_PATH, 200, body)
    assert download_video(f"{server.url}{VIDEO_PATH}", tmp_path / "v.mp4", max_bytes=5000) == 5000


def test_undeclared_body_over_the_limit_leaves_no_partial_file(
    raw_server: tuple[str, dict[str, RawReply]], tmp_path: Path
) -> None:
    base, replies = raw_server
    replies[VIDEO_PATH] = body_without_length(video_bytes(50_000))
    dest = tmp_path / "v.mp4"
    with pytest.raises(DownloadError):
        download_video(f"{base}{VIDEO_PATH}", dest, max_bytes=10_000)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_undeclared_body_within_the_limit_is_kept(raw_server: tuple[str, dict[str, RawReply]], tmp_path: Path) -> None:
    base, replies = raw_server
    body = video_bytes(30_000)
    replies[VIDEO_PATH] = body_without_length(body)
    dest = tmp_path / "v.mp4"
    assert download_video(f"{base}{VIDEO_PATH}", dest) == len(body)
    assert dest.read_bytes() == body


def test_body_shorter_than_declared_is_a_download_error(
    raw_server: tuple[str, dict[str, RawReply]], tmp_path: Path
) -> None:
    base, replies = raw_server
    replies[VIDEO_PATH] = short_body(declared=10_000, body=video_bytes(4_000))
    dest = tmp_path / "v.mp4"
    with pytest.raises(DownloadError):
        download_video(f"{base}{VIDEO_PATH}", dest)
    assert not dest.exists()
    assert leftovers(tmp_path) == []


def test_unreachable_host_is_a_download_error(tmp_path: Path) -> None:
    dest = tmp_path / "v.mp4"
    with pytest.raises(DownloadError):
        download_video(f"http://127.0.0.1:{unused_port()}{VIDEO_PATH}", dest, timeout=(2.0, 2.0))
    assert not dest.exists()


def test_read_timeout_is_a_download_error(server: ScriptedServer, tmp_path: Path) -> None:
    server.add("GET", VIDEO_PATH, 200, b"late", delay=1.0)
    dest = tmp_path / "v.mp4"
    with pytest.raises(DownloadError):
        download_video(f"{server.url}{VIDEO_PATH}", dest, timeout=(2.0, 0.2))
    assert not dest.exists()
    assert leftovers(tmp_path) == []


# --- download_name ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_id", "prompt", "expected"),
    [
        ("pixverse/v5/image-to-video", "A cat surfing!", "pixverse-v5-2026-11-21-1530-a-cat-surfing.mp4"),
        (
            "kling-video/v1/standard/image-to-video",
            "A cat, surfing a GIANT wave at sunset",
            "kling-video-v1-standard-2026-11-21-1530-a-cat-surfing-a-giant.mp4",
        ),
        ("video-01", "  two   dogs\n dancing ", "video-01-2026-11-21-1530-two-dogs-dancing.mp4"),
        ("veed/fabric-1.0", "", "veed-fabric-1-0-2026-11-21-1530.mp4"),  # Fabric has no prompt
        ("video-01-live2d", "!!!", "video-01-live2d-2026-11-21-1530.mp4"),
    ],
)
def test_download_name(model_id: str, prompt: str, expected: str) -> None:
    assert download_name(model_id, CREATED, prompt) == expected


def test_download_name_word_count() -> None:
    assert download_name("video-01", CREATED, "one two three four", words=2) == "video-01-2026-11-21-1530-one-two.mp4"


def test_download_name_uses_the_given_wall_time() -> None:
    # The caller passes local time; the name shows it as given.
    name = download_name("video-01", datetime(2026, 1, 2, 3, 4, tzinfo=UTC), "x")
    assert name == "video-01-2026-01-02-0304-x.mp4"


@pytest.mark.parametrize("prompt", ["../../etc/passwd", 'a "quoted" <tag> | pipe', "C:\\Windows\\x", "日本の猫"])
def test_download_name_is_always_a_safe_file_name(prompt: str) -> None:
    name = download_name("weird/../Model ID", CREATED, prompt)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*\.mp4", name), name


def test_download_name_keeps_accented_words_readable() -> None:
    assert download_name("video-01", CREATED, "Un café à Paris") == "video-01-2026-11-21-1530-un-cafe-a-paris.mp4"


def test_kept_videos_are_the_newest_finished_ones_on_disk_plus_those_already_chosen(
    tmp_path: Path, store: JobStore
) -> None:
    def finished(minutes_ago: int, *, on_disk: bool = True, status: str = "completed") -> Job:
        video = tmp_path / f"{minutes_ago}.mp4"
        if on_disk:
            video.write_bytes(b"kept")
        created = utcnow() - timedelta(minutes=minutes_ago)
        return store.add(
            Job(model_id="video-01", backend="offline", status=status, local_path=str(video), created_at=created)
        )

    old, newer, newest = finished(30), finished(20), finished(10)
    finished(5, on_disk=False)  # its video was deleted
    finished(1, status="failed")
    assert list(kept_videos(store, 3)) == [newest.id, newer.id]  # a failure takes no place; a missing file is left out
    assert list(kept_videos(store, 3, also=[old.id, "gone"])) == [newest.id, newer.id, old.id]
