"""The offline backend's video links: signed and expiring, like the API's CDN links.

A link names the job's file key, when it expires and an HMAC of both. The signing secret is made once per state
directory (so links survive a restart) and is private to its owner from its first byte.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import time
import uuid
from pathlib import Path

__all__ = ["SignedLinks"]


class SignedLinks:
    """Makes and checks the signed links to the videos under a base URL."""

    def __init__(self, secret_path: Path, *, ttl: float) -> None:
        self.ttl = float(ttl)  # seconds a link stays valid
        self._secret = _load_secret(secret_path)

    def link(self, base_url: str, key: str, *, expired: bool = False, ending: str = "mp4") -> str:
        """A link to the file ``key`` that expires after ``ttl`` (or expired a minute ago, for a test)."""
        expires = int(time.time()) + (-60 if expired else int(self.ttl))
        return f"{base_url}/files/{key}.{ending}?expires={expires}&signature={self._sign(key, expires)}"

    def refusal(self, key: str, query: dict[str, list[str]]) -> str | None:
        """None when the link is valid now, else why it is refused (in an object store's words)."""
        try:
            expires = int(query["expires"][0])
            signature = query["signature"][0]
        except (KeyError, IndexError, ValueError):
            return "AccessDenied"
        if not hmac.compare_digest(signature, self._sign(key, expires)):
            return "SignatureDoesNotMatch"
        if expires < time.time():
            return "Request has expired"
        return None

    def _sign(self, key: str, expires: int) -> str:
        return hmac.new(self._secret, f"{key}:{expires}".encode(), hashlib.sha256).hexdigest()


def _load_secret(path: Path) -> bytes:
    """The URL-signing secret: made once per state directory, so links survive restarts."""
    with contextlib.suppress(OSError, ValueError):
        return bytes.fromhex(path.read_text().strip())
    part = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # private from its first byte
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_hex(32))
    # A link, not a replace: if another backend made the secret meanwhile, theirs stands.
    with contextlib.suppress(FileExistsError):
        os.link(part, path)
    part.unlink()
    return bytes.fromhex(path.read_text().strip())
