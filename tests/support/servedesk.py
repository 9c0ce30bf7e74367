"""A desk served by `newsdesk serve` in a subprocess on a free port of 127.0.0.1, its log captured."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from newsdesk.desk import open_desk
from newsdesk.desk.users import hash_password
from newsdesk.store.users import add_user

from .commandline import newsdesk
from .deskfixture import T0


@dataclass(frozen=True)
class Served:
    base: str
    port: int
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, text: str, count: int = 1, seconds: float = 20.0) -> str:
        """The log once ``text`` appears in it ``count`` times (fails after ``seconds``)."""
        deadline = time.monotonic() + seconds
        while True:
            log = self.log_text()
            if log.count(text) >= count:
                return log
            assert time.monotonic() < deadline, f"{text!r} not logged {count} times in {seconds} s:\n{log}"
            time.sleep(0.05)


def make_desk(path: Path, database_url: str, users: dict[str, str], **web: str) -> Path:
    """A fresh desk at ``path`` on ``database_url`` with these editors (name: password) and [web] settings."""
    code, _out, err = newsdesk("init", path, "--database", database_url)
    assert code == 0, err
    with open_desk(path, os.environ) as opened, opened.store.transaction() as conn:
        for name, password in users.items():
            add_user(conn, name, "editor", hash_password(password), actor="test", now=T0)
    toml = path / "newsdesk.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in web.items():
        lines = [line for line in text.splitlines() if line.startswith(f"{key} = ")]
        assert len(lines) == 1, key
        text = text.replace(lines[0], f"{key} = {value}")
    toml.write_text(text, encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(desk: Path, log: Path) -> Iterator[Served]:
    """`newsdesk serve --desk DESK` until the block ends (then stopped with Ctrl-C); its stderr goes to ``log``."""
    port = free_port()
    command = [sys.executable, "-m", "newsdesk.cli", "serve", "--desk", str(desk), "--port", str(port)]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=sink)
    served = Served(f"http://127.0.0.1:{port}", port, log)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, served.log_text()
            try:
                httpx.get(served.base + "/robots.txt", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "newsdesk serve did not answer in 60 s"
                time.sleep(0.1)
        yield served
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
