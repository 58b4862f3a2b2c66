"""Fixtures of the capture tests."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# tests/ is on sys.path (rootdir conftest), so its folder tests/capture would shadow the real
# package `capture` as a namespace package; the repository root on sys.path lets the real one win.
REPO = str(Path(__file__).resolve().parents[2])
if REPO not in sys.path:
    sys.path.append(REPO)
if getattr(sys.modules.get("capture"), "__file__", "") is None:
    del sys.modules["capture"]

from capture_factories import text_image  # noqa: E402


@pytest.fixture
def waybill_png(tmp_path: Path) -> Path:
    path = tmp_path / "waybill.png"
    text_image().save(path, dpi=(200, 200))
    return path
