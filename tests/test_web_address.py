"""Web addresses of private, loopback and link-local hosts are refused before anything is sent."""

from __future__ import annotations

import pytest

from videostudio.api.web_address import looks_like_web_address, private_host, refusal
from videostudio.catalogue import load_catalogue
from videostudio.form.payload import validate_payload

REFUSED = [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.5/cat.jpg",
    "https://192.168.1.20/cat.jpg",
    "http://172.16.0.1/a.png",
    "http://172.31.255.254/a.png",
    "http://127.0.0.1:8080/a.png",
    "http://localhost/a.png",
    "http://LOCALHOST./a.png",
    "http://printer.local/a.png",
    "http://api.localhost/a.png",
    "http://[::1]/a.png",
    "http://[fe80::1]/a.png",
    "http://[fd00::5]/a.png",
    "http://[::ffff:127.0.0.1]/a.png",
    "http://2130706433/a.png",  # 127.0.0.1 as one number
    "http://0x7f.1/a.png",  # 127.0.0.1 in hex, short form
    "http://0.0.0.0/a.png",
    "http://100.64.0.1/a.png",  # carrier-grade NAT: not on the internet either
]
ALLOWED = [
    "https://example.com/cat.jpg",
    "https://cdn.aimlapi.com/a/b.png",
    "http://8.8.8.8/a.png",
    "http://172.32.0.1/a.png",  # just past 172.16/12
    "https://[2606:4700:4700::1111]/a.png",
    "https://cafe.face/a.png",  # a name made of hex letters is a name, not an address
]


@pytest.mark.parametrize("url", REFUSED)
def test_private_loopback_and_link_local_hosts_are_refused(url: str) -> None:
    assert private_host(url) is not None
    message = refusal(url)
    assert message is not None and "private or local network" in message


@pytest.mark.parametrize("url", ALLOWED)
def test_public_hosts_pass(url: str) -> None:
    assert private_host(url) is None
    assert refusal(url) is None


def test_only_a_whole_web_address_counts() -> None:
    assert looks_like_web_address("https://example.com/a.png")
    assert not looks_like_web_address("a cat near http://localhost/ in the prompt")
    assert not looks_like_web_address("data:image/png;base64,AAAA")
    assert not looks_like_web_address(5)


def test_validation_puts_the_refusal_under_the_field() -> None:
    model = load_catalogue().get("video-01")
    payload = {"model": "video-01", "prompt": "A cat", "image_url": "http://169.254.169.254/latest/"}
    problems = validate_payload(model, payload)
    assert [p.path for p in problems] == ["image_url"]
    assert "private or local network (169.254.169.254)" in problems[0].message
    assert validate_payload(model, {**payload, "image_url": "https://example.com/cat.jpg"}) == []


def test_a_private_address_inside_a_list_is_refused_at_its_place() -> None:
    catalogue = load_catalogue()
    model = next(m for m in catalogue if m.properties.get("image_urls", {}).get("type") == "array")
    payload = {"model": model.id, "prompt": "x", "image_urls": ["https://example.com/a.png", "http://10.1.2.3/b.png"]}
    paths = [p.path for p in validate_payload(model, payload) if "private" in p.message]
    assert paths == ["image_urls.1"]
