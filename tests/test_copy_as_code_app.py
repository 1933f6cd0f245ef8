"""Copy as code in the pages (AppTest): under a valid form, on a job card, in History's job dialog; never the key."""

from __future__ import annotations

import base64

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import open_fold
from tests.conftest import Studio, jpeg_bytes
from tests.test_app import KEYS, PIXVERSE, VIDEO01, choose, generate, open_studio, upload
from tests.test_history_page import history, select_row, store

pytestmark = pytest.mark.apptest

TABS = ["cURL", "Python", "JavaScript"]


def code_block(at: AppTest, key: str) -> dict[str, str]:
    """The Copy as code block drawn with ``key``: its code by tab label."""
    block = at.get_by_key(f"copy-code-{key}")
    assert [tab.label for tab in block.tabs] == TABS
    return dict(zip(TABS, [code.value for code in block.code], strict=True))


def test_a_valid_form_offers_its_request_as_code_and_sends_nothing(studio: Studio) -> None:
    at = open_studio()
    choose(at, VIDEO01)
    assert not any("Fix the form first" in info.value for info in at.info)  # drawn only once it is opened
    open_fold(at, "form_code_open")
    with pytest.raises(KeyError):  # an empty prompt: no code yet, but what to fix
        at.get_by_key(f"copy-code-form-{KEYS[VIDEO01]}")
    assert any("Fix the form first" in info.value and "Prompt" in info.value for info in at.info)

    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input('Fireworks over "the lake"').run()
    codes = code_block(at, f"form-{KEYS[VIDEO01]}")
    assert '"prompt": "Fireworks over \\"the lake\\""' in codes["Python"]
    assert f"DEFAULT_BASE_URL='{studio.backend_url}'" in codes["cURL"]
    assert 'const ENDPOINT = "/v2/video/generations";' in codes["JavaScript"]
    assert studio.backend_stats()["submits"] == 0


def test_a_job_card_offers_the_job_as_code_with_its_upload_read_from_disk(studio: Studio) -> None:
    at = open_studio()
    choose(at, PIXVERSE)
    image = jpeg_bytes((640, 480))
    upload(at, PIXVERSE, "image_url", "cat.jpg", image, "image/jpeg")
    at.text_area(key=f"{KEYS[PIXVERSE]}__prompt").input("A cat surfing").run()
    generate(at)
    [job] = store().list(limit=5)

    with pytest.raises(KeyError):  # shut: the request is not even rebuilt
        at.get_by_key(f"copy-code-card-{job.id}")
    open_fold(at, f"job-code-open-card-{job.id}")
    open_fold(at, f"job-code-open-started-{job.id}")
    codes = code_block(at, f"card-{job.id}")  # Latest jobs
    assert 'data_uri("cat.jpg", "image/jpeg"),  # put cat.jpg next to this script' in codes["Python"]
    assert "base64 < 'cat.jpg'" in codes["cURL"]
    assert base64.b64encode(image).decode()[:60] not in "".join(codes.values())
    assert code_block(at, f"started-{job.id}") == codes  # the same job right under Generate
    # The upload the studio kept can be downloaded under the name the code reads it by.
    kept = at.get_by_key(f"code-file-card-{job.id}-0")
    assert kept.proto.label == "cat.jpg"

    at = history(at)
    select_row(at, 0)
    open_fold(at, f"job-code-open-history-{job.id}")
    assert code_block(at, f"history-{job.id}") == codes


def test_the_key_never_reaches_the_page(studio: Studio, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-secret-key-never-shown-42"
    monkeypatch.setenv("AIMLAPI_API_KEY", secret)
    at = open_studio()  # with a key, the session starts on the AI/ML API
    choose(at, VIDEO01)
    at.text_area(key=f"{KEYS[VIDEO01]}__prompt").input("Rain").run()
    open_fold(at, "form_code_open")
    codes = code_block(at, f"form-{KEYS[VIDEO01]}")
    assert "DEFAULT_BASE_URL='https://api.aimlapi.com'" in codes["cURL"]
    assert "POLL_SECONDS = 10" in codes["Python"]
    shown = [*codes.values(), *(e.value for kind in ("markdown", "caption", "info", "text") for e in at.get(kind))]
    assert not any(secret in str(text) for text in shown)
