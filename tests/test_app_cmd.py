"""``mapapp app``: it restarts on its port at once, or takes the next free one and says which."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mapapp.cli import app_cmd

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _time_wait_on(port: int) -> None:
    """Leave ``port`` as a server that just stopped leaves it: the server side closed first, so
    its end of the connection sits in TIME_WAIT (about 60 s on Linux). Like Streamlit's server
    (Tornado), it listened with SO_REUSEADDR."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(1)
    cli = socket.create_connection(("127.0.0.1", port))
    conn, _ = srv.accept()
    conn.close()  # the server closes first: TIME_WAIT is on the server's port
    srv.close()
    time.sleep(0.2)
    cli.close()  # the client's FIN: the server's end moves from FIN_WAIT_2 to TIME_WAIT
    time.sleep(0.3)


def test_a_port_in_time_wait_is_free_for_the_app() -> None:
    port = _free_port()
    _time_wait_on(port)
    plain = socket.socket()
    try:
        with pytest.raises(OSError):  # what made a restart fail for ~60 s
            plain.bind(("127.0.0.1", port))
    finally:
        plain.close()
    assert app_cmd.port_free(port)
    assert app_cmd.pick_port(port) == (port, "")


def test_a_port_someone_listens_on_is_replaced_by_the_next_free_one() -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = int(busy.getsockname()[1])
    try:
        assert not app_cmd.port_free(port)
        got, note = app_cmd.pick_port(port)
        assert got != port and app_cmd.port_free(got)
        assert f"port {port} is in use" in note
    finally:
        busy.close()
    with pytest.raises(Exception, match="not a TCP port"):
        app_cmd.pick_port(70000)


def _start(port: int) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, MAPAPP_WARM_BROWSER="0")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapapp", "app", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line


def _serving(port: int, timeout_s: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), 0.5) as s:
                s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
                return s.recv(64).startswith(b"HTTP/1.")
        except OSError:
            time.sleep(0.2)
    return False


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


@pytest.mark.slow
def test_mapapp_app_restarts_on_the_same_port_at_once() -> None:
    port = _free_port()
    proc, line = _start(port)
    held = None
    try:
        assert f"127.0.0.1:{port}/" in line, line
        assert _serving(port)
        # a person's connection still open when the server stops: the server closes it first,
        # leaving its end in TIME_WAIT on the port
        held = socket.create_connection(("127.0.0.1", port), 2)
        held.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.5)
    finally:
        _stop(proc)
        if held is not None:
            time.sleep(0.3)
            held.close()
    t0 = time.monotonic()
    proc, line = _start(port)
    try:
        assert f"127.0.0.1:{port}/" in line and "in use" not in line, line
        assert _serving(port)
        assert time.monotonic() - t0 < 45
    finally:
        _stop(proc)
