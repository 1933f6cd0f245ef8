"""VideoClient against a scripted loopback server: headers, paths, error mapping, retries, timeouts, secrecy."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
import requests

from tests.loopback import ScriptedServer, unused_port
from videostudio.api.client import DEFAULT_BASE_URL, SUBMIT_PATH, USER_AGENT, VideoClient
from videostudio.api.error_text import parse_retry_after, scrub_secrets
from videostudio.api.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InsufficientCreditsError,
    NotFoundError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    StudioError,
)
from videostudio.api.generation import Status, Usage
from videostudio.api.http_errors import error_from_response

# Key-shaped on purpose (32 hex digits), so the generic scrubber is exercised as well as the exact-match one.
KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
PIXVERSE_ID = "8ac142d3-5b6e-4c1a-9f3e-0c2d7e9a1b44:pixverse/v5/image-to-video"
LEGACY_MINIMAX = "/v2/generate/video/minimax/generation"
PAYLOAD = {"model": "pixverse/v5/image-to-video", "prompt": "A cat surfs", "image_url": "https://x/cat.png"}


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    with ScriptedServer() as srv:
        yield srv


class FakeSleep:
    """Records requested waits instead of sleeping, and can run an action on a given call."""

    def __init__(self) -> None:
        self.waits: list[float] = []
        self.on_first_call = None

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        if len(self.waits) == 1 and self.on_first_call is not None:
            self.on_first_call()


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


def make_client(base_url: str, sleep: FakeSleep | None = None, **kwargs) -> VideoClient:
    kwargs.setdefault("timeout", (2.0, 2.0))
    return VideoClient(base_url, KEY, sleep=sleep or FakeSleep(), **kwargs)


def assert_no_key(*texts: str) -> None:
    for text in texts:
        assert KEY not in text


# --- submit ----------------------------------------------------------------------------------------------------------


def test_submit_universal_path_headers_and_payload(server: ScriptedServer) -> None:
    server.add(
        "POST",
        SUBMIT_PATH,
        200,
        {"id": PIXVERSE_ID, "status": "queued", "meta": {"usage": {"credits_used": 420000, "usd_spent": 0.21}}},
    )
    with make_client(server.url) as client:
        gen = client.submit(PAYLOAD)

    assert gen.id == PIXVERSE_ID and gen.status is Status.QUEUED
    assert gen.usage == Usage(credits=420000.0, usd=0.21)
    [req] = server.requests
    assert (req.method, req.path) == ("POST", SUBMIT_PATH)
    assert req.json == PAYLOAD
    assert req.header("Authorization") == f"Bearer {KEY}"
    assert req.header("Content-Type") == "application/json"
    assert req.header("Accept") == "application/json"
    assert req.header("User-Agent") == USER_AGENT


def test_submit_legacy_path_201_generation_id_without_status(server: ScriptedServer) -> None:
    server.add("POST", LEGACY_MINIMAX, 201, {"generation_id": "234954179076239"})
    payload = {"model": "video-01", "prompt": "A lighthouse", "first_frame_image": "https://x/l.png"}
    with make_client(server.url) as client:
        gen = client.submit(payload, legacy_endpoint=LEGACY_MINIMAX)

    assert gen.id == "234954179076239"
    assert gen.status is Status.QUEUED and gen.raw_status is None
    [req] = server.requests
    assert (req.method, req.path) == ("POST", LEGACY_MINIMAX)
    assert req.json == payload
    assert req.header("Authorization") == f"Bearer {KEY}"


def test_base_url_trailing_slash_and_legacy_path_without_slash(server: ScriptedServer) -> None:
    server.add("POST", LEGACY_MINIMAX, 200, {"generation_id": "1"})
    with make_client(server.url + "/") as client:
        client.submit({"model": "video-01"}, legacy_endpoint=LEGACY_MINIMAX.lstrip("/"))
    assert server.requests[0].path == LEGACY_MINIMAX


def test_key_whitespace_is_stripped(server: ScriptedServer) -> None:
    server.add("POST", SUBMIT_PATH, 200, {"id": "a", "status": "queued"})
    VideoClient(server.url, f"  {KEY}\n").submit(PAYLOAD)
    assert server.requests[0].header("Authorization") == f"Bearer {KEY}"


# --- poll ------------------------------------------------------------------------------------------------------------


def test_poll_sends_encoded_generation_id_that_arrives_intact(server: ScriptedServer) -> None:
    server.add("GET", SUBMIT_PATH, 200, {"id": PIXVERSE_ID, "status": "completed", "video": {"url": "https://v/1.mp4"}})
    with make_client(server.url) as client:
        gen = client.poll(PIXVERSE_ID)

    assert gen.status is Status.COMPLETED and gen.video_url == "https://v/1.mp4"
    [req] = server.requests
    assert (req.method, req.path) == ("GET", SUBMIT_PATH)
    assert req.query == {"generation_id": PIXVERSE_ID}
    # ':' and '/' are percent-encoded on the wire, so the id is one query value, not a path.
    assert "%3A" in req.raw_query and "%2F" in req.raw_query
    assert req.header("Authorization") == f"Bearer {KEY}"


def test_poll_legacy_path_and_fallback_id(server: ScriptedServer) -> None:
    server.add("GET", LEGACY_MINIMAX, 200, {"status": "generating"})
    with make_client(server.url) as client:
        gen = client.poll("234954179076239", legacy_endpoint=LEGACY_MINIMAX)
    assert gen.id == "234954179076239" and gen.status is Status.GENERATING
    assert server.requests[0].path == LEGACY_MINIMAX
    assert server.requests[0].query == {"generation_id": "234954179076239"}


# --- HTTP errors -----------------------------------------------------------------------------------------------------

ECHO = f"Authorization: Bearer {KEY} rejected for key {KEY}"

HTTP_ERRORS = [
    (
        400,
        {
            "message": "Body validation error! Invalid enum value. Expected '5' | '8', received '7'",
            "path": "/v2/video/generations",
            "requestId": "req-400",
            "statusCode": "400",
            "timestamp": "2026-01-01T00:00:00Z",
        },
        BadRequestError,
        "The AI/ML API refused the request: Body validation error!",
    ),
    (401, {"message": f"This request requires a valid API key. {ECHO}", "statusCode": 401}, AuthenticationError,
     "aimlapi.com/app/keys"),
    (403, {"message": "You've run out of credits. Please top up your balance", "statusCode": 403},
     InsufficientCreditsError, "aimlapi.com/app/billing/"),
    (404, {"message": f"Model is deprecated ({ECHO})", "statusCode": 404}, NotFoundError, "could not find"),
    (429, {"error": {"name": "RateLimit", "message": f"Too Many Requests {ECHO}"}}, RateLimitError,
     "too many requests"),
    (500, {"message": "The model is under maintenance, please contact us at help@aimlapi.com."}, ServerError,
     "under maintenance"),
    (502, "<html><body><h1>502 Bad Gateway</h1></body></html>", ServerError, "error 502"),
    (503, {"detail": [{"loc": ["body"], "msg": f"Service unavailable {ECHO}"}]}, ServerError, "error 503"),
    (504, {"message": "Generation timeout", "statusCode": 504}, ServerError, "timed out"),
]  # fmt: skip


@pytest.mark.parametrize(("status", "body", "exc_type", "phrase"), HTTP_ERRORS, ids=[str(e[0]) for e in HTTP_ERRORS])
def test_http_errors_become_typed_readable_exceptions(
    server: ScriptedServer, status: int, body: object, exc_type: type[APIError], phrase: str
) -> None:
    server.add("POST", SUBMIT_PATH, status, body)
    with make_client(server.url) as client, pytest.raises(exc_type) as info:
        client.submit(PAYLOAD)

    err = info.value
    assert err.status_code == status
    assert phrase.lower() in str(err).lower()
    assert err.message and err.hint and str(err) == f"{err.message} {err.hint}"
    assert_no_key(str(err), repr(err), err.detail or "", err.message, err.hint)
    assert len(server.requests_to("POST")) == 1


def test_bad_request_keeps_request_id_and_detail(server: ScriptedServer) -> None:
    server.add("POST", SUBMIT_PATH, 400, HTTP_ERRORS[0][1])
    with make_client(server.url) as client, pytest.raises(BadRequestError) as info:
        client.submit(PAYLOAD)
    assert info.value.request_id == "req-400"
    assert info.value.detail is not None and info.value.detail.startswith("Body validation error!")
    # The message names no field, so nothing will be highlighted and nothing is promised.
    assert info.value.hint == "Check the settings and try again."
    assert "highlighted" not in str(info.value)
    assert info.value.named_field(["prompt", "duration", "image_url"]) is None


def test_422_validation_detail_names_the_field(server: ScriptedServer) -> None:
    body = {"detail": [{"loc": ["body", "image_url"], "msg": "Could not detect face in the image", "type": "x"}]}
    server.add("POST", SUBMIT_PATH, 422, body)
    with make_client(server.url) as client, pytest.raises(BadRequestError) as info:
        client.submit(PAYLOAD)
    assert info.value.message == "The AI/ML API refused the request: image_url: Could not detect face in the image."
    assert info.value.loc == "image_url"
    assert info.value.named_field(["prompt", "image_url"]) == "image_url"


def test_a_refusal_names_the_field_its_message_mentions() -> None:
    error = error_from_response(
        400, {"message": "Body validation error! duration: Invalid enum value", "path": "/v2/video/generations"}
    )
    # "path" is the request's URL path, not a field; the message names the field.
    assert error.named_field(["tail_image_url", "image_url", "duration"]) == "duration"
    tail = error_from_response(400, {"message": "Body validation error! tail_image_url: Invalid url"})
    assert tail.named_field(["image_url", "tail_image_url"]) == "tail_image_url"
    nested = error_from_response(422, {"detail": [{"loc": ["body", "dynamic_masks", 0, "mask"], "msg": "bad"}]})
    assert nested.named_field(["dynamic_masks"]) == "dynamic_masks.0.mask"


def test_rate_limit_error_exposes_retry_after(server: ScriptedServer) -> None:
    server.add("POST", SUBMIT_PATH, 429, {"message": "Too Many Requests"}, {"Retry-After": "7"})
    with make_client(server.url) as client, pytest.raises(RateLimitError) as info:
        client.submit(PAYLOAD)
    assert info.value.retry_after == 7.0
    assert "7 seconds" in info.value.hint


# --- submit is never retried -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "headers", "exc_type"),
    [(429, {"Retry-After": "1"}, RateLimitError), (500, {}, ServerError), (503, {}, ServerError)],
)
def test_submit_not_retried_on_http_errors(
    server: ScriptedServer, sleep: FakeSleep, status: int, headers: dict, exc_type: type[Exception]
) -> None:
    server.add("POST", SUBMIT_PATH, status, {"message": "nope"}, headers, times=3)
    server.add("POST", SUBMIT_PATH, 200, {"id": "late", "status": "queued"})
    with make_client(server.url, sleep, poll_attempts=5) as client, pytest.raises(exc_type):
        client.submit(PAYLOAD)
    assert len(server.requests_to("POST")) == 1
    assert sleep.waits == []


def test_submit_not_retried_on_dropped_connection(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("POST", SUBMIT_PATH, drop=True)
    server.add("POST", SUBMIT_PATH, 200, {"id": "late", "status": "queued"})
    with make_client(server.url, sleep, poll_attempts=5) as client, pytest.raises(APIConnectionError) as info:
        client.submit(PAYLOAD)
    assert len(server.requests_to("POST")) == 1
    assert sleep.waits == []
    # Warns that the job may exist before the user clicks again, and where to look (never "check your history":
    # the studio's History is where the try shows as failed or is being looked for).
    assert "usage on aimlapi.com" in info.value.hint
    assert "history" not in info.value.hint.lower()
    assert_no_key(str(info.value))


def test_submit_connection_refused(sleep: FakeSleep) -> None:
    base = f"http://127.0.0.1:{unused_port()}"
    with make_client(base, sleep, poll_attempts=5) as client, pytest.raises(APIConnectionError) as info:
        client.submit(PAYLOAD)
    assert not isinstance(info.value, APITimeoutError)
    assert sleep.waits == []
    assert str(info.value).startswith(f"Could not reach the AI/ML API at {base}.")
    assert_no_key(str(info.value))


# --- poll retries ----------------------------------------------------------------------------------------------------


def test_poll_retries_429_honouring_retry_after(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, 429, {"message": "Too Many Requests"}, {"Retry-After": "3"})
    server.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "generating"})
    with make_client(server.url, sleep) as client:
        gen = client.poll("g1")
    assert gen.status is Status.GENERATING
    assert sleep.waits == [3.0]
    assert len(server.requests_to("GET")) == 2


def test_poll_retry_after_http_date(server: ScriptedServer, sleep: FakeSleep) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=5), usegmt=True)
    server.add("GET", SUBMIT_PATH, 429, {"message": "slow down"}, {"Retry-After": when})
    server.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "queued"})
    with make_client(server.url, sleep) as client:
        client.poll("g1")
    [wait] = sleep.waits
    assert 3.0 <= wait <= 5.0  # HTTP dates have 1-second resolution


def test_poll_retry_after_is_capped(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, 429, {"message": "slow down"}, {"Retry-After": "3600"})
    server.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "queued"})
    with make_client(server.url, sleep, max_retry_wait=4.0) as client:
        client.poll("g1")
    assert sleep.waits == [4.0]


def test_poll_retries_5xx_with_exponential_backoff_then_succeeds(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, 500, {"message": "Internal server error"})
    server.add("GET", SUBMIT_PATH, 502, "Bad Gateway")
    server.add("GET", SUBMIT_PATH, 503, {"message": "Service unavailable"})
    server.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "completed", "video": ["https://v/r.mp4"]})
    with make_client(server.url, sleep, poll_attempts=4) as client:
        gen = client.poll("g1")
    assert gen.video_urls == ("https://v/r.mp4",)
    assert sleep.waits == [0.5, 1.0, 2.0]
    assert len(server.requests_to("GET")) == 4


def test_poll_gives_up_after_poll_attempts(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, 504, {"message": "Generation timeout"}, times=5)
    with make_client(server.url, sleep, poll_attempts=3) as client, pytest.raises(ServerError) as info:
        client.poll("g1")
    assert info.value.status_code == 504
    assert len(server.requests_to("GET")) == 3
    assert sleep.waits == [0.5, 1.0]


def test_poll_does_not_retry_client_errors(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, 404, {"message": "Not Found"}, times=3)
    with make_client(server.url, sleep) as client, pytest.raises(NotFoundError):
        client.poll("gone")
    assert len(server.requests) == 1 and sleep.waits == []


def test_poll_retries_connection_refused_then_succeeds(sleep: FakeSleep) -> None:
    port = unused_port()
    late = ScriptedServer(port=port)
    late.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "completed", "video": {"url": "https://v/1.mp4"}})
    sleep.on_first_call = late.start  # the API "comes back" while the client waits to retry
    try:
        with make_client(f"http://127.0.0.1:{port}", sleep) as client:
            gen = client.poll("g1")
    finally:
        late.stop()
    assert gen.status is Status.COMPLETED
    assert sleep.waits == [0.5]
    assert len(late.requests) == 1


def test_poll_connection_refused_raises_after_attempts(sleep: FakeSleep) -> None:
    client = make_client(f"http://127.0.0.1:{unused_port()}", sleep, poll_attempts=3)
    with client, pytest.raises(APIConnectionError) as info:
        client.poll("g1")
    assert sleep.waits == [0.5, 1.0]
    assert_no_key(str(info.value), repr(info.value))


def test_poll_retries_dropped_connection(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, drop=True)
    server.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "queued"})
    with make_client(server.url, sleep) as client:
        assert client.poll("g1").status is Status.QUEUED
    assert len(server.requests_to("GET")) == 2 and sleep.waits == [0.5]


# --- timeouts --------------------------------------------------------------------------------------------------------


def test_submit_timeout_raises_api_timeout_error_once(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("POST", SUBMIT_PATH, 200, {"id": "slow", "status": "queued"}, delay=1.0)
    with make_client(server.url, sleep, timeout=(2.0, 0.1)) as client, pytest.raises(APITimeoutError) as info:
        client.submit(PAYLOAD)
    assert isinstance(info.value, APIConnectionError)
    assert "did not answer within 0.1 seconds" in info.value.message
    assert "charged twice" in info.value.hint
    assert len(server.requests_to("POST")) == 1 and sleep.waits == []


def test_poll_timeout_is_retried_then_raises(server: ScriptedServer, sleep: FakeSleep) -> None:
    server.add("GET", SUBMIT_PATH, 200, {"id": "g1", "status": "queued"}, delay=1.0, times=2)
    client = make_client(server.url, sleep, timeout=(2.0, 0.1), poll_attempts=2)
    with client, pytest.raises(APITimeoutError):
        client.poll("g1")
    assert len(server.requests_to("GET")) == 2 and sleep.waits == [0.5]


# --- unreadable answers ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ("<html>maintenance</html>", {"Content-Type": "text/html"}),
        (b"\x00\x01binary", {}),
        (None, {}),
        ([1, 2, 3], {}),  # JSON, but not an object
    ],
)
def test_non_json_2xx_is_response_format_error(server: ScriptedServer, body: object, headers: dict) -> None:
    server.add("GET", SUBMIT_PATH, 200, body, headers)
    with make_client(server.url) as client, pytest.raises(ResponseFormatError) as info:
        client.poll("g1")
    assert info.value.hint


def test_submit_answer_without_id_is_response_format_error(server: ScriptedServer) -> None:
    server.add("POST", SUBMIT_PATH, 200, {"status": "queued"})
    with make_client(server.url) as client, pytest.raises(ResponseFormatError) as info:
        client.submit(PAYLOAD)
    assert "no generation id" in str(info.value)


# --- key handling ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "", "   "])
def test_missing_key_sends_nothing(server: ScriptedServer, key: str | None) -> None:
    client = VideoClient(server.url, key)
    with pytest.raises(AuthenticationError) as info:
        client.submit(PAYLOAD)
    with pytest.raises(AuthenticationError):
        client.poll("g1")
    assert server.requests == []
    assert "AIMLAPI_API_KEY" in info.value.hint and "https://aimlapi.com/app/keys" in info.value.hint


def test_key_with_inner_space_sends_nothing(server: ScriptedServer) -> None:
    with pytest.raises(AuthenticationError) as info:
        VideoClient(server.url, "abc def").submit(PAYLOAD)
    assert server.requests == []
    assert "abc def" not in str(info.value)


def test_repr_and_session_headers_never_show_key(server: ScriptedServer) -> None:
    server.add("POST", SUBMIT_PATH, 200, {"id": "a", "status": "queued"})
    session = requests.Session()
    client = VideoClient(server.url, KEY, session=session)
    client.submit(PAYLOAD)
    assert repr(client) == f"VideoClient(base_url={server.url!r})"
    assert_no_key(repr(client), str(client), repr(session.headers))
    assert "Authorization" not in session.headers


def test_default_base_url() -> None:
    assert VideoClient(api_key=KEY).base_url == DEFAULT_BASE_URL == "https://api.aimlapi.com"


def test_close_only_closes_own_session() -> None:
    closed: list[str] = []

    class Spy(requests.Session):
        def close(self) -> None:
            closed.append("closed")
            super().close()

    with VideoClient(api_key=KEY, session=Spy()):
        pass
    assert closed == []  # a caller's session stays open for the caller

    client = VideoClient(api_key=KEY)
    client._session = Spy()  # swap in a spy for the session the client owns
    client.close()
    assert closed == ["closed"]


# --- error_from_response (unit) --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"message": "Body validation error!", "statusCode": "400", "requestId": "r"}, "Body validation error!"),
        ({"message": "Bad value", "statusCode": 400}, "Bad value"),
        ({"message": ["prompt must be a string", "duration must be 5 or 8"]},
         "prompt must be a string; duration must be 5 or 8"),
        ({"error": {"name": "BadRequest", "message": "Prompt too long"}}, "Prompt too long"),
        ({"detail": [{"loc": ["body", "image_url"], "msg": "Could not detect face in the image"}]},
         "image_url: Could not detect face in the image"),
        ({"detail": "Invalid duration"}, "Invalid duration"),
        ("Invalid duration", "Invalid duration"),
        (b'{"message": "from bytes"}', "from bytes"),
        ("<html><h1>Bad</h1></html>", None),
        (None, None),
        ("", None),
    ],
)  # fmt: skip
def test_error_from_response_body_shapes(body: object, detail: str | None) -> None:
    err = error_from_response(400, body, {})
    assert isinstance(err, BadRequestError)
    assert err.detail == detail
    if detail:
        assert detail in err.message


def test_error_from_response_request_id_from_body_or_header() -> None:
    assert error_from_response(500, {"requestId": "abc"}, {}).request_id == "abc"
    assert error_from_response(500, "x", {"X-Request-Id": "hdr"}).request_id == "hdr"
    assert error_from_response(500, "x", {}).request_id is None


@pytest.mark.parametrize(
    ("status", "exc_type"),
    [(400, BadRequestError), (401, AuthenticationError), (403, InsufficientCreditsError), (404, NotFoundError),
     (422, BadRequestError), (429, RateLimitError), (500, ServerError), (599, ServerError), (418, APIError)],
)  # fmt: skip
def test_error_from_response_status_mapping(status: int, exc_type: type[APIError]) -> None:
    err = error_from_response(status, {}, {})
    assert type(err) is exc_type and err.status_code == status
    assert isinstance(err, StudioError) and err.hint


def test_long_detail_is_shortened() -> None:
    err = error_from_response(400, {"message": "x " * 1000}, {})
    assert err.detail is not None and len(err.detail) <= 300


def test_secrets_are_scrubbed_from_details() -> None:
    body = {"message": f"bad header Bearer abc.def-123 and api_key=s3cr3t and {KEY} and sk-{'a' * 20}"}
    err = error_from_response(500, body, {}, api_key="s3cr3t")
    for secret in ("abc.def-123", "s3cr3t", KEY, "sk-aaaa"):
        assert secret not in str(err)
    # ids stay readable: they are not key-shaped
    assert scrub_secrets(f"job {PIXVERSE_ID} failed") == f"job {PIXVERSE_ID} failed"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("5", 5.0), ("0.25", 0.25), ("-3", 0.0), ("soon", None), ("", None), (None, None), ("nan", None)],
)
def test_parse_retry_after(value: str | None, expected: float | None) -> None:
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date() -> None:
    now = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
    value = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(value, now=now.timestamp()) == 42.0
