"""Each command loads only what it uses: the light commands never import OCR, imaging, the web framework,
the classifier or the task queue (their start-up was most of `finarchive stats`' second at 1M documents)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# the console script's `from cli.app import main; main()`, with the modules loaded by the end written to a file
PROBE = """
import atexit, json, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
sys.argv[0] = "finarchive"
from cli.app import main
if len(sys.argv) > 1:
    main()
"""

# the top-level packages of the heavy dependencies and of our own packages that load them
HEAVY = {
    "cv2",
    "numpy",
    "PIL",
    "pytesseract",
    "tesserocr",
    "pypdfium2",
    "pdfplumber",
    "zxingcpp",  # reading pages
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",  # the web desk
    "celery",
    "kombu",
    "redis",  # the page queue
    "sklearn",  # the classifier's models
    "capture",
    "classify",
    "web",
}


def _loaded(env: dict[str, str], tmp_path: Path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        check=False,
        env={**os.environ, **env},
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return {name.split(".")[0] for name in json.loads(out.read_text())}


@pytest.mark.parametrize(
    "args", [(), ("--help",), ("stats",), ("stats", "--json")], ids=["import", "help", "stats", "stats-json"]
)
def test_light_commands_load_no_heavy_module(env: dict[str, str], tmp_path: Path, args: tuple[str, ...]) -> None:
    loaded = _loaded(env, tmp_path, *args)
    assert not loaded & (HEAVY | {"tantivy", "search"}), sorted(loaded & (HEAVY | {"tantivy", "search"}))
    if args[:1] == ("stats",):
        assert "sqlalchemy" in loaded  # the probe ran the command, not only the import
    else:
        assert "sqlalchemy" not in loaded  # the help and the import open no database


def test_search_loads_its_index_and_nothing_of_capture_or_the_web(env: dict[str, str], tmp_path: Path) -> None:
    loaded = _loaded(env, tmp_path, "search", "накладная", "--json")
    assert "tantivy" in loaded  # the default embedded backend
    assert not loaded & HEAVY, sorted(loaded & HEAVY)
