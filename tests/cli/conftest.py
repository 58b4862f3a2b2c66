"""Shared by the CLI tests: an initialised archive named by FINARCHIVE_HOME, and the real app's runner."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from archive.store import Archive
from cli.app import app

runner = CliRunner()


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """Environment naming an initialised, empty archive in tmp_path."""
    env = {"FINARCHIVE_HOME": str(tmp_path / "home")}
    Archive.init(env["FINARCHIVE_HOME"], environ=env).close()
    return env


def run(env: dict[str, str], *args: str):
    """`finarchive ARGS` through the real application, in ``env``."""
    return runner.invoke(app, list(args), env=env, catch_exceptions=False)
