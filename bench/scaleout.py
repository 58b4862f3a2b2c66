"""Scale-out measured: `finarchive import` reading pages on Celery workers over Redis, into PostgreSQL,
against the local pool, with 1 and 2 worker processes, on the same scanned pages.

Started here, on loopback, for the run only: a PostgreSQL cluster in a temporary folder (as the test suite
starts one) and a Redis server. For each count of worker processes N:

- ``pool``: `finarchive import` with N local OCR processes (SQLite, the default install);
- ``celery``: the same import with ``[ocr] executor = "celery"`` into a PostgreSQL database, its pages
  read by `finarchive worker --concurrency N` (one Celery worker, N processes), the blob folder shared
  by path as docs/scaling.md asks.

Each side's CPU time is that of its process trees (cgroup cpuacct, as bench/throughput.py measures): the
importing process; the Celery worker; PostgreSQL and Redis together ("services"). The reference is plain
tesseract on the same pages (one process per worker, pre-rendered PNGs). Printed per run: pages/min, CPU
seconds a page, CPU efficiency (plain tesseract's CPU a page over ours), and what the archive holds a
page: database, blob and index bytes, the figures docs/scaling.md's sizing table is derived from.

    python bench/scaleout.py                           # samples/ scans, 1 and 2 processes
    python bench/scaleout.py --generate 30 --upright-only --workers 2
    python bench/scaleout.py --sizing figures.json     # docs/scaling.md's sizing table from a run's --json

The sizing table: for a chain of outlets each sending documents a day, the pages a day (at the measured pages
a document), the worker cores to read them within the working window (with a peak factor), the importing
host's cores, and what a year adds to the database, the blob folder and the search index, each from the
measured figures of the Celery run with the most processes.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from throughput import REPO, CpuMeter, measured_pages, plain_tesseract

PG_BIN = Path("/usr/lib/postgresql/15/bin")
EXE = Path(sys.executable).with_name("finarchive")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def as_postgres(cmd: list[str]) -> None:
    if os.geteuid() == 0:
        cmd = ["su", "postgres", "-c", " ".join(cmd)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=120)


@contextlib.contextmanager
def postgres(folder: Path, meter: CpuMeter) -> Iterator[str]:
    """A throw-away PostgreSQL cluster on loopback (its processes in ``meter``); yields its admin URL."""
    folder.mkdir()
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(folder, pw.pw_uid, pw.pw_gid)
    port = free_port()
    as_postgres([str(PG_BIN / "initdb"), "-D", str(folder / "db"), "-A", "trust", "-U", "postgres", "-E", "UTF8"])
    log = folder / "log"
    server = subprocess.Popen(
        ["su", "postgres", "-c", (f"{PG_BIN / 'postgres'} -D {folder / 'db'} -p {port} -k {folder} "
                                 f"-c listen_addresses=127.0.0.1 -c fsync=off")] if os.geteuid() == 0 else
        [str(PG_BIN / "postgres"), "-D", str(folder / "db"), "-p", str(port), "-k", str(folder),
         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
        stdout=log.open("wb"), stderr=subprocess.STDOUT,
        preexec_fn=meter.preexec())  # noqa: PLW1509  (no thread runs yet; the cgroup is joined before exec)
    try:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
        wait_for(lambda: _connects(url), "PostgreSQL", log)
        yield url
    finally:
        as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(folder / "db"), "-m", "fast", "stop"])
        server.wait(timeout=60)


def _connects(url: str) -> bool:
    import psycopg

    try:
        psycopg.connect(url.replace("+psycopg", ""), connect_timeout=2).close()
    except psycopg.OperationalError:
        return False
    return True


@contextlib.contextmanager
def redis(meter: CpuMeter) -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL,
                              preexec_fn=meter.preexec())  # noqa: PLW1509  (no thread runs yet)
    try:
        wait_for(lambda: subprocess.run(["redis-cli", "-p", str(port), "ping"], capture_output=True,
                                        text=True, check=False).stdout.strip() == "PONG", "Redis")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_for(ready, what: str, log: Path | None = None, seconds: float = 180.0) -> None:
    deadline = time.monotonic() + seconds
    while not ready():
        if time.monotonic() > deadline:
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise SystemExit(f"{what} did not start in {seconds:g} s\n{tail}")
        time.sleep(0.3)


def create_database(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def database_bytes(url: str) -> int:
    import psycopg

    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return int(row[0]) if row else 0


def folder_bytes(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.exists() else 0


@contextlib.contextmanager
def celery_worker(env: dict[str, str], concurrency: int, meter: CpuMeter, log: Path) -> Iterator[None]:
    """`finarchive worker --concurrency N`, ready to take jobs; stopped (SIGTERM: warm shutdown) after."""
    command = [str(EXE), "worker", "--concurrency", str(concurrency), "--loglevel", "INFO"]
    if os.geteuid() == 0:
        env = dict(env, C_FORCE_ROOT="1")  # Celery refuses pickle as root; production workers run as a plain user
    worker = subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                              preexec_fn=meter.preexec())  # noqa: PLW1509  (no thread runs yet)
    try:
        wait_for(lambda: b" ready." in log.read_bytes() or worker.poll() is not None, "the Celery worker", log)
        if worker.poll() is not None:
            raise SystemExit(f"the Celery worker exited: {log.read_text(errors='replace')[-2000:]}")
        yield
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=120)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def init_archive(env: dict[str, str], db_url: str | None) -> dict[str, int]:
    """`finarchive init`; the sizes of its empty database and index (taken off what a page adds)."""
    subprocess.run([str(EXE), "init"], env=env, check=True, capture_output=True)
    home = Path(env["FINARCHIVE_HOME"])
    return {"db": db_bytes(home, db_url), "index": index_bytes(home)}


def index_bytes(home: Path) -> int:
    """The embedded search index: Tantivy's folder (the default) or FTS5's file with its WAL."""
    return folder_bytes(home / "search-index") + sum(p.stat().st_size for p in home.glob("search.db*"))


def db_bytes(home: Path, db_url: str | None) -> int:
    return database_bytes(db_url) if db_url else sum(p.stat().st_size for p in home.glob("finarchive.db*"))


def run_import(files: list[Path], env: dict[str, str], meter: CpuMeter) -> tuple[float, dict]:
    started = time.monotonic()
    proc = subprocess.run([str(EXE), "import", "--json", "--no-progress", *map(str, files)], env=env,
                          capture_output=True, text=True, preexec_fn=meter.preexec(), check=False)
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 10):
        raise SystemExit(f"finarchive import failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return seconds, json.loads(proc.stdout.strip().splitlines()[-1])


def cpu(meter: CpuMeter) -> float:
    seconds = meter.seconds()
    if seconds is None:
        raise SystemExit("no cpuacct cgroup can be made here: CPU time cannot be measured")
    return seconds


OUTLETS = (1, 10, 50, 100, 250, 500)
DOCUMENTS_A_DAY = (20, 60)  # documents an outlet sends a day: a quiet one, a busy one
WINDOW_HOURS = 10.0  # the day's pages are read within this many hours
PEAK = 2.0  # the busiest hour brings this many times the window's mean
DAYS_A_YEAR = 360


def sizing(rows: list[dict]) -> str:
    """The markdown sizing table from the figures of a run (the Celery run with the most processes)."""
    celery = max((r for r in rows if r["executor"] == "celery"), key=lambda r: r["processes"])
    pages_a_doc = celery["pages"] / max(celery["documents"], 1)
    per_page = {"workers": celery["worker_cpu"], "importing host": celery["import_cpu"] + celery["services_cpu"]}
    lines = [
        (f"From bench/scaleout.py's Celery run with {celery['processes']} worker processes: {pages_a_doc:.2f} pages "
        f"a document; CPU a page: workers {per_page['workers']:.2f} s, importing host with PostgreSQL and "
        f"Redis {per_page['importing host']:.2f} s; a page adds {celery['db_bytes_per_page'] / 1024:.0f} KB to "
        f"PostgreSQL, {celery['blob_bytes_per_page'] / 1024:.0f} KB of blobs (original and derived files) and "
        f"{celery['index_bytes_per_page'] / 1024:.1f} KB of index. Pages read within {WINDOW_HOURS:g} h a day, "
        f"the busiest hour {PEAK:g}× the mean; a year is {DAYS_A_YEAR} working days."),
        "",
        ("| outlets | documents a day (each) | pages a day | worker cores | importing host cores | "
        "database a year | blobs a year | index a year |"),
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for outlets in OUTLETS:
        for docs in DOCUMENTS_A_DAY:
            pages = outlets * docs * pages_a_doc
            busiest = pages / WINDOW_HOURS * PEAK / 3600  # pages a second in the busiest hour
            workers = max(1, math.ceil(busiest * per_page["workers"]))
            host = max(1, math.ceil(busiest * per_page["importing host"]))
            year = pages * DAYS_A_YEAR
            sizes = [_size(year * celery[f"{what}_bytes_per_page"]) for what in ("db", "blob", "index")]
            lines.append(f"| {outlets} | {docs} | {pages:,.0f} | {workers} | {host} | {' | '.join(sizes)} |")
    return "\n".join(lines)


def _size(n: float) -> str:
    for unit, scale in (("TB", 1024**4), ("GB", 1024**3), ("MB", 1024**2)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n / 1024:.0f} KB"


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(f"stopped by signal {signum}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=Path, default=REPO / "samples")
    ap.add_argument("--generate", type=int, default=0, help="also generate N unseen documents")
    ap.add_argument("--upright-only", action="store_true", help="leave out documents with turned pages")
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="worker process counts to measure")
    ap.add_argument("--languages", default="rus+eng")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    ap.add_argument("--sizing", type=Path, help="print the sizing table from the figures of an earlier --json")
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, _stop)  # the servers started here are stopped on the way out
    if args.sizing:
        print(sizing(json.loads(args.sizing.read_text(encoding="utf-8"))))
        return

    rows = []
    with tempfile.TemporaryDirectory(prefix="finarchive-scaleout-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o755)  # the postgres user reaches its cluster folder inside
        files, pages = measured_pages(args, tmp)
        print(f"{len(files)} scanned files, {len(pages)} pages")
        services = CpuMeter("services")
        try:
            with postgres(tmp / "pg", services) as admin_url, redis(services) as broker_url:
                for n in args.workers:
                    ref_meter = CpuMeter(f"plain{n}")
                    ref_wall = plain_tesseract(pages, n, args.languages, ref_meter)
                    ref_cpu = cpu(ref_meter) / len(pages)
                    ref_meter.close()
                    ref_ppm = len(pages) / ref_wall * 60
                    print(f"{n} process(es): plain tesseract {ref_ppm:.1f} pages/min, {ref_cpu:.2f} CPU-s a page")

                    # the local pool, SQLite (the default install)
                    home = tmp / f"pool-{n}"
                    env = dict(os.environ, FINARCHIVE_HOME=str(home), FINARCHIVE_OCR_WORKERS=str(n))
                    ours = CpuMeter(f"pool{n}")
                    empty = init_archive(env, None)
                    wall, summary = run_import(files, env, ours)
                    rows.append(figures("pool", n, wall, summary, cpu(ours), 0.0, 0.0, ref_ppm, ref_cpu,
                                        home, None, empty))
                    ours.close()
                    shutil.rmtree(home, ignore_errors=True)

                    # Celery workers over Redis, PostgreSQL
                    home = tmp / f"celery-{n}"
                    db_url = create_database(admin_url, f"bench_celery_{n}")
                    env = dict(os.environ, FINARCHIVE_HOME=str(home), FINARCHIVE_DATABASE_URL=db_url,
                               FINARCHIVE_OCR_EXECUTOR="celery", FINARCHIVE_OCR_BROKER_URL=broker_url,
                               FINARCHIVE_OCR_PREFETCH=str(2 * n + 2), FINARCHIVE_OCR_WORKERS=str(n))
                    ours, worker_meter = CpuMeter(f"celery{n}"), CpuMeter(f"worker{n}")
                    home.mkdir()
                    empty = init_archive(env, db_url)
                    with celery_worker(env, n, worker_meter, home.parent / f"worker-{n}.log"):
                        worker_before, services_before = cpu(worker_meter), cpu(services)
                        wall, summary = run_import(files, env, ours)
                        worker_cpu, services_cpu = cpu(worker_meter) - worker_before, cpu(services) - services_before
                    rows.append(figures("celery", n, wall, summary, cpu(ours), worker_cpu, services_cpu, ref_ppm,
                                        ref_cpu, home, db_url, empty))
                    ours.close()
                    worker_meter.close()
                    shutil.rmtree(home, ignore_errors=True)
        finally:
            services.close()
    print()
    print("| executor | processes | pages/min (plain tesseract) | CPU s/page: import + workers + services = all "
          "(plain) | CPU efficiency | DB + blobs + index bytes/page |")
    print("| --- | --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['executor']} | {r['processes']} | {r['pages_per_min']:.1f} ({r['plain_pages_per_min']:.1f}) | "
              f"{r['import_cpu']:.2f} + {r['worker_cpu']:.2f} + {r['services_cpu']:.2f} = {r['cpu_per_page']:.2f} "
              f"({r['plain_cpu_per_page']:.2f}) | {r['efficiency']:.2f} | "
              f"{r['db_bytes_per_page'] / 1024:.0f} K + {r['blob_bytes_per_page'] / 1024:.0f} K + "
              f"{r['index_bytes_per_page'] / 1024:.1f} K |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


def figures(executor: str, n: int, wall: float, summary: dict, import_cpu: float, worker_cpu: float,
            services_cpu: float, ref_ppm: float, ref_cpu: float, home: Path, db_url: str | None,
            empty: dict[str, int]) -> dict:
    pages = max(int(summary["pages"]), 1)
    total = import_cpu + worker_cpu + services_cpu
    row = {
        "executor": executor, "processes": n, "pages": pages, "documents": summary["archived"],
        "seconds": round(wall, 2), "pages_per_min": pages / wall * 60, "plain_pages_per_min": ref_ppm,
        "import_cpu": import_cpu / pages, "worker_cpu": worker_cpu / pages, "services_cpu": services_cpu / pages,
        "cpu_per_page": total / pages, "plain_cpu_per_page": ref_cpu, "efficiency": ref_cpu / (total / pages),
        "db_bytes_per_page": (db_bytes(home, db_url) - empty["db"]) / pages,
        "blob_bytes_per_page": folder_bytes(home / "blobs") / pages,
        "index_bytes_per_page": (index_bytes(home) - empty["index"]) / pages,
    }
    print(f"  {executor} {n}: {row['pages_per_min']:.1f} pages/min ({wall:.1f} s, {summary['archived']} archived, "
          f"{summary['quarantined']} quarantined); CPU s/page {row['cpu_per_page']:.2f} "
          f"(import {row['import_cpu']:.2f}, workers {row['worker_cpu']:.2f}, services {row['services_cpu']:.2f}); "
          f"efficiency {row['efficiency']:.2f}", flush=True)
    for problem in summary.get("problems", []):
        print(f"    {problem['outcome']}: {Path(problem['file']).name}: {problem['reason']}: {problem['message']}")
    return row


if __name__ == "__main__":
    main()
