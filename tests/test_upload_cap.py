"""The uploader's cap leaves room for big photos, which the studio shrinks rather than refuses."""

from __future__ import annotations

import tomllib

from tests.conftest import REPO


def test_the_uploader_takes_a_50_mb_photo() -> None:
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] >= 200
