"""``finarchive watch`` as a service starts its OCR pool when it starts: the workers are forked (from the fork
server that imported the reading code) before the first file arrives, which is then read by them."""

from __future__ import annotations

import select
import signal
import time
from pathlib import Path

from tests.factories import WAYBILL_LINES, make_scan
from tests.faults.conftest import documents, spawn


def test_the_service_has_its_ocr_workers_up_before_the_first_file(tmp_path: Path, home: Path) -> None:
    inbox = tmp_path / "inbox"
    (inbox / "SPB-01").mkdir(parents=True)
    watch = spawn(home, "watch", "--inbox", str(inbox), "--stable", "0.3", "--no-mail", "--workers", "2")
    try:
        assert watch.stderr is not None
        said = ""
        deadline = time.monotonic() + 120
        while "watching" not in said and time.monotonic() < deadline and watch.poll() is None:
            if select.select([watch.stderr], [], [], 1.0)[0]:
                said += watch.stderr.readline()
        assert "watching" in said and "2 OCR workers up" in said, said  # before any file: the inbox is empty
        assert documents(home) == []
        make_scan(inbox / "SPB-01" / "waybill.png", WAYBILL_LINES)
        deadline = time.monotonic() + 180
        while not documents(home) and time.monotonic() < deadline:
            time.sleep(0.5)
    finally:
        watch.send_signal(signal.SIGTERM)
        _, err = watch.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert [status for _, status, _ in documents(home)] != [], err[-3000:]
