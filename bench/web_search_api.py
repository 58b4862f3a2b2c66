"""Search latency through the REST API (token auth, rights, JSON) against the backend alone.

Indexes the synthetic documents of bench/search_latency.py into a fresh archive's own search backend,
then runs the same filtered full-text queries with facets
1. straight on the backend, 2. as `GET /api/documents` for an accountant (all outlets),
3. as `GET /api/documents` for an outlet user (restricted to its outlet),
through the ASGI test client (in-process, no network), and prints p50/p95 of each and the API overhead.

    .venv/bin/python bench/web_search_api.py [--docs 10000] [--queries 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from search_latency import OUTLETS, SEED, make_query, make_record, percentile

from archive.models import Role
from archive.store import Archive
from archive.users import add_user, mint_token
from search import SearchQuery, parse_query


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()

    from fastapi.testclient import TestClient

    from web import create_app

    rng = random.Random(SEED)
    records = [make_record(i, rng) for i in range(1, args.docs + 1)]
    texts = [make_query(random.Random(SEED + 1 + i)) for i in range(args.queries)]
    with tempfile.TemporaryDirectory(prefix="finarchive-webbench-") as tmp:
        arc = Archive.init(Path(tmp) / "home", environ={})
        for start in range(0, len(records), 500):
            arc.search.index(records[start:start + 500])
        with arc.transaction() as s:
            add_user(s, "acc", None, Role.ACCOUNTANT)
            add_user(s, "shop", None, Role.OUTLET, outlet_code=OUTLETS[0])
            tokens = {u: mint_token(s, u, "bench") for u in ("acc", "shop")}
        app = create_app(arc, secret="bench")
        clients = {u: TestClient(app, headers={"Authorization": f"Bearer {t}"}) for u, t in tokens.items()}
        for c in clients.values():
            c.get("/api/documents", params={"q": "накладная"})  # warm up

        def backend(text: str) -> None:
            arc.search.search(parse_query(text, SearchQuery(facets=True, limit=20)))

        def api(user: str):
            def call(text: str) -> None:
                r = clients[user].get("/api/documents", params={"q": text, "per_page": 20})
                r.raise_for_status()
            return call

        figures = {"backend": _timed(backend, texts), "api accountant": _timed(api("acc"), texts),
                   "api outlet": _timed(api("shop"), texts)}
        app.state.uploads.close()
        arc.close()
    base = percentile(figures["backend"], 95)
    print(f"{args.docs:,} documents, {args.queries} filtered full-text queries with facets")
    for name, values in figures.items():
        p50, p95 = percentile(values, 50), percentile(values, 95)
        print(f"  {name:15s} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  (p95 x{p95 / base:.2f} of the backend)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
