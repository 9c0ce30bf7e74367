"""The desk as `newsdesk serve` runs it, over real sockets: concurrent logins keep to the rate limit, stalled
clients are cut off, and a client that hangs up mid-post costs one line in the log."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from tests.support.servedesk import Served, make_desk, serving

EDITOR, PASSWORD = "ada", "a long enough password"
TIMEOUT = 2.0  # web.header_timeout_seconds and web.body_timeout_seconds of the served desk


def login_token(served: Served) -> tuple[str, str]:
    """The login form's cookie and hidden token (the pair every login post must carry)."""
    page = httpx.get(served.base + "/desk/login")
    token = re.search(r'name="csrf" value="([^"]*)"', page.text)
    assert token is not None
    return page.cookies["newsdesk_login"], token.group(1)


def burst(served: Served, logins: list[tuple[str, str, str]]) -> list[int]:
    """Post every (name, password, forwarded address) login at once, one thread and connection each; the statuses."""
    cookie, token = login_token(served)
    start = threading.Barrier(len(logins))
    statuses: list[int] = [0] * len(logins)

    def post(n: int, name: str, password: str, address: str) -> None:
        with httpx.Client(base_url=served.base, cookies={"newsdesk_login": cookie}, timeout=60) as client:
            start.wait()
            answer = client.post(
                "/desk/login",
                data={"csrf": token, "next": "/desk/", "name": name, "password": password},
                headers={"x-forwarded-for": address},
            )
            statuses[n] = answer.status_code

    threads = [threading.Thread(target=post, args=(n, *login)) for n, login in enumerate(logins)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def test_a_burst_of_concurrent_logins_checks_no_more_passwords_than_allowed(database_url: str, tmp_path: Path) -> None:
    desk = make_desk(tmp_path / "desk", database_url, {EDITOR: PASSWORD}, trusted_proxy="true")
    with serving(desk, tmp_path / "serve.log") as served:
        # 25 wrong passwords for one name at once, each from its own address: 5 are checked, 20 refused unchecked.
        statuses = burst(served, [(EDITOR, f"wrong password {n}", f"198.51.100.{n}") for n in range(25)])
        assert Counter(statuses) == {401: 5, 429: 20}
        # The right password, from yet another address, after the limit: refused, not logged in.
        assert burst(served, [(EDITOR, PASSWORD, "198.51.100.200")]) == [429]
        # 30 names guessed at once from one address: 5 are checked.
        statuses = burst(served, [(f"guess{n}", "whatever it is", "203.0.113.9") for n in range(30)])
        assert Counter(statuses) == {401: 5, 429: 25}
        assert "Traceback" not in served.log_text()


@pytest.fixture(scope="module")
def slow_desk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("slow") / "desk"
    return make_desk(
        path, f"sqlite:///{path.parent / 'store.db'}", {EDITOR: PASSWORD},
        header_timeout_seconds=str(TIMEOUT), body_timeout_seconds=str(TIMEOUT),
    )  # fmt: skip


def connect(served: Served, sent: bytes) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
    if sent:
        sock.sendall(sent)
    return sock


def closed_by_server(sock: socket.socket, deadline: float) -> bool:
    """Whether the server closes the connection before ``deadline`` (what it answered before closing is ignored)."""
    try:
        while True:
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            if not sock.recv(65536):
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False
    finally:
        sock.close()


MID_HEADERS = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow"
MID_BODY = (
    b"POST /desk/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
    b"Content-Length: 1000\r\n\r\nname=ada&password="
)


def test_clients_that_stall_mid_headers_or_mid_body_are_cut_off(slow_desk: Path, tmp_path: Path) -> None:
    with serving(slow_desk, tmp_path / "serve.log") as served:
        opened = time.monotonic()
        stalled = [connect(served, b"") for _ in range(20)]  # connected, sent nothing
        stalled += [connect(served, MID_HEADERS) for _ in range(40)]
        stalled += [connect(served, MID_BODY) for _ in range(40)]
        deadline = opened + TIMEOUT + 15
        still_open = [n for n, sock in enumerate(stalled) if not closed_by_server(sock, deadline)]
        assert still_open == []
        # A body that keeps coming, slower in all than the timeout but never stalling that long, is read whole.
        with connect(served, MID_BODY.replace(b"1000", b"30").replace(b"name=ada&password=", b"")) as steady:
            for _ in range(26):  # 2.6 s in all, never more than 0.1 s between bytes
                time.sleep(TIMEOUT / 20)
                steady.sendall(b"x")
            steady.sendall(b"&n=1")  # 30 bytes in all
            steady.settimeout(10)
            assert steady.recv(65536).startswith(b"HTTP/1.1 403 ")  # no login token: refused, but answered
        # The server still answers, and the stalled bodies cost one line each, no traceback.
        assert httpx.get(served.base + "/robots.txt").status_code == 200
        log = served.wait_for_log("hung up before sending all of POST '/desk/login'", count=40)
        assert "Traceback" not in log


def test_a_client_hanging_up_mid_post_costs_one_line_in_the_log(slow_desk: Path, tmp_path: Path) -> None:
    with serving(slow_desk, tmp_path / "serve.log") as served:
        with connect(served, MID_BODY):
            pass  # and hangs up
        log = served.wait_for_log("hung up before sending all of POST '/desk/login'")
        assert httpx.get(served.base + "/robots.txt").status_code == 200
    log = served.log_text()
    lines = [line for line in log.splitlines() if "hung up" in line]
    assert len(lines) == 1, log
    assert "Traceback" not in log, log
    assert "ClientDisconnect" not in log, log
