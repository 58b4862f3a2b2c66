"""The CPU profile by stage (capture/stages.py) that bench/throughput.py prints."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from capture import read_document, stages
from capture.stages import STAGE_LOG_ENV, read_log, stage


def test_nested_stages_charge_each_second_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "stages.jsonl"
    monkeypatch.setenv(STAGE_LOG_ENV, str(log))

    def burn(seconds: float) -> None:
        end = time.thread_time() + seconds
        while time.thread_time() < end:
            pass

    with stage("outer"):
        burn(0.05)
        with stage("inner"):
            burn(0.1)
    stages.flush("test")
    spent = read_log(log)
    assert 0.09 <= spent["inner"] < 0.2
    assert 0.04 <= spent["outer"] < 0.1  # the inner stage's time is not charged to the outer one too
    assert json.loads(log.read_text(encoding="utf-8"))["kind"] == "test"


def test_a_page_read_by_ocr_charges_its_stages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               waybill_png: Path) -> None:
    log = tmp_path / "stages.jsonl"
    monkeypatch.setenv(STAGE_LOG_ENV, str(log))
    started = stages.cpu_now()
    read_document(waybill_png, derived_dir=tmp_path / "derived")
    whole = stages.cpu_now() - started
    spent = read_log(log)
    assert {"decode", "clean", "ocr", "derived files"} <= set(spent)
    assert spent["ocr"] > max(v for k, v in spent.items() if k != "ocr")  # tesseract's run, child process included
    assert sum(spent.values()) <= whole + 0.01


def test_nothing_is_written_when_the_profile_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    waybill_png: Path) -> None:
    monkeypatch.delenv(STAGE_LOG_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    before = set(tmp_path.rglob("*"))
    with stage("outer"):
        read_document(waybill_png)
    stages.flush("test")
    assert set(tmp_path.rglob("*")) == before
