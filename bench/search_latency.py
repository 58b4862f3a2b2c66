"""Search latency and build rate of the embedded search backends on synthetic documents.

Builds deterministic Russian/English document texts of a few hundred words (waybills, UPDs, VAT
invoices, bills, contracts, Z-reports, receipts) with random outlets, dates and amounts, indexes them
in a temporary index of the configured default backend (or of each ``--backend`` given: ``tantivy``,
``sqlite``), runs ~200 filtered full-text queries with facets and snippets, and prints the index build
rate and size, the p50/p95/p99 query latency and how soon a new document is found after its commit.
Target at 1,000,000 documents on 2 cores: p95 ≤ 50 ms, ≥ 5,000 docs/s, found within a second.

    nice .venv/bin/python bench/search_latency.py [--docs 10000] [--queries 200] [--backend tantivy --backend sqlite]
        [--workdir /var/tmp] [--index-dir /var/tmp/search-bench] [--corpus /var/tmp/corpus-1000000.pickle]
        [--append docs/benchmarks.md]

With ``--corpus FILE`` the corpus is made into that file first (or read from it when it is there) and the
build reads it from the file, so the build does not share the two cores with the process making it.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import pickle
import platform
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import importlib.metadata

from archive.config import DEFAULTS
from search import SearchBackend, SearchQuery, SearchRecord, make_backend

DEFAULT_BACKEND = str(DEFAULTS["search"]["backend"])
EMBEDDED = ("tantivy", "sqlite")

SEED = 20261124
OUTLETS = [f"{city}-{n:02d}" for city in ("MSK", "SPB", "EKB", "NSK", "KZN") for n in range(1, 9)]
SELLERS = ["ООО «Ромашка»", "ООО «Лютик»", "АО «Молочный комбинат»", "ООО «Хлебный дом»", "ИП Соколова А. В.",
           "ООО «Северная рыба»", "АО «Кондитерская фабрика Заря»", "ООО «ТоргСнаб»", "Fresh Foods LLC",
           "Nordic Dairy AB"]
BUYERS = ["ООО «Василёк»", "ООО «Продукты у дома»", "ООО «Гастроном №1»", "АО «Сеть Магнолия»"]
GOODS_RU = ["молоко пастеризованное 3,2%", "кефир 1%", "сыр российский", "масло сливочное 82,5%",
            "хлеб пшеничный нарезной", "батон нарезной", "сметана 20%", "творог 9%", "йогурт питьевой клубника",
            "колбаса варёная докторская", "сосиски молочные", "филе куриное охлаждённое", "рыба минтай мороженая",
            "гречка ядрица", "рис круглозёрный", "сахар-песок", "мука пшеничная высший сорт", "яйцо куриное С1",
            "чай чёрный листовой", "кофе молотый", "печенье овсяное", "конфеты шоколадные ассорти",
            "вода питьевая негазированная", "сок яблочный осветлённый", "макароны спагетти", "масло подсолнечное"]
GOODS_EN = ["whole milk 3.2%", "cheddar cheese", "salted butter", "greek yoghurt", "sourdough bread",
            "orange juice", "ground coffee", "green tea", "oat cookies", "sparkling water", "chicken breast fillet"]
FILLER_RU = ["Товар передан в надлежащем качестве и количестве, претензий по количеству и качеству нет",
             "Основание для отгрузки: договор поставки и заявка покупателя",
             "Груз принял и проверил",
             "Подпись ответственного лица, печать организации",
             "Документ составлен в двух экземплярах",
             "Оплата производится в течение десяти банковских дней с даты поставки",
             "Возврат товара оформляется отдельным актом",
             "Срок годности соответствует требованиям."]
FILLER_EN = ["Goods were delivered in good condition and the quantity was checked on receipt",
             "Payment is due within thirty days of the invoice date",
             "Late payments bear interest",
             "Please quote the invoice number with your payment",
             "Returns require a credit note",
             "Thank you for your business and prompt payment."]

HEADINGS = {
    "waybill": "ТОВАРНАЯ НАКЛАДНАЯ (форма ТОРГ-12) № {number} от {date_ru}",
    "upd": "УНИВЕРСАЛЬНЫЙ ПЕРЕДАТОЧНЫЙ ДОКУМЕНТ (УПД) Счёт-фактура № {number} от {date_ru} Статус 1",
    "vat_invoice": "СЧЁТ-ФАКТУРА № {number} от {date_ru} Исправление № -- от --",
    "invoice": "СЧЁТ НА ОПЛАТУ № {number} от {date_ru}",
    "contract": "ДОГОВОР ПОСТАВКИ № {number} г. Москва, {date_ru}",
    "z_report": "Z-ОТЧЁТ ОТЧЁТ О ЗАКРЫТИИ СМЕНЫ № {number} {date_ru} ККТ РН 0001234567{number}",
    "receipt": "КАССОВЫЙ ЧЕК ПРИХОД № {number} {date_ru} СМЕНА 12",
    "sales_report": "ОТЧЁТ О ПРОДАЖАХ ТОРГОВОЙ ТОЧКИ за {date_ru}",
}
DOC_TYPES = [*HEADINGS, "invoice_en"]
TYPE_WEIGHTS = [22, 14, 12, 10, 4, 14, 10, 4, 10]
STATUSES = ["archived"] * 8 + ["needs_review", "failed"]
STATES = ["not_required", "expected", "in_transit", "received", "archived", "lost"]


def inn(rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(10))


def make_record(doc_id: int, rng: random.Random) -> SearchRecord:
    kind = rng.choices(DOC_TYPES, TYPE_WEIGHTS)[0]
    english = kind == "invoice_en"
    doc_type = "invoice" if english else kind
    day = f"202{rng.randint(4, 6)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    date_ru = ".".join(reversed(day.split("-")))
    number = str(rng.randint(1, 99999))
    order_no = f"ЗК-{rng.randint(1, 999999):06d}" if rng.random() < 0.4 else None
    seller, buyer = rng.choice(SELLERS), rng.choice(BUYERS)
    inns = (inn(rng), inn(rng))
    lines: list[str] = []
    total = 0
    goods = GOODS_EN if english else GOODS_RU
    for _ in range(rng.randint(6, 18)):
        qty, price = rng.randint(1, 200), rng.randint(30, 2500)
        total += qty * price
        lines.append(f"{rng.choice(goods)} {qty} шт {price},00 {qty * price},00" if not english
                     else f"{rng.choice(goods)} qty {qty} price {price}.00 amount {qty * price}.00")
    filler = FILLER_EN if english else FILLER_RU
    if english:
        head = f"INVOICE No {number} dated {day}\nSeller: {seller}, VAT ID {inns[0]}\nBill to: {buyer}"
        tail = f"Total due {total}.00 RUB"
    else:
        head = (HEADINGS[kind].format(number=number, date_ru=date_ru)
                + f"\nПоставщик: {seller}, ИНН {inns[0]}, КПП 773601001\nПокупатель: {buyer}, ИНН {inns[1]}")
        tail = f"Всего к оплате: {total:,}".replace(",", " ") + ",00 руб. в том числе НДС 20%"
        if order_no:
            head += f"\nОснование: заказ покупателя {order_no}"
    body = "\n".join([head, *lines, *rng.sample(filler, k=min(len(filler), rng.randint(3, 6))), tail])
    # a few hundred words: repeat the item table as the OCR of a multi-page document would
    while len(body.split()) < rng.randint(200, 450):
        body += "\n" + "\n".join(rng.sample(lines, k=min(len(lines), 5))) + "\n" + rng.choice(filler)
    return SearchRecord(
        doc_id=doc_id, title=f"{doc_type}-{number}.pdf", text=body, doc_type=doc_type, outlet=rng.choice(OUTLETS),
        status=rng.choice(STATUSES), date=day, total=f"{total}.00", number=number, order_no=order_no, inns=inns,
        original_state=rng.choice(STATES), created_at=f"{day}T12:00:00",
        fields={"seller_name": seller, "seller_inn": inns[0], "buyer_inn": inns[1]},
    )


WORDS_RU = ["накладная", "накладной", "молоко", "сыр", "кефир", "поставщик", "поставки", "счёт", "договор", "оплата",
            "Ромашка", "Лютик", "хлеб", "масло", "возврат", "претензий", "смена", "чек", "фактура", "шоколадные",
            "колбаса", "творог", "гречка", "отгрузки"]
WORDS_EN = ["invoice", "invoices", "payment", "coffee", "cheese", "delivered", "returns"]
WORDS = WORDS_RU + WORDS_EN
PHRASES = ['"товарная накладная"', '"масло сливочное"', '"договор поставки"', '"whole milk"', '"закрытии смены"']
PREFIXES = ["налич*", "моло*", "invoic*", "постав*", "ЗК-0001*"]


def make_query(rng: random.Random) -> str:
    parts: list[str] = []
    shape = rng.random()
    if shape < 0.45:
        parts += rng.sample(WORDS_RU if rng.random() < 0.8 else WORDS_EN, k=rng.randint(1, 3))
    elif shape < 0.6:
        parts.append(rng.choice(PHRASES))
    elif shape < 0.72:
        parts.append(rng.choice(PREFIXES))
    elif shape < 0.82:
        parts += [rng.choice(WORDS), "OR", rng.choice(WORDS)]
    elif shape < 0.9:
        parts += [rng.choice(WORDS), f"-{rng.choice(WORDS)}"]
    # filters on most queries
    if rng.random() < 0.35:
        parts.append(f"type:{rng.choice(list(HEADINGS))}")
    if rng.random() < 0.2:
        parts.append(f"outlet:{rng.choice(OUTLETS)}")
    if rng.random() < 0.3:
        year, month = rng.randint(2024, 2026), rng.randint(1, 12)
        parts.append(f"date:{year}-{month:02d}" if rng.random() < 0.5 else f"date:{year}-01-01..{year}-06-30")
    if rng.random() < 0.2:
        low = rng.randint(1, 500) * 100
        parts.append(f"total:{low}..{low * 10}")
    if rng.random() < 0.1:
        parts.append("status:needs_review")
    return " ".join(parts) or rng.choice(WORDS)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


CHUNK = 500  # records a batch from the generating process


def _generate(docs: int, out: multiprocessing.Queue | _Batches) -> None:
    """Batches of records with the number of words of their texts (counted here, not by the indexer)."""
    rng = random.Random(SEED)
    for start in range(1, docs + 1, CHUNK):
        batch = [make_record(doc_id, rng) for doc_id in range(start, min(start + CHUNK, docs + 1))]
        out.put((batch, sum(len(record.text.split()) for record in batch)))


def records(docs: int, spent: list[float], corpus: Path | None = None) -> Iterator[SearchRecord]:
    """The corpus, made as it is indexed (a million records do not sit in memory) by a process of its
    own, so that making it does not share the indexing process's core, or read from the file ``corpus``
    made beforehand (see :func:`make_corpus`); ``spent`` is the wall and CPU time this process waited for,
    read and unpickled records, which the build figures leave out, and the number of words of their texts
    (counted by the making process)."""
    if corpus is not None:
        yield from _read_corpus(corpus, docs, spent)
        return
    queue: multiprocessing.Queue = multiprocessing.Queue(maxsize=8)
    maker = multiprocessing.Process(target=_generate, args=(docs, queue), daemon=True)
    maker.start()
    try:
        for _ in range(0, docs, CHUNK):
            t, c = time.perf_counter(), time.thread_time()
            batch, words = queue.get()
            spent[0] += time.perf_counter() - t
            spent[1] += time.thread_time() - c
            spent[2] += words
            yield from batch
    finally:
        maker.kill()
        maker.join()


class _Batches:
    """A queue's ``put`` that writes each batch to a file instead."""

    def __init__(self, file: Any) -> None:
        self.file = file

    def put(self, item: object) -> None:
        pickle.dump(item, self.file, protocol=pickle.HIGHEST_PROTOCOL)


def make_corpus(path: Path, docs: int) -> None:
    """The corpus of ``docs`` records in ``path`` (the batches ``_generate`` makes, pickled one after the
    other), unless a file of that many is there already; written to a temporary name, then renamed."""
    if path.exists() and _corpus_docs(path) == docs:
        return
    partial = path.with_name(path.name + ".partial")
    with partial.open("wb") as file:
        pickle.dump(docs, file)
        _generate(docs, _Batches(file))
    partial.replace(path)


def _corpus_docs(path: Path) -> int:
    with path.open("rb") as file:
        return int(pickle.load(file))


def _read_corpus(path: Path, docs: int, spent: list[float]) -> Iterator[SearchRecord]:
    with path.open("rb", buffering=1 << 20) as file:
        if pickle.load(file) != docs:
            raise SystemExit(f"{path} holds another number of documents than --docs {docs}")
        for _ in range(0, docs, CHUNK):
            t, c = time.perf_counter(), time.thread_time()
            batch, words = pickle.load(file)
            spent[0] += time.perf_counter() - t
            spent[1] += time.thread_time() - c
            spent[2] += words
            yield from batch


def open_backend(name: str, folder: Path) -> SearchBackend:
    if name == "sqlite":
        return make_backend("sqlite", path=folder / "search.db")
    return make_backend(name, path=folder / "search-index")


def folder_size(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def freshness(name: str, folder: Path, searcher: SearchBackend, docs: int) -> float:
    """Seconds from a new document's database commit until a search of ``searcher`` finds it: the
    document is given to another opening of the index as an import gives it (``index_soon``, no commit
    of its own; Tantivy's background commit makes it durable)."""
    writer = open_backend(name, folder)
    rng = random.Random(SEED + 2)
    fresh = replace(make_record(docs + 1, rng), text="свежепоступившая накладная")
    committed = time.perf_counter()
    writer.index_soon([fresh])
    while not searcher.search(SearchQuery(text="свежепоступившая")).total:
        if time.perf_counter() - committed > 30:
            break
        time.sleep(0.01)
    seen = time.perf_counter() - committed
    writer.delete([fresh.doc_id])  # a kept index (--index-dir) stays the corpus
    writer.close()
    return seen


def build(backend: SearchBackend, docs: int, folder: Path, corpus: Path | None = None) -> dict[str, float]:
    """Index the corpus; the build figures, which leave out the time of making (or reading) the corpus."""
    spent = [0.0, 0.0, 0]
    load = os.getloadavg()[0]
    t0, c0, m0 = time.perf_counter(), time.process_time(), time.thread_time()
    backend.index(records(docs, spent, corpus))
    backend.optimize()
    figures = {"docs": docs, "words": spent[2], "generate_s": spent[0], "build_s": time.perf_counter() - t0 - spent[0],
               "build_cpu_s": time.process_time() - c0 - spent[1],
               # this thread: our analysis and handing the documents over; the rest is the engine's threads
               "build_thread_cpu_s": time.thread_time() - m0 - spent[1],
               "build_load": load, "build_load_end": os.getloadavg()[0]}
    (folder / BUILT).write_text(json.dumps(figures), encoding="utf-8")
    return figures


BUILT = "bench-build.json"  # the build figures of a kept index (--index-dir), read again when it is reused


@contextmanager
def index_folder(name: str, docs: int, workdir: Path | None, keep: Path | None) -> Iterator[Path]:
    """A temporary folder, or ``keep``/<backend>-<docs> kept for a later run to measure again."""
    if keep is None:
        with tempfile.TemporaryDirectory(prefix="finarchive-bench-", dir=workdir) as tmp:
            yield Path(tmp)
        return
    folder = keep / f"{name}-{docs}"
    folder.mkdir(parents=True, exist_ok=True)
    yield folder


def run(name: str, docs: int, queries: int, workdir: Path | None, keep: Path | None = None,
        corpus: Path | None = None) -> dict[str, float]:
    with index_folder(name, docs, workdir, keep) as folder:
        backend = open_backend(name, folder)
        built = folder / BUILT
        if built.exists() and backend.count() == docs:
            figures: dict[str, float] = json.loads(built.read_text(encoding="utf-8"))  # the kept index, as built
        else:
            backend.clear()
            figures = build(backend, docs, folder, corpus)
        size_mb = folder_size(folder) / 1e6
        qrng = random.Random(SEED + 1)
        texts = [make_query(qrng) for _ in range(queries)]
        backend.search(SearchQuery(text="накладная", facets=True))  # warm the page cache
        latencies: list[float] = []
        cpu: list[float] = []
        totals: list[int] = []
        for text in texts:
            t, c = time.perf_counter(), time.process_time()
            result = backend.search(SearchQuery(text=text, facets=True, limit=20))
            latencies.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            totals.append(result.total)
        fresh_s = freshness(name, folder, backend, docs)
        backend.close()
    return {
        **figures, "size_mb": size_mb, "queries": queries, "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95), "p99": percentile(latencies, 99), "max": max(latencies),
        "cpu_p50": percentile(cpu, 50), "cpu_p95": percentile(cpu, 95), "cpu_p99": percentile(cpu, 99),
        "mean_hits": statistics.mean(totals), "empty": sum(1 for t in totals if t == 0), "fresh_s": fresh_s,
    }


def _thread_split(figures: dict[str, float]) -> str:
    """Where the build's CPU went (what two free cores could overlap), and the load it ran at."""
    if "build_thread_cpu_s" not in figures:  # an index kept by an older run
        return ""
    mine = figures["build_thread_cpu_s"]
    return (f"the indexing thread {mine:.1f} s, the engine's threads {figures['build_cpu_s'] - mine:.1f} s; "
            f"load average {figures['build_load']:.1f} at the start, {figures['build_load_end']:.1f} at the end; ")


def report(name: str, figures: dict[str, float]) -> str:
    return (
        f"- {name}: {int(figures['docs']):,} documents, {int(figures['words']):,} words: index build "
        f"{figures['build_s']:.1f} s ({figures['docs'] / figures['build_s']:.0f} docs/s; CPU "
        f"{figures['build_cpu_s']:.1f} s, {figures['docs'] / figures['build_cpu_s']:.0f} docs per CPU-second; "
        f"{_thread_split(figures)}{figures['generate_s']:.1f} s more waiting for or reading the corpus, "
        f"{figures['docs'] / (figures['build_s'] + figures['generate_s']):.0f} docs/s with it), "
        f"index {figures['size_mb']:.0f} MB\n"
        f"- {name}: {int(figures['queries'])} filtered full-text queries with facets and snippets: "
        f"p50 {figures['p50']:.1f} ms, p95 {figures['p95']:.1f} ms, p99 {figures['p99']:.1f} ms, "
        f"max {figures['max']:.1f} ms (CPU p50 {figures['cpu_p50']:.1f} ms, CPU p95 {figures['cpu_p95']:.1f} ms, "
        f"CPU p99 {figures['cpu_p99']:.1f} ms; mean {figures['mean_hits']:.0f} "
        f"matches a query, {int(figures['empty'])} with none); target p95 ≤ 50 ms\n"
        f"- {name}: a new document found {figures['fresh_s'] * 1000:.0f} ms after its commit"
    )


def append_section(path: Path, text: str, day: str) -> None:
    """Add a dated entry under '## Search latency', leaving other sections as they are."""
    heading = "## Search latency"
    content = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    entry = f"\n### {day}\n{text}\n"
    if heading not in content:
        intro = "`.venv/bin/python bench/search_latency.py` — the embedded backends."
        content = content.rstrip("\n") + f"\n\n{heading}\n{intro}\n" + entry
    else:
        start = content.index(heading) + len(heading)
        following = re.search(r"^## ", content[start:], flags=re.MULTILINE)
        end = start + following.start() if following else len(content)
        content = content[:end].rstrip("\n") + "\n" + entry + ("\n" + content[end:] if following else "")
    path.write_text(content, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--backend", action="append", choices=EMBEDDED,
        help=f"backend to measure (repeat to compare in one run); default: the configured default, {DEFAULT_BACKEND}",
    )
    parser.add_argument("--workdir", type=Path, help="folder for the temporary index (default: the system's temp)")
    parser.add_argument("--index-dir", type=Path,
                        help="keep the built index in this folder and measure the queries on it again when "
                             "it is there (a million documents are built once)")
    parser.add_argument("--corpus", type=Path,
                        help="make the corpus into this file first (or read it from there when it holds --docs "
                             "documents), so that the build does not share the cores with making it")
    parser.add_argument("--append", type=Path, help="append the figures to this Markdown file (docs/benchmarks.md)")
    parser.add_argument("--date", default=time.strftime("%Y-%m-%d"))
    args = parser.parse_args()
    if args.corpus is not None:
        t = time.perf_counter()
        make_corpus(args.corpus, args.docs)
        print(f"- corpus: {args.corpus} ready in {time.perf_counter() - t:.1f} s", flush=True)
    lines: list[str] = []
    for name in args.backend or [DEFAULT_BACKEND]:
        lines.append(report(name, run(name, args.docs, args.queries, args.workdir, args.index_dir, args.corpus)))
        print(lines[-1], flush=True)
    machine = (
        f"{os.cpu_count()} cores (load average {os.getloadavg()[0]:.1f} at the end), "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"tantivy {importlib.metadata.version('tantivy')}"
    )
    print(f"- machine: {machine}")
    if args.append:
        append_section(args.append, "\n".join(lines) + f"\n- machine: {machine}", args.date)
    return 0


if __name__ == "__main__":
    sys.exit(main())
