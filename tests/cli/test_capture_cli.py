"""`finarchive watch`, `mail`, `coversheet` end to end: through Typer's runner, and as a real service
process that is killed mid-batch (SIGKILL) or stopped (SIGTERM) and restarted."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from archive.config import Settings
from archive.models import Document, DocumentStatus
from archive.store import Archive
from capture.barcodes import CoverSheet, page_codes
from cli.app import app
from tests.factories import make_scan, make_text_pdf

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()

# The service as a process: the real app, as the console script runs it.
SERVICE = (
    "import sys\n"
    "from cli.app import app\n"
    "app(args=sys.argv[1:], prog_name='finarchive')\n"
)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    values = {"FINARCHIVE_HOME": str(home), "FINARCHIVE_OCR_WORKERS": "1", "OMP_THREAD_LIMIT": "1",
              "FINARCHIVE_WATCH_STABLE_SECONDS": "0.3", "FINARCHIVE_WATCH_POLL_INTERVAL": "0.1"}
    Archive.init(home, environ=values).close()
    return values


def _docs(env: dict[str, str]) -> list[tuple[str, str | None, str, str]]:
    with Archive.open(env["FINARCHIVE_HOME"], environ=env) as arc, arc.sessions() as s:
        return sorted((d.filename, d.outlet.code if d.outlet else None, d.status, d.sha256)
                      for d in s.scalars(select(Document)))


def test_coversheet_writes_a_pdf_whose_qr_code_reads_back(tmp_path: Path) -> None:
    out = tmp_path / "cover.pdf"
    result = runner.invoke(app, ["coversheet", "--outlet", "SPB-02", "--type", "waybill", "--order", "ЗК-000781",
                                 "--key", "AB12", "--out", str(out)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (page,) = page_codes(out)
    assert page.cover == CoverSheet(outlet="SPB-02", doc_type="waybill", order_no="ЗК-000781", key="AB12")
    sep = tmp_path / "sep.pdf"
    assert runner.invoke(app, ["coversheet", "--separator", "--out", str(sep)]).exit_code == 0
    assert page_codes(sep)[0].is_separator
    assert runner.invoke(app, ["coversheet"]).exit_code == 2


def test_watch_once_takes_waiting_files_and_exits(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "SPB-01").mkdir(parents=True)
    make_text_pdf(inbox / "SPB-01" / "a.pdf", ["Счёт на оплату № 5 от 01.03.2026"])
    (inbox / "SPB-01" / "b.pdf").write_bytes(b"")  # empty: quarantined
    stale = time.time() - 600
    os.utime(inbox / "SPB-01" / "b.pdf", (stale, stale))  # waiting since long before the run: not mid-write
    result = runner.invoke(app, ["watch", "--inbox", str(inbox), "--once", "--json"], env=env,
                           catch_exceptions=False)
    assert result.exit_code == 10, result.output
    assert '"archived": 1' in result.stdout and '"quarantined": 1' in result.stdout
    assert [d[:2] for d in _docs(env)] == [("a.pdf", "SPB-01")]
    assert not [p for p in inbox.rglob("*") if p.is_file()]


def test_watch_once_says_why_each_bad_file_was_quarantined(env: dict[str, str], tmp_path: Path) -> None:
    """Before, `watch` printed «quarantined (encrypted): …» and its counts, never the reason a person reads
    (the password to remove, the format the content shows), which `import` prints for the same file."""
    from tests.factories import make_encrypted_pdf

    folder = tmp_path / "inbox" / "SPB-01"
    folder.mkdir(parents=True)
    locked = make_encrypted_pdf(folder / "счёт 7.pdf")
    stale = time.time() - 600
    os.utime(locked, (stale, stale))
    result = runner.invoke(app, ["watch", "--inbox", str(tmp_path / "inbox"), "--once"],
                           env={**env, "COLUMNS": "1000"}, catch_exceptions=False)
    assert result.exit_code == 10, result.output
    assert f"{locked}: encrypted — файл защищён паролем" in result.output


def test_watch_without_inbox_is_a_configuration_error(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["watch", "--once"], env=env)
    assert result.exit_code == 3 and "inbox" in result.output


def test_mail_without_accounts_is_a_configuration_error(env: dict[str, str]) -> None:
    result = runner.invoke(app, ["mail", "--once"], env=env)
    assert result.exit_code == 3 and "mail.accounts" in result.output


def _drop_scans(inbox: Path, n: int) -> dict[str, str]:
    (inbox / "MSK-01").mkdir(parents=True)
    hashes = {}
    for i in range(n):
        path = make_scan(inbox / "MSK-01" / f"scan{i}.png", [f"Товарная накладная № {500 + i}", "Итого: 100,00 руб."],
                         size=(900, 500))
        hashes[path.name] = hashlib.sha256(path.read_bytes()).hexdigest()
    return hashes


def _service(env: dict[str, str], inbox: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SERVICE, "watch", "--inbox", str(inbox), "--workers", "1",
                             "--quiet", *extra], cwd=REPO, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for_documents(env: dict[str, str], at_least: int, proc: subprocess.Popen) -> None:
    arc = Archive(Settings.load(env["FINARCHIVE_HOME"], env))  # opened once, no migration check per poll
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            with arc.sessions() as s:
                done = s.scalar(select(func.count(Document.id)).where(Document.status != DocumentStatus.RECEIVED))
            if (done or 0) >= at_least:
                return
            time.sleep(0.02)
    finally:
        arc.close()
    raise AssertionError(f"the service did not archive {at_least} documents (exit {proc.poll()})")


def test_a_service_killed_mid_batch_loses_and_duplicates_nothing_when_restarted(
        env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    hashes = _drop_scans(inbox, 8)
    service = _service(env, inbox)
    try:
        _wait_for_documents(env, 1, service)
    finally:
        service.kill()  # SIGKILL: no chance to tidy up
        service.communicate(timeout=30)
    left = sorted(p.name for p in inbox.rglob("*.png"))
    assert left, "the kill came too late to be mid-batch"

    again = _service(env, inbox, "--once")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    docs = _docs(env)
    assert sorted((name, sha) for name, _, _, sha in docs) == sorted(hashes.items())  # each exactly once
    assert all(outlet == "MSK-01" and status != DocumentStatus.RECEIVED for _, outlet, status, _ in docs)
    assert not list(inbox.rglob("*.png"))
    processed = Path(env["FINARCHIVE_HOME"]) / "processed"
    assert sorted(p.name for p in processed.rglob("*.png")) == sorted(hashes)


def test_sigterm_stops_the_service_cleanly_and_the_rest_waits(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    hashes = _drop_scans(inbox, 5)
    service = _service(env, inbox)
    try:
        _wait_for_documents(env, 1, service)
    except AssertionError:
        service.kill()
        service.communicate(timeout=30)
        raise
    service.send_signal(signal.SIGTERM)
    _, err = service.communicate(timeout=120)
    assert service.returncode == 0, err.decode()
    docs = _docs(env)
    assert all(status != DocumentStatus.RECEIVED for _, _, status, _ in docs)  # nothing half-done
    waiting = sorted(p.name for p in inbox.rglob("*.png"))
    assert sorted([name for name, *_ in docs] + waiting) == sorted(hashes)  # each file archived or still waiting

    again = _service(env, inbox, "--once")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err.decode()
    assert sorted(name for name, *_ in _docs(env)) == sorted(hashes)
