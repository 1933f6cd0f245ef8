"""A real OpenID Connect provider for tests and demos, and a studio that signs in through it.

The provider is ``oidc-provider-mock`` (PyPI) run as its own process on a free port of 127.0.0.1: it serves discovery,
authorize (an HTML form asking for the "sub") and token endpoints, and takes users with ``PUT /users/{sub}``. Any
client id and secret are accepted. The studio under test gets an ``[auth]`` section in a secrets file of its own, in a
temporary folder (never the repo's ``.streamlit/``), passed with ``--secrets.files``.

For other tests::

    from tests.oidc import sign_in, sign_out, add_member        # fixtures: oidc_provider, team_studio (conftest)

For a demo (prints the ``[auth]`` section to paste into .streamlit/secrets.toml, and runs until Ctrl-C)::

    bash scripts/oidc.sh --port 9400 --studio-port 8501 --user ana@example.com --user ben@example.com
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import requests

if TYPE_CHECKING:
    from playwright.sync_api import Page

    from tests.browser.conftest import Studio

REPO = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "ada.admin@example.com"  # the team studio's first admin (VIDEO_STUDIO_ADMINS)
SIGN_IN_BUTTON = "Sign in"


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OidcProvider:
    """``python -m oidc_provider_mock`` on its own port; users are added with ``add_user``."""

    log_path: Path
    port: int = field(default_factory=_free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    def start(self) -> None:
        command = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(self.port)]
        env = {**os.environ, "NO_COLOR": "1"}
        with self.log_path.open("ab") as log:
            self.proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            with contextlib.suppress(requests.RequestException):
                if requests.get(self.metadata_url, timeout=2).status_code == 200:
                    return
            time.sleep(0.1)
        tail = self.log_path.read_text(errors="replace")[-3000:] if self.log_path.exists() else ""
        self.stop()
        raise RuntimeError(f"The OIDC provider did not come up on {self.url}.\n{tail}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def add_user(self, email: str, name: str = "") -> None:
        """A person the provider signs in: their "sub" is their email, and the email claim is what the studio reads."""
        claims = {"email": email, "email_verified": True, "name": name or email.split("@")[0].title()}
        response = requests.put(f"{self.url}/users/{quote(email, safe='')}", json=claims, timeout=5)
        response.raise_for_status()


@contextlib.contextmanager
def running_oidc_provider(folder: Path) -> Iterator[OidcProvider]:
    folder.mkdir(parents=True, exist_ok=True)
    provider = OidcProvider(folder / "oidc-provider.log")
    provider.start()
    try:
        yield provider
    finally:
        provider.stop()


def auth_section(provider: OidcProvider, studio_port: int) -> dict[str, str]:
    """The standard Streamlit ``[auth]`` keys for a studio on ``studio_port`` signing in through ``provider``."""
    return {
        "redirect_uri": f"http://127.0.0.1:{studio_port}/oauth2callback",
        "cookie_secret": secrets.token_hex(32),
        "client_id": "video-studio",
        "client_secret": secrets.token_hex(16),
        "server_metadata_url": provider.metadata_url,
    }


def auth_toml(section: dict[str, str]) -> str:
    """``[auth]`` as TOML (JSON strings are valid TOML basic strings for these ASCII values)."""
    return "[auth]\n" + "".join(f"{key} = {json.dumps(value)}\n" for key, value in section.items())


def write_secrets_file(folder: Path, provider: OidcProvider, studio_port: int) -> Path:
    """A secrets.toml holding only ``[auth]``, in ``folder`` (a test's temporary folder), readable by its owner only."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secrets.toml"
    path.write_text(auth_toml(auth_section(provider, studio_port)))
    path.chmod(0o600)
    return path


@contextlib.contextmanager
def signing_in_studio(
    root: Path, provider: OidcProvider, *, admins: Sequence[str] = (ADMIN_EMAIL,), speed: float = 0.2
) -> Iterator[Studio]:
    """A studio (with its offline backend) whose ``[auth]`` signs in through ``provider``; ``admins`` are its
    ``VIDEO_STUDIO_ADMINS`` (each also added to the provider)."""
    from tests.browser.conftest import running_studio  # here, not at the top: the browser conftest imports this module

    port = _free_port()
    secrets_file = write_secrets_file(root / "secrets", provider, port)
    for email in admins:
        provider.add_user(email)
    extra_env = {"VIDEO_STUDIO_ADMINS": ",".join(admins)}
    with running_studio(root, speed=speed, secrets_file=secrets_file, extra_env=extra_env, port=port) as studio:
        yield studio


def add_member(studio: Studio, email: str, role: str = "creator", *, provider: OidcProvider | None = None) -> None:
    """Make ``email`` a member of ``studio`` the way an admin would from the command line (and, given the provider,
    a person it can sign in)."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["VIDEO_STUDIO_HOME"] = str(studio.server.home)
    command = [sys.executable, "-m", "videostudio.team", "add", email, "--role", role]
    done = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise RuntimeError(f"Adding {email} failed: {done.stdout}{done.stderr}")
    if provider is not None:
        provider.add_user(email)


# --------------------------------------------------------------------------------------------- in the browser


def sign_in(page: Page, studio_url: str, email: str, path: str = "") -> None:
    """Open ``studio_url/path`` signed out, press Sign in, and sign in as ``email`` on the provider's form; returns
    once the studio's page at that address has run after the sign-in."""
    from playwright.sync_api import expect

    from tests.browser.conftest import wait_idle

    page.goto(f"{studio_url}/{path}")
    wait_idle(page)
    page.get_by_role("button", name=SIGN_IN_BUTTON).click()
    sub = page.get_by_placeholder("sub")
    expect(sub).to_be_visible()
    sub.fill(email)
    page.get_by_role("button", name="Authorize").click()
    if path:  # Streamlit's sign-in ends on the first page; the studio then goes on to the link
        target = f"{studio_url}/{path}"
        page.wait_for_url(lambda url: url == target)
    else:
        page.wait_for_url(f"{studio_url}/**")
    wait_idle(page)


def sign_out(page: Page) -> None:
    """Press Sign out (in the sidebar, or on the "not a member" page), end the session at the provider as a person
    would (Streamlit sends the browser to the provider's end-session page, which asks), and wait for the sign-in
    page."""
    from playwright.sync_api import expect

    from tests.browser.conftest import wait_idle

    page.get_by_role("button", name="Sign out").click()
    # The way out runs through Streamlit's /auth/logout and the provider's page, two loads of two servers: on a busy
    # machine (the whole suite on two cores) that took over Playwright's 30 s once.
    page.get_by_role("button", name="End session").click(timeout=90_000)
    expect(page.get_by_role("button", name=SIGN_IN_BUTTON)).to_be_visible()
    wait_idle(page)


# --------------------------------------------------------------------------------------------- for a demo


def _stop_on_terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    """Start the provider for a demo, add users, print the ``[auth]`` section, and run until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="scripts/oidc.sh", description=main.__doc__)
    parser.add_argument("--port", type=int, default=9400, help="the provider's port (default 9400)")
    parser.add_argument("--studio-port", type=int, default=8501, help="the studio's port, for redirect_uri")
    parser.add_argument("--user", action="append", default=[], help="an email the provider signs in (repeatable)")
    parser.add_argument("--log", type=Path, default=Path("oidc-provider.log"), help="where the provider logs")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_terminate)  # a `kill` stops the provider too, as Ctrl-C does
    provider = OidcProvider(args.log, port=args.port)
    provider.start()
    try:
        for email in args.user:
            provider.add_user(email)
        print(f"OIDC provider on {provider.url} (log: {args.log}); users: {', '.join(args.user) or 'any sub typed'}")
        print("Put this in .streamlit/secrets.toml (a demo secret, made up for this run):\n")
        print(auth_toml(auth_section(provider, args.studio_port)))
        print("Ctrl-C stops the provider.", flush=True)
        while provider.proc is not None and provider.proc.poll() is None:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        provider.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
