"""Server-side latency of the desk's pages on a large archive (one filled by bench/make_archive.py).

Each page is requested through the FastAPI app in this process (the ASGI test client: no network, no
browser), as an administrator with an API token, with varied filters and deep keyset pages (the
``rel="next"`` links of earlier answers followed): the search page (full-text queries of
bench/search_latency.py, when the archive has a search index), the review queue, an outlet's page, the
originals desk, an order's view, the document list and ``stats`` (``/api/reports/stats``, what
``finarchive stats`` reads). For each page it prints p50/p95/p99 of the wall time and the CPU time of a
request, mean / p50 / p95 (this process: the app and the database driver), and on a PostgreSQL server of
this machine also its backends' mean CPU a request (their /proc counters, read between requests, in clock
ticks). Target: every p95 ≤ 100 ms, stats under a second.

    nice .venv/bin/python bench/web_at_scale.py --home /var/tmp/fa-1m [--database-url URL] [--requests 100]
"""

from __future__ import annotations

import argparse
import html
import os
import platform
import random
import re
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_latency import OUTLETS, make_query, percentile

from sqlalchemy import func, select, text

from archive.models import Document, Order, Role, User
from archive.store import Archive
from archive.users import add_user, mint_token
from archive.verification import DOC_TYPES
from search import SearchQuery

TARGET_MS = 100
STATS_TARGET_MS = 1000
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next"')


def _token(arc: Archive) -> str:
    with arc.transaction() as session:
        if session.scalar(select(User).where(User.username == "bench-admin")) is None:
            add_user(session, "bench-admin", None, Role.ADMIN)
        return mint_token(session, "bench-admin", "web_at_scale")


def page_urls(arc: Archive, rng: random.Random, with_search: bool) -> dict[str, Callable[[], str]]:
    """For each page, a function giving the next URL to request (first pages and deeper ones)."""
    with arc.sessions() as session:
        orders = session.scalar(select(func.max(Order.id))) or 0
    order_nos = [f"ЗК-{i:06d}" for i in rng.sample(range(1, orders + 1), k=min(orders, 500))]
    types = [t for t in DOC_TYPES if t != "other"]

    def review() -> str:
        r = rng.random()
        return ("/review" if r < 0.4 else f"/review?outlet={rng.choice(OUTLETS)}" if r < 0.7
                else f"/review?doc_type={rng.choice(types)}")

    urls: dict[str, Callable[[], str]] = {
        "review queue": review,
        "outlet page": lambda: f"/outlet?code={rng.choice(OUTLETS)}",
        "originals desk": lambda: "/originals" if rng.random() < 0.3 else f"/originals?outlet={rng.choice(OUTLETS)}",
        "order view": lambda: f"/orders/{rng.choice(order_nos)}",
        "document list": lambda: "/documents" + rng.choice(
            ["", "?sort=-total", "?sort=date", f"?outlet={rng.choice(OUTLETS)}", f"?doc_type={rng.choice(types)}"]),
        "stats": lambda: "/api/reports/stats",
    }
    if with_search:
        urls = {"search": lambda: "/search?" + f"q={make_query(rng)}", **urls}
    return urls


class ServerCPU:
    """CPU milliseconds of the PostgreSQL backends serving this database, when they run on this machine
    (/proc/PID/stat of each pid pg_stat_activity lists); None on SQLite or a remote server."""

    def __init__(self, arc: Archive) -> None:
        self.arc, self.pids = arc, list[int]()
        self.refresh()

    def refresh(self) -> None:
        if self.arc.engine.dialect.name != "postgresql":
            return
        with self.arc.engine.connect() as conn:
            pids = list(conn.scalars(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")))
        self.pids = [pid for pid in pids if Path(f"/proc/{pid}/stat").exists()]

    def ms(self) -> float | None:
        if not self.pids:
            return None
        total = 0
        for pid in self.pids:
            try:  # utime and stime: fields 14 and 15, counted after the command's closing parenthesis
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total * TICK_MS


def measure(client, make_url: Callable[[], str], requests: int, rng: random.Random,
            server: ServerCPU) -> tuple[list[float], list[float], list[float]]:
    """Wall, CPU and server CPU milliseconds of ``requests`` requests; a third of them follow an answer's «next»
    link."""
    walls: list[float] = []
    cpus: list[float] = []
    servers: list[float] = []
    follow: list[str] = []
    for _ in range(requests):
        url = follow.pop() if follow and rng.random() < 0.5 else make_url()
        before = server.ms()
        t, c = time.perf_counter(), time.process_time()
        response = client.get(url)
        walls.append((time.perf_counter() - t) * 1000)
        cpus.append((time.process_time() - c) * 1000)
        after = server.ms()
        if before is not None and after is not None:
            servers.append(after - before)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
        follow += [html.unescape(u) for u in NEXT_LINK.findall(response.text)][:1]
    return walls, cpus, servers


def run(arc: Archive, requests: int, seed: int, search: bool,
        only: list[str] | None = None) -> Iterator[tuple[str, dict[str, float]]]:
    from fastapi.testclient import TestClient

    from web import create_app

    rng = random.Random(seed)
    client = TestClient(create_app(arc, secret="web-at-scale"), headers={"Authorization": f"Bearer {_token(arc)}"})
    server = ServerCPU(arc)
    for name, make_url in page_urls(arc, rng, search).items():
        if only and name not in only:
            continue
        measure(client, make_url, 5, rng, server)  # warm: templates compiled, caches filled, the pool's connections
        server.refresh()
        walls, cpus, servers = measure(client, make_url, requests, rng, server)
        figures = {"p50": percentile(walls, 50), "p95": percentile(walls, 95), "p99": percentile(walls, 99),
                   "cpu": sum(cpus) / len(cpus), "cpu50": percentile(cpus, 50), "cpu95": percentile(cpus, 95)}
        if servers:  # counted in clock ticks (10 ms): a mean over the requests, no percentile
            figures |= {"server": sum(servers) / len(servers)}
        yield name, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--database-url", help="the archive's database when not its SQLite file")
    parser.add_argument("--requests", type=int, default=100, help="requests per page")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--page", action="append", help="measure only this page (repeatable), e.g. 'outlet page'")
    args = parser.parse_args()
    env = {**os.environ, "FINARCHIVE_HOME": str(args.home)}
    if args.database_url:
        env["FINARCHIVE_DATABASE_URL"] = args.database_url
    arc = Archive.open(args.home, environ=env)
    with arc.sessions() as session:
        docs = session.scalar(select(func.count(Document.id))) or 0
    indexed = arc.search.search(SearchQuery(limit=1)).total
    print(f"{docs:,} documents on {arc.engine.dialect.name}; search index: {indexed:,} documents "
          f"({arc.settings.get('search', 'backend')}); {args.requests} requests a page")
    worst, missed = 0.0, []
    for name, f in run(arc, args.requests, args.seed, search=indexed > 0, only=args.page):
        target = STATS_TARGET_MS if name == "stats" else TARGET_MS
        if name != "stats":
            worst = max(worst, f["p95"])
        if f["p95"] > target:
            missed.append(name)
        server = f"  server CPU {f['server']:.1f} ms/request" if "server" in f else ""
        print(f"  {name:<15} p50 {f['p50']:.0f} ms  p95 {f['p95']:.0f} ms  p99 {f['p99']:.0f} ms  "
              f"CPU {f['cpu']:.1f} ms/request (p50 {f['cpu50']:.0f} ms, p95 {f['cpu95']:.0f} ms){server}", flush=True)
    print(f"worst p95 {worst:.0f} ms (target ≤ {TARGET_MS} ms, stats ≤ {STATS_TARGET_MS} ms)"
          f"{'; missed: ' + ', '.join(missed) if missed else ''}; {os.cpu_count()} cores, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    arc.close()
    return 0 if not missed else 1


if __name__ == "__main__":
    raise SystemExit(main())
