"""Page reading on real Celery workers over a real Redis, started on loopback for this module.

The fixture starts ``redis-server`` on a free port and one ``celery -A capture.celery_executor worker
--concurrency 2`` subprocess consuming a queue of its own; both are stopped in teardown. Without
redis-server or celery the tests are skipped with that reason.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

celery = pytest.importorskip("celery", reason="Celery is not installed (pip install 'celery[redis]')")
redis = pytest.importorskip("redis", reason="the redis client is not installed (pip install 'celery[redis]')")

from capture import PageJob, WorkerCrashedError, plan_pages, read_page  # noqa: E402
from capture.celery_executor import (  # noqa: E402
    BrokerUnavailableError,
    CeleryExecutor,
    DistributedError,
    TaskTimeoutError,
    make_app,
)
from capture_factories import image_pdf, text_image  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
QUEUE = f"finarchive.test.{os.getpid()}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(what: str, ready, process: subprocess.Popen[bytes], log: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if ready():
            return
        time.sleep(0.1)
    tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    pytest.fail(f"{what} did not start (exit code {process.poll()}):\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@contextlib.contextmanager
def _redis_server(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A throw-away redis-server on a free loopback port, in the foreground of a subprocess we own."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install -y redis-server)")
    port = _free_port()
    log = folder / "redis.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--daemonize", "no", "--dir", str(folder)],
            stdout=out, stderr=subprocess.STDOUT,
        )
    client = redis.Redis(host="127.0.0.1", port=port)

    def ping() -> bool:
        try:
            return bool(client.ping())
        except redis.exceptions.ConnectionError:
            return False

    try:
        _wait("redis-server", ping, process, log)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        client.close()
        _stop(process)


@pytest.fixture(scope="module")
def broker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with _redis_server(tmp_path_factory.mktemp("redis")) as (url, _):
        yield url


@pytest.fixture(scope="module")
def worker(broker_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One Celery worker subprocess (2 processes) consuming QUEUE; yields the broker URL."""
    log = tmp_path_factory.mktemp("celery") / "worker.log"
    # the reading hook stands in for native code stuck on a file (tests/faults/hooks.py): only on a marked file
    env = dict(os.environ, FINARCHIVE_OCR_BROKER_URL=broker_url, OMP_THREAD_LIMIT="1", PYTHONPATH=str(REPO),
               FINARCHIVE_READING_HOOK="tests.faults.hooks:stuck_in_native_code")
    if os.geteuid() == 0:
        env["C_FORCE_ROOT"] = "1"  # Celery refuses pickle as root; production workers run as a plain user
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "capture.celery_executor", "worker", "--concurrency", "2",
             "--pool", "prefork", "-Q", QUEUE, "--without-gossip", "--without-mingle", "--loglevel", "WARNING"],
            cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    app = make_app(broker_url, queue=QUEUE)
    try:
        _wait("the Celery worker", lambda: bool(app.control.ping(timeout=0.5)), process, log)
        yield broker_url
    finally:
        app.close()
        _stop(process)


def _executor(url: str, **options) -> CeleryExecutor:
    return CeleryExecutor(url, queue=QUEUE, **({"stall_timeout": 60.0} | options))


def test_pages_of_several_documents_are_read_on_workers(worker: str, tmp_path: Path) -> None:
    docs = [
        image_pdf(tmp_path / f"doc{i}.pdf", [text_image([f"Накладная № {i}0{j}", "Поставщик ООО Ромашка"])
                                             for j in range(2)])
        for i in range(2)
    ]
    jobs = [job for doc in docs for job in plan_pages(doc)]
    missing = PageJob(path=str(tmp_path / "gone.png"), kind="image", index=0)
    jobs.insert(2, missing)
    with _executor(worker, prefetch=3) as executor:
        out = list(executor.map_unordered(read_page, jobs))

    assert sorted((job.path, job.index) for job, _ in out) == sorted((job.path, job.index) for job in jobs)
    results = {(Path(job.path).name, job.index): result for job, result in out}
    failure = results.pop(("gone.png", 0))
    assert isinstance(failure, BaseException) and "gone.png" in str(failure)
    for (name, index), result in results.items():
        assert not isinstance(result, BaseException), result
        assert result.page.error is None and result.page.number == index + 1
        assert f"№ {name[3]}0{index}" in result.page.text and "Ромашка" in result.page.text


def test_every_item_comes_back_exactly_once_with_errors_as_results(worker: str) -> None:
    items = [float(n) for n in range(-6, 30)]
    with _executor(worker, prefetch=4) as executor:
        out = list(executor.map_unordered(math.sqrt, items))
    assert sorted(item for item, _ in out) == items
    results = dict(out)
    assert {k: v for k, v in results.items() if k >= 0} == {k: math.sqrt(k) for k in items if k >= 0}
    assert all(isinstance(results[k], ValueError) for k in items if k < 0)


def test_no_more_than_prefetch_jobs_are_in_flight(worker: str) -> None:
    client = redis.Redis.from_url(worker)
    waiting: list[int] = []
    with _executor(worker, prefetch=3) as executor:
        for _ in executor.map_unordered(time.sleep, [0.2] * 8):
            waiting.append(client.llen(QUEUE))  # jobs sent and not yet taken by the worker
    client.close()
    # the worker holds two (its two processes); sending all eight at once would leave six waiting
    assert len(waiting) == 8 and max(waiting) <= 1


def test_a_job_that_kills_its_worker_process_comes_back_as_worker_crashed(worker: str) -> None:
    with _executor(worker) as executor:
        out = dict(executor.map_unordered(os._exit, [3]))
        assert isinstance(out[3], WorkerCrashedError)
        # the worker replaces its process and goes on working
        assert dict(executor.map_unordered(abs, [-1, -2])) == {-1: 1, -2: 2}


def test_a_job_past_its_time_limit_is_stopped(worker: str) -> None:
    with _executor(worker, task_timeout=0.5) as executor:
        out = dict(executor.map_unordered(time.sleep, [30, 0]))
    assert out[0] is None
    assert isinstance(out[30], TaskTimeoutError)


def test_a_job_stuck_where_its_soft_limit_cannot_reach_is_killed_answered_and_not_run_again(
        worker: str, broker_url: str) -> None:
    """A job stuck in native code never sees the soft limit's signal: the worker's hard limit kills its process.
    It comes back as the page's timeout («timeout after N s», page_timeout), its message is acknowledged (none
    left unacknowledged for Redis to deliver again after the visibility timeout: no retry for ever), and the
    worker goes on with the other jobs."""
    from capture.executor import JobTimeoutError
    from tests.faults.hooks import stuck_job

    started = time.monotonic()
    with _executor(worker, task_timeout=0.5) as executor:
        out = dict(executor.map_unordered(stuck_job, [3, 0, 4]))
        assert dict(executor.map_unordered(stuck_job, [5])) == {5: 10}  # the worker replaced its process
    assert {k: v for k, v in out.items() if k} == {3: 6, 4: 8}
    assert isinstance(out[0], JobTimeoutError) and out[0].reason == "page_timeout"
    assert str(out[0]).startswith("timeout after 0.5 s") and "killed" in str(out[0])
    assert time.monotonic() - started < 30
    client = redis.Redis.from_url(broker_url)
    assert client.hlen("unacked") == 0 and client.llen(QUEUE) == 0
    client.close()


def test_jobs_nobody_consumes_come_back_as_timeouts(broker_url: str) -> None:
    with CeleryExecutor(broker_url, queue="finarchive.test.nobody", stall_timeout=0.3) as executor:
        out = dict(executor.map_unordered(abs, [-1, -2, -3]))
    assert set(out) == {-1, -2, -3}
    assert all(isinstance(v, TaskTimeoutError) for v in out.values())


def test_an_unreachable_broker_is_a_clear_error() -> None:
    with (CeleryExecutor(f"redis://127.0.0.1:{_free_port()}/0") as executor,
          pytest.raises(BrokerUnavailableError, match="cannot send jobs")):
        list(executor.map_unordered(abs, [1]))


def test_a_broker_lost_mid_run_ends_as_timeouts_then_a_clear_error(tmp_path: Path) -> None:
    with _redis_server(tmp_path) as (url, process):

        def items() -> Iterator[int]:
            yield -1
            yield -2
            _stop(process)  # Redis goes away with both jobs in flight

        with CeleryExecutor(url, queue="finarchive.test.nobody", stall_timeout=0.3) as executor:
            out = dict(executor.map_unordered(abs, items()))
            assert set(out) == {-1, -2}
            assert all(isinstance(v, TaskTimeoutError) for v in out.values())
            with pytest.raises(BrokerUnavailableError):
                list(executor.map_unordered(abs, [1]))


def test_only_module_level_functions_can_be_sent() -> None:
    with CeleryExecutor("redis://127.0.0.1:1/0") as executor, pytest.raises(DistributedError, match="module-level"):
        list(executor.map_unordered(lambda n: n, [1]))


def test_finarchive_worker_entry_point_serves_its_queue(broker_url: str, tmp_path: Path) -> None:
    queue = f"{QUEUE}.entry"
    env = dict(os.environ, C_FORCE_ROOT="1") if os.geteuid() == 0 else dict(os.environ)
    code = (f"from capture.celery_executor import run_worker; "
            f"run_worker({broker_url!r}, concurrency=1, queue={queue!r}, loglevel='WARNING')")
    with (tmp_path / "worker.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
    try:
        # the job waits in the queue until the worker is up
        with CeleryExecutor(broker_url, queue=queue, stall_timeout=30.0) as executor:
            assert dict(executor.map_unordered(abs, [-5, 6])) == {-5: 5, 6: 6}
    finally:
        _stop(process)


def test_pipeline_archives_documents_read_on_celery_workers(worker: str, sqlite_archive, tmp_path: Path) -> None:
    from sqlalchemy import select

    from archive.models import Document, DocumentStatus
    from archive.pipeline import Pipeline
    from tests.factories import WAYBILL_LINES, make_scan, make_text_pdf

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_scan(inbox / "waybill.png", WAYBILL_LINES)
    make_text_pdf(inbox / "invoice.pdf", [
        "СЧЁТ НА ОПЛАТУ № 118 от 02.03.2026",
        "Поставщик: ООО «Ромашка», ИНН 7707083893, КПП 773601001",
        "Итого к оплате: 12 000,00 руб., в том числе НДС 20%: 2 000,00 руб.",
    ])
    with _executor(worker, prefetch=4) as executor:
        summary = Pipeline(sqlite_archive, executor, actor="tester").import_paths([inbox])

    assert (summary.files, summary.archived, summary.failed, summary.quarantined) == (2, 2, 0, 0)
    with sqlite_archive.sessions() as s:
        docs = {d.filename: d for d in s.scalars(select(Document))}
        scan, pdf = docs["waybill.png"], docs["invoice.pdf"]
        assert scan.status in (DocumentStatus.PROCESSED, DocumentStatus.NEEDS_REVIEW)
        assert scan.doc_type == "waybill" and pdf.doc_type == "invoice"
        assert "4521" in scan.pages[0].text and scan.pages[0].text_source == "ocr"
        # the worker wrote the derived files into the (shared) blob folder
        assert sqlite_archive.blobs.path(scan.pages[0].thumbnail).exists()
        assert pdf.pages[0].text_source == "pdf_text"


def test_a_file_stuck_on_a_celery_worker_is_quarantined_as_a_timeout_and_the_batch_goes_on(
        worker: str, sqlite_archive, tmp_path: Path) -> None:
    """A page stuck in native code on a worker (the reading hook, tests/faults/hooks.py, on a marked PDF) is killed
    by the worker's hard limit; its file is quarantined page_timeout «timeout after 1 s», the other file archived,
    both files the user gave still there."""
    from sqlalchemy import select

    from archive.models import Document, IntakeRecord
    from archive.pipeline import Pipeline
    from tests.factories import make_text_pdf
    from tests.faults.hooks import mark_stuck

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    make_text_pdf(inbox / "good.pdf", ["СЧЁТ НА ОПЛАТУ № 9 от 02.03.2026", "Итого к оплате: 900,00 руб."])
    mark_stuck(make_text_pdf(inbox / "stuck.pdf", ["СЧЁТ НА ОПЛАТУ № 10 от 02.03.2026"]), "page")
    with _executor(worker, task_timeout=1.0) as executor:
        summary = Pipeline(sqlite_archive, executor, actor="tester").import_paths([inbox])

    assert (summary.files, summary.archived, summary.quarantined) == (2, 1, 1)
    with sqlite_archive.sessions() as s:
        assert [d.filename for d in s.scalars(select(Document))] == ["good.pdf"]
        row = s.scalars(select(IntakeRecord).where(IntakeRecord.filename == "stuck.pdf")).one()
        assert (row.outcome, row.reason) == ("quarantined", "page_timeout")
        assert "timeout after 1 s" in row.message and Path(row.quarantine_path).is_file()
    assert sorted(p.name for p in inbox.iterdir()) == ["good.pdf", "stuck.pdf"]
