"""The core (`pip install mapapp`) geoparses, draws rings and reads/writes files without the optional
extras ([app]: streamlit; [snapshot]: playwright, matplotlib; [ingest]: dask), and a command that
needs a missing extra says which one to install."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SEED = Path(__file__).resolve().parent.parent / "seeds" / "2024-11-17-atacms-inside-russia.txt"

# run Python with the optional packages made unimportable (as if not installed)
BLOCK = """
import sys
for name in ("streamlit", "streamlit_folium", "playwright", "matplotlib", "dask", "distributed"):
    sys.modules[name] = None
from mapapp.cli.main import main
raise SystemExit(main(sys.argv[1:]))
"""


def _core(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", BLOCK, *args], capture_output=True, text=True, timeout=300, check=False, cwd=cwd
    )


def test_core_commands_run_without_the_extras(tmp_path: Path) -> None:
    out = _core("geoparse", str(SEED), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "Kursk" in out.stdout
    out = _core("ring", "--at", "Sumy", "--weapon", "atacms", "--compact", cwd=tmp_path)
    assert out.returncode == 0 and '"Polygon"' in out.stdout, out.stderr
    out = _core("events", str(SEED), "--format", "csv", cwd=tmp_path)
    assert out.returncode == 0 and "ATACMS" in out.stdout, out.stderr
    html = tmp_path / "map.html"
    out = _core("snapshot", "--out", str(html), "--weapon", "atacms", "--at", "Sumy", cwd=tmp_path)
    assert out.returncode == 0 and html.stat().st_size > 10_000, out.stderr


def test_a_command_needing_an_extra_names_it(tmp_path: Path) -> None:
    out = _core("ingest", str(SEED), "--store", str(tmp_path / "s"), cwd=tmp_path)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr and "mapapp[ingest]" in out.stderr
    out = _core("snapshot", "--out", str(tmp_path / "m.png"), "--weapon", "atacms", "--at", "Sumy", cwd=tmp_path)
    assert out.returncode != 0 and "Traceback" not in out.stderr and "mapapp[snapshot]" in out.stderr
    out = _core("app", "--help", cwd=tmp_path)  # help works; starting needs streamlit
    assert out.returncode == 0
