"""Errors are mapped once: every exception of every command becomes one exit code of `ExitCode`."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from cli._common import HandledGroup
from cli.app import app
from finarchive.errors import EXIT_CODE_MEANINGS, ExitCode, FinarchiveError, NotFoundError
from tests.cli.conftest import run

runner = CliRunner()


def _subclasses(cls: type[FinarchiveError]) -> list[type[FinarchiveError]]:
    out: list[type[FinarchiveError]] = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_every_error_of_every_package_names_a_documented_exit_code() -> None:
    for package in ("archive", "capture", "classify", "search", "cli", "web"):
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(module.__path__, f"{package}."):
            if "migrations" not in info.name:
                importlib.import_module(info.name)
    errors = _subclasses(FinarchiveError)
    assert len(errors) > 10
    for error in errors:
        assert error.exit_code in set(ExitCode), error
    assert set(EXIT_CODE_MEANINGS) == set(ExitCode)


def test_help_lists_every_exit_code_with_its_meaning() -> None:
    text = " ".join(runner.invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout.split())
    for code, meaning in EXIT_CODE_MEANINGS.items():
        assert f"{int(code)} {meaning}" in text


def test_an_error_of_a_command_is_one_line_and_its_code(env: dict[str, str]) -> None:
    result = run(env, "show", "999")
    assert result.exit_code == ExitCode.NOT_FOUND == NotFoundError.exit_code
    assert "Traceback" not in result.output
    assert result.stderr.startswith("error:") and "999" in result.stderr


def test_an_error_in_a_sub_app_is_mapped_by_the_same_handler(env: dict[str, str], tmp_path: Path) -> None:
    result = run(env, "orders", "import", str(tmp_path / "no-such.csv"))
    assert result.exit_code in (ExitCode.BAD_INPUT, ExitCode.NOT_FOUND)
    assert "Traceback" not in result.output and result.stderr.startswith("error:")


def test_a_missing_archive_is_a_configuration_error(tmp_path: Path) -> None:
    result = run({"FINARCHIVE_HOME": str(tmp_path / "nowhere")}, "stats")
    assert result.exit_code == ExitCode.CONFIGURATION


# A separate root group with commands that raise what no finarchive command raises on purpose: the handler
# itself, on the cases a real command reaches only through a bug or the user's Ctrl-C.
probe = typer.Typer(cls=HandledGroup, add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@probe.command()
def bug() -> None:
    """Fails as a bug does."""
    raise ZeroDivisionError("division by zero in a probe")


@probe.command()
def interrupted() -> None:
    """Interrupted by the user."""
    raise KeyboardInterrupt


@probe.command()
def usage(count: int) -> None:
    """Takes a number."""


@pytest.mark.parametrize(("command", "code", "said"), [
    (["bug"], ExitCode.UNEXPECTED, "unexpected error"),
    (["interrupted"], ExitCode.INTERRUPTED, "interrupted"),
    (["usage", "many"], 2, "Invalid value"),  # click's own usage errors keep click's code 2
])
def test_the_handler_maps_bugs_interruptions_and_usage_errors(command: list[str], code: int, said: str) -> None:
    result = runner.invoke(probe, command, catch_exceptions=False)
    assert result.exit_code == code
    assert said in result.stderr


def test_a_bug_prints_its_traceback_for_the_report() -> None:
    result = runner.invoke(probe, ["bug"], catch_exceptions=False)
    assert "Traceback" in result.stderr and "ZeroDivisionError" in result.stderr
