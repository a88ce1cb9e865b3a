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
        help=f"port on {HOST} (default {DEFAULT_PORT}, or the next free one if it is busy)",
    )
    parser.add_argument(
        "--article", default=None, help="open on this seed article (a file name in seeds/, default the ATACMS seed)"
    )


def port_free(port: int, host: str = HOST) -> bool:
    """Whether nothing listens on ``host:port``."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def pick_port(requested: int | None) -> int:
    """``requested`` if given (it must be free), else 8501 or the next free port above it."""
    if requested is not None:
        if not 1 <= requested <= 65535:
            msg = f"--port {requested!r} is not a TCP port; give 1..65535 (e.g. 8501)."
            raise InputError(msg)
        if not port_free(requested):
            msg = f"Port {requested} on {HOST} is in use; stop what runs there or choose another with --port."
            raise InputError(msg)
        return requested
    for port in range(DEFAULT_PORT, DEFAULT_PORT + 50):
        if port_free(port):
            return port
    msg = f"No free port in {DEFAULT_PORT}..{DEFAULT_PORT + 49} on {HOST}; choose one with --port."
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
    port = pick_port(args.port)
    appmap.ensure_static_assets()
    url = f"http://{HOST}:{port}/"
    if article:
        url += f"?article={article}"
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
