from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from archive.config import DEFAULTS, Settings, default_config_text
from finarchive.errors import ConfigurationError


def test_the_written_config_states_every_default() -> None:
    written = tomllib.loads(default_config_text())
    assert set(written) == set(DEFAULTS)
    for section, values in DEFAULTS.items():
        # [[mail.*]] and [[barcodes.links]] tables are commented examples
        examples = {"accounts", "rules"} if section == "mail" else {"links"} if section == "barcodes" else set()
        assert set(written[section]) == set(values) - examples, section
        for key in set(values) - examples:
            assert written[section][key] == values[key], f"{section}.{key}"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    (tmp_path / "finarchive.toml").write_text('[ocr]\nworkers = 3\nlanguages = "eng"\n', encoding="utf-8")
    settings = Settings.load(tmp_path, environ={"FINARCHIVE_OCR_WORKERS": "5",
                                                "FINARCHIVE_ORIGINALS_REQUIRED": "waybill, upd"})
    assert settings.workers == 5 and settings.languages == "eng"
    assert settings.get("originals", "required") == ["waybill", "upd"]
    assert settings.database_url == f"sqlite:///{tmp_path.resolve() / 'finarchive.db'}"


def test_broken_settings_are_a_configuration_error(tmp_path: Path) -> None:
    (tmp_path / "finarchive.toml").write_text("[ocr\nworkers = ", encoding="utf-8")
    with pytest.raises(ConfigurationError):
        Settings.load(tmp_path, environ={})
    with pytest.raises(ConfigurationError):
        Settings.load(tmp_path / "elsewhere", environ={"FINARCHIVE_OCR_WORKERS": "many"})
