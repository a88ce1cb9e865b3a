"""``mapapp app``: start the Streamlit app on 127.0.0.1 and print its URL.

Runs ``python -m streamlit run mapapp/app/page.py`` with the settings of the repository's
``.streamlit/config.toml`` given as flags too (loopback only, headless, no usage statistics,
static serving on), so they hold whatever the current directory is. Ctrl-C stops the server.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

from mapapp import settings
from mapapp.errors import InputError

DEFAULT_PORT = 8501
HOST = "127.0.0.1"
#: Environment variable telling the app which seed article to open on (set by ``--article``).
ARTICLE_ENV = "MAPAPP_ARTICLE"

#: Streamlit options that keep the app local and quiet (mirrors .streamlit/config.toml).
STREAMLIT_FLAGS: tuple[tuple[str, str], ...] = (
    ("server.address", HOST),
    ("server.headless", "true"),
    ("server.enableStaticServing", "true"),
    ("server.runOnSave", "false"),
    ("server.fileWatcherType", "none"),
    ("server.maxUploadSize", "50"),
    ("browser.gatherUsageStats", "false"),
    ("browser.serverAddress", HOST),
    ("global.developmentMode", "false"),
    ("client.toolbarMode", "minimal"),
    ("client.showErrorDetails", "false"),
    ("theme.base", "light"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help=f"port on {HOST} (default {DEFAULT_PORT}); if it is busy the next free one is used and named",
    )
    parser.add_argument(
        "--article", default=None, help="open on this seed article (a file name in seeds/, default the ATACMS seed)"
    )


def port_free(port: int, host: str = HOST) -> bool:
    """Whether ``host:port`` can be served now: nothing listens there. Connections of a server
    that just stopped (TIME_WAIT) do not count: the check binds with ``SO_REUSEADDR``, as the
    server itself does, so ``mapapp app`` restarts on its port at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
            s.listen(1)
        except OSError:
            return False
    return True


def pick_port(requested: int | None) -> tuple[int, str]:
    """The port to serve on and a note for the person ("" when it is the one they asked for).

    ``requested`` if it is free, else the next free port above it (8501 and up by default); the
    note says which port was taken instead and why.
    """
    if requested is not None and not 1 <= requested <= 65535:
        msg = f"--port {requested!r} is not a TCP port; give 1..65535 (e.g. 8501)."
        raise InputError(msg)
    first = requested if requested is not None else DEFAULT_PORT
    for port in range(first, min(first + 50, 65536)):
        if port_free(port):
            return port, "" if port == first else f"port {first} is in use (another program listens there); "
    msg = f"No free port in {first}..{min(first + 49, 65535)} on {HOST}; choose one with --port."
    raise InputError(msg)


def command(port: int) -> list[str]:
    """The streamlit command line (argv) for ``port``."""
    script = Path(__file__).resolve().parent.parent / "app" / "page.py"
    argv = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port)]
    for key, value in STREAMLIT_FLAGS:
        argv += [f"--{key}", value]
    return argv


def run(args: argparse.Namespace) -> int:
    from mapapp.app import mapview as appmap
    from mapapp.maps import viewstate as appstate

    article = args.article
    if article is not None:
        name = Path(article).name
        if name not in appstate.seed_files(appstate.seed_dir()):
            msg = (
                f"--article {article!r} is not in seeds/; expected one of "
                f"{', '.join(appstate.seed_files(appstate.seed_dir()))}."
            )
            raise InputError(msg)
        article = name
    port, note = pick_port(args.port)
    appmap.ensure_static_assets()
    url = f"http://{HOST}:{port}/"
    if article:
        url += f"?article={article}"
    if note:
        print(f"mapapp: {note}serving on port {port} instead.", flush=True)
    env = dict(os.environ, STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    if article:
        env[ARTICLE_ENV] = article
    print(f"mapapp: serving on {url}  (Ctrl-C to stop)", flush=True)
    proc = subprocess.Popen(
        command(port),
        env=env,
        stdout=subprocess.DEVNULL if not settings.get("MAPAPP_VERBOSE") else None,
        start_new_session=False,
    )

    def _on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _on_term)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        print("mapapp: stopped.", file=sys.stderr)
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
