from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest


from capture import PageResult, PoolExecutor, SerialExecutor, WorkerCrashedError, plan_pages, read_document, read_page
from capture_factories import image_pdf, text_image


def test_serial_executor_hands_back_results_and_errors() -> None:
    with SerialExecutor() as executor:
        out = list(executor.map_unordered(math.sqrt, [4.0, -1.0, 9.0]))
    assert [item for item, _ in out] == [4.0, -1.0, 9.0]
    assert out[0][1] == 2.0 and out[2][1] == 3.0
    assert isinstance(out[1][1], ValueError)


def test_pool_returns_every_item() -> None:
    items = list(range(-3, 20))
    with PoolExecutor(2) as pool:
        out = dict(pool.map_unordered(abs, items))
    assert out == {i: abs(i) for i in items}


def test_pool_returns_exceptions_as_results() -> None:
    with PoolExecutor(2) as pool:
        out = dict(pool.map_unordered(int, ["1", "x", "3"]))
    assert out["1"] == 1 and out["3"] == 3
    assert isinstance(out["x"], ValueError)


def test_a_job_that_kills_its_worker_comes_back_as_an_exception() -> None:
    # os._exit(code) ends the worker process at once, as a segfault in native code would
    with PoolExecutor(2) as pool:
        out = list(pool.map_unordered(os._exit, [3]))
        assert len(out) == 1 and isinstance(out[0][1], WorkerCrashedError)
        # the pool is rebuilt and goes on working
        assert dict(pool.map_unordered(abs, [-1, -2])) == {-1: 1, -2: 2}


def test_crash_among_good_jobs_costs_only_the_culprit() -> None:
    with PoolExecutor(2) as pool:
        out = list(pool.map_unordered(_exit_on_zero, [5, 6, 0, 7, 8, 9, 10]))
    results = dict(out)
    assert len(out) == 7
    assert isinstance(results[0], WorkerCrashedError)
    assert {k: v for k, v in results.items() if k} == {k: k * 2 for k in (5, 6, 7, 8, 9, 10)}


def _exit_on_zero(n: int) -> int:
    if n == 0:
        os._exit(1)
    return n * 2


def test_pool_reads_pages_of_several_documents(tmp_path: Path) -> None:
    docs = [image_pdf(tmp_path / f"doc{i}.pdf", [text_image([f"Накладная № {i}0{j}"]) for j in range(2)])
            for i in range(2)]
    jobs = [job for doc in docs for job in plan_pages(doc)]
    with PoolExecutor(2) as pool:
        out = list(pool.map_unordered(read_page, jobs))
    assert len(out) == 4
    texts = {(Path(job.path).name, job.index): result.page.text for job, result in out
             if isinstance(result, PageResult)}
    assert len(texts) == 4  # every page read, none an error
    assert "№ 100" in texts[("doc1.pdf", 0)] and "№ 001" in texts[("doc0.pdf", 1)]


def test_read_document_with_a_pool_keeps_page_order(tmp_path: Path) -> None:
    doc = image_pdf(tmp_path / "doc.pdf", [text_image([f"Страница {n}"]) for n in range(1, 4)])
    with PoolExecutor(2) as pool:
        results = read_document(doc, executor=pool)
    assert [r.page.number for r in results] == [1, 2, 3]
    assert all(f"Страница {r.page.number}" in r.page.text for r in results)



def test_workers_start_with_the_models_of_the_pools_languages_loaded(tmp_path: Path) -> None:
    """The fork server loads tesseract's models for the pool's languages once; its workers inherit them. (A
    fresh interpreter: this session's fork server may have started without any.)"""
    (tmp_path / "warm_check.py").write_text(
        "from capture import PoolExecutor\n"
        "from capture.tesseract import loaded_languages\n\n\n"
        "def job(_):\n"
        "    return tuple(loaded_languages())\n\n\n"
        "if __name__ == '__main__':\n"
        "    with PoolExecutor(2, languages='rus+eng') as pool:\n"
        "        print(sorted({r for _, r in pool.map_unordered(job, range(4))}))\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    out = subprocess.run([sys.executable, str(tmp_path / "warm_check.py")], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[('rus+eng',)]"


def test_a_started_pool_has_every_worker_up_before_the_first_job() -> None:
    with PoolExecutor(2) as pool:
        started = pool.start()
        assert len(started) == 2  # each worker forked, not one doing both of start's jobs
        pids = {r for _, r in pool.map_unordered(_pid, range(6))}
        assert pids <= started  # the pages go to those workers: none is forked for them
    assert SerialExecutor().start() == set()


def _pid(_: int) -> int:
    return os.getpid()


def test_the_importing_process_does_not_import_the_reading_code() -> None:
    """The pool's workers fork from a server that has imported capture.read (OpenCV, numpy's image code); the
    importing process hands them pages and joins their PDFs, and importing it there too cost a one-page batch
    its second import. (A fresh interpreter: this session has imported everything.)"""
    code = ("import sys\n"
            "import archive.intake, archive.pipeline, archive.integrity, archive.reading, cli.app, cli.capture_cmds\n"
            "import capture\n"
            "print(sorted(m for m in ('cv2', 'capture.read', 'capture.preprocess') if m in sys.modules))\n"
            "print(capture.read_page.__module__, capture.read_document.__module__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.splitlines() == ["[]", "capture._entry capture.read"]


def _stuck_on_zero(n: int) -> int:
    if n == 0:  # as native code that never returns to Python: the alarm's handler never runs
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
        time.sleep(3600)
    return n * 2


def test_a_job_stuck_where_its_alarm_cannot_reach_is_stopped_and_the_rest_go_on() -> None:
    """page_seconds is an alarm in the worker: a page stuck in native code (pdfium, a decoder) never sees it.
    Before, the pool waited for that worker for ever and the batch with it. Now a pool that has seen no job
    end for the time limit and a grace stops its workers, reruns the jobs in flight one by one, and the one
    stuck again is stopped and comes back as its timeout; the other jobs are done."""
    from capture.executor import JobTimeoutError, TimeLimited

    started = time.monotonic()
    with PoolExecutor(2, stuck_grace=1.0) as pool:
        out = dict(pool.map_unordered(TimeLimited(_stuck_on_zero, 0.5), [5, 0, 6, 7, 8, 9]))
        assert dict(pool.map_unordered(abs, [-1, -2])) == {-1: 1, -2: 2}  # and the pool goes on working
    assert isinstance(out[0], JobTimeoutError) and str(out[0]).startswith("timeout after 0.5 s")
    assert "killed" in str(out[0])
    assert {k: v for k, v in out.items() if k} == {k: k * 2 for k in (5, 6, 7, 8, 9)}
    assert time.monotonic() - started < 30


def test_the_serial_executor_reads_a_time_limited_job_in_a_child_it_kills_when_stuck() -> None:
    """Before, SerialExecutor ran every job in the importing process: a page stuck in native code stopped the
    import for ever (only its alarm could interrupt it, and native code never sees one). Now a time-limited
    job runs in one child process, killed from outside past the limit and a grace; the rest run in order."""
    from capture.executor import JobTimeoutError, SerialExecutor, TimeLimited

    started = time.monotonic()
    with SerialExecutor(stuck_grace=0.5) as serial:
        out = list(serial.map_unordered(TimeLimited(_stuck_on_zero, 0.5), [5, 0, 6, 7]))
        assert list(serial.map_unordered(abs, [-1, -2])) == [(-1, 1), (-2, 2)]  # untimed jobs: in this process
    assert [k for k, _ in out] == [5, 0, 6, 7]  # in order, one after another
    assert isinstance(out[1][1], JobTimeoutError) and str(out[1][1]).startswith("timeout after 0.5 s")
    assert [v for k, v in out if k] == [10, 12, 14]
    assert time.monotonic() - started < 20


def _moving_for(seconds: float) -> float:
    """A job of many short steps, each saying it moved (a scan's pages rendered one by one for its barcodes)."""
    from capture.executor import progress

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        time.sleep(0.1)
        progress()
    return seconds


def test_a_progressive_job_is_limited_per_step_not_in_all() -> None:
    """A file split page after page may take far longer than one page's limit: as a progressive job its limit
    starts again at each step (its alarm, and its roster entry for the process watching it), and it is killed
    only when a step overruns — here, stuck with its alarm blocked."""
    from capture.executor import JobTimeoutError, SerialExecutor

    with SerialExecutor(stuck_grace=0.5) as serial:
        assert serial.call(_moving_for, 2.0, 0.5, progressive=True) == 2.0  # four times its limit, in steps
        with pytest.raises(JobTimeoutError, match=r"timeout after 0\.5 s"):
            serial.call(_moving_for, 2.0, 0.5)  # the same job, limited in all
        with pytest.raises(JobTimeoutError, match="killed"):
            serial.call(_stuck_on_zero, 0, 0.5, progressive=True)
