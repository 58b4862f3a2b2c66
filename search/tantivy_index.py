"""The embedded backend by default: a Tantivy index (a folder of its own), fed the same terms as FTS5.

Texts are analysed in Python by :mod:`search.stemming` (Russian and English Snowball stems, numbers and
codes whole) and given to Tantivy as space-separated terms, so both embedded engines hold the same
terms and a query means the same in each. Title, extracted fields and body are indexed with positions
(phrases) and ranked by BM25, weighted as the FTS5 columns; the original texts are stored for the
snippets. A prefix without a separator (``invoic*``) is looked up in the titles' term heads
(``invoice-12.pdf`` → ``invoice``), which find the same titles as the whole terms without expanding
to every file name. A phrase of words in the body is looked up in the body's word pairs (each two
neighbouring word terms as one, ``договор_поставк``): a phrase of two words is one term, a longer one
compares positions only where all its pairs are; phrases with a number or code compare positions as
before. Filters and facets are fast fields: a terms aggregation counts the facets of the
whole match set inside Tantivy, and a value count beside them the total, so the top-k search of a
facetted query counts nothing. That pass runs in a thread of its own beside the top-k search and the
snippets (Tantivy lets the GIL go while it searches): on two cores a query takes the longer of the two.
A search's total and facets are kept for its next pages (the same text and filters) until the index
takes another commit.

An import gives each committed document to :meth:`TantivyBackend.index_soon`: documents wait in memory
and one commit takes all that came in the tenth of a second after the first (``COMMIT_DELAY_SECONDS``)
and during the commit before it, made by a background thread, by :meth:`~TantivyBackend.flush` at the
end of the import, or at once when a thousand are waiting. A burst thus costs one fsync per commit's
time instead of one a document, and a document is searchable within a second of its database commit
(the delay and the commit's fsync). What a killed process held is lost from the index only: the import
keeps a mark for each document until its callback says it is committed, and the next start indexes the
marked ones again.

Tantivy allows one writer per index across processes (the web app, `watch` and the CLI may each hold
the archive open): a writer is taken for each write, waited for when another process holds it, and let
go after its commit. A search first looks whether ``meta.json`` (which every commit rewrites) changed
since it last looked, and if so takes the new commit: a document committed by another process is found
by the next search here.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from itertools import pairwise
from pathlib import Path
from typing import Any

import tantivy

from search._records import fields_text, kopecks, optional_code_key, outlet_key, year
from search._snippet import first_snippet
from search.base import FACETS, SearchBackend
from search.exceptions import BackendUnavailableError, SearchError
from search.query import Clause, Term, TextQuery, compile_query
from search.stemming import stemmed_text
from search.types import SearchHit, SearchQuery, SearchRecord, SearchResult

SCHEMA_VERSION = "3"  # 2: title_heads; 3: body_pairs
MARKER = "finarchive-search.json"
#: BM25 boosts of the text fields, as the FTS5 backend's column weights
WEIGHTS = {"title": 8.0, "fields": 4.0, "body": 1.0}
TERMS_ANALYZER = "finarchive_terms"  # our terms, space-separated: split on whitespace, nothing else
FACET_SIZE = 1000
WRITER_HEAP = 512_000_000  # a stream of records (reindex): fewer, larger segments, fewer merges
SMALL_WRITE_HEAP = 16_000_000  # a few records (one import's document): a writer quicker to set up
WRITER_WAIT_SECONDS = 60.0
COMMIT_DELAY_SECONDS = 0.1  # a document given to index_soon is committed at most this long after
PENDING_LIMIT = 1000  # ... or as soon as this many wait
FACET_THREADS = 2  # facets' passes of concurrent searches at once (each beside its own top-k search)
DAY_TERMS = 1200  # a date filter of at most this many days is the set of its days' terms (see _days)
COUNTS_CACHED = 64  # searches (text and filters) whose total and facets are kept for their next pages
_TOTAL = "_total"  # the aggregation that counts the matches beside the facets
Facets = dict[str, dict[str, int]]
Stamp = tuple[int, int] | None
log = logging.getLogger(__name__)
_REGEX_META = re.compile(r"([.\\+*?()|\[\]{}^$#&~\-])")
_SEPARATOR = re.compile(r"[-./,]")  # what joins the runs of a code term (ЗК-000781, invoice-12.pdf)

# facet name → the fast field counted
_FACET_FIELDS = {"doc_type": "doc_type", "outlet": "outlet", "status": "status",
                 "original_state": "original_state", "year": "year"}
# SearchQuery field → raw keyword field and how the value becomes its term
_KEYWORD_FILTERS: tuple[tuple[str, str, Any], ...] = (
    ("doc_type", "doc_type", str),
    ("outlet", "outlet_key", outlet_key),
    ("status", "status", str),
    ("inn", "inns", str),
    ("order_no", "order_key", optional_code_key),
    ("number", "number_key", optional_code_key),
    ("original_state", "original_state", str),
)


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    for name in WEIGHTS:
        builder.add_text_field(name, tokenizer_name=TERMS_ANALYZER, index_option="position")
    # each title term up to its first separator (invoice-12.pdf: invoice), for prefixes without one
    builder.add_text_field("title_heads", tokenizer_name=TERMS_ANALYZER, index_option="basic")
    # each two neighbouring word terms of the body as one term (договор_поставк), for its phrases
    builder.add_text_field("body_pairs", tokenizer_name=TERMS_ANALYZER, index_option="freq")
    for name in ("raw_title", "raw_fields", "raw_body"):  # the original texts, for snippets and hits
        builder.add_bytes_field(name, stored=True)
    for name in ("doc_type", "outlet", "outlet_key", "status", "original_state", "year", "inns",
                 "order_key", "number_key"):
        builder.add_text_field(name, stored=name in ("doc_type", "outlet", "status"), fast=name in _FACETED,
                               tokenizer_name="raw", index_option="basic")
    builder.add_text_field("date", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("total", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_integer_field("day", indexed=True, fast=True)  # YYYYMMDD, 0 when undated
    builder.add_integer_field("newest", fast=True)  # day and doc_id in one key: the order without text
    builder.add_integer_field("total_kop", indexed=True, fast=True)
    return builder.build()


_FACETED = frozenset(_FACET_FIELDS.values())


def _day(value: str | None) -> int:
    if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return int(value.replace("-", ""))
    return 0


def _days(low: int, high: int | None) -> list[int] | None:
    """Every day key (YYYYMMDD, days 1–31 of each month) from ``low`` to ``high``; None when the range
    is open or longer than ``DAY_TERMS`` keys.

    Beside words, the set of days' terms (a union of their posting lists, which skips to the next match)
    is much quicker than a range over the day's fast field (which is read document by document): a month's
    filter with two words at 100,000 documents 0.5 against 1.8 ms. Days that no calendar has (31 February)
    are terms no document holds.
    """
    if high is None or high < low or low < 10_000_000:
        return None
    days: list[int] = []
    month = low // 100
    while month <= high // 100:
        days.extend(day for day in range(month * 100 + 1, month * 100 + 32) if low <= day <= high)
        if len(days) > DAY_TERMS:
            return None
        month = month + 89 if month % 100 == 12 else month + 1  # 202512 → 202601
    return days


def _heads(terms: str) -> str:
    """Each of the space-separated ``terms`` up to its first separator.

    A term starts with a prefix that holds no separator exactly when its head does, so such a prefix
    finds the same titles in the heads, where every file name ``invoice-N.pdf`` is the one term
    ``invoice``, as in the titles, where the prefix would expand to each of those names.
    """
    return " ".join(_SEPARATOR.split(term, 1)[0] for term in terms.split())


def _pairs(terms: list[str]) -> str:
    """Each two neighbouring terms that are both words (letters only) as one term, joined by ``_``.

    No term holds ``_`` (a token is a run of letters and digits), so a pair cannot be mistaken for a
    term. A phrase of two words is then one term to look up instead of two position lists to compare
    at every document holding both words: the phrases of everyday words match a large share of the
    archive. Pairs with a number or code are left out: nearly every one of them is unique (amounts,
    quantities), which would fill the term dictionary; such phrases compare positions as before.
    """
    return " ".join([f"{a}_{b}" for a, b in pairwise(terms) if a.isalpha() and b.isalpha()])


def _escape(term: str) -> str:
    return _REGEX_META.sub(r"\\\1", term)


OPEN_ATTEMPTS = 10  # opening an index another process commits to: tries before it is unavailable


class TantivyBackend(SearchBackend):
    """Full-text search in a Tantivy index folder; safe to share between threads and processes."""

    kind = "tantivy"

    def __init__(self, path: str | Path, *, writer_threads: int = 1, writer_heap: int = WRITER_HEAP) -> None:
        self.path = Path(path)
        self.writer_threads = max(1, writer_threads)
        self.writer_heap = writer_heap
        self._lock = threading.RLock()
        self._reading = threading.Lock()  # guards _seen and the reload
        self._seen: Stamp = None  # the commit the reader last took (see _reader)
        # index_soon's documents not yet committed, and what to call once they are
        self._pending: list[tuple[int, tantivy.Document]] = []
        self._committed: list[Callable[[], None]] = []
        self._pending_since = 0.0
        self._wake = threading.Condition(threading.Lock())  # guards the three above
        self._flusher: threading.Thread | None = None
        self._flusher_pid = 0
        # (query without its page, the commit seen) → its total and facets; guarded by _wake
        self._counts: OrderedDict[tuple[SearchQuery, Stamp], tuple[int, Facets]] = OrderedDict()
        self._closed = False
        self._counter: ThreadPoolExecutor | None = None  # see _pool
        self._counter_pid = 0
        self._schema = _schema()
        for attempt in range(OPEN_ATTEMPTS):
            try:
                self._index = self._open()
                break
            except (OSError, ValueError) as exc:
                # another process committing meanwhile: a temporary file tantivy listed is gone when it reads it
                if "No such file or directory" in str(exc) and attempt + 1 < OPEN_ATTEMPTS:
                    time.sleep(0.05 * (attempt + 1))
                    continue
                raise BackendUnavailableError(f"cannot open the search index {self.path}: {exc}") from exc

    # ------------------------------------------------------------ opening

    def _open(self) -> tantivy.Index:
        marker = self.path / MARKER
        wanted = {"engine": "tantivy", "schema": SCHEMA_VERSION}
        if self.path.exists():
            try:
                found = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                found = None
            if found != wanted and any(self.path.iterdir()):
                # an index of another layout (or of no known one): derived data, dropped and rebuilt by reindex
                shutil.rmtree(self.path)
        self.path.mkdir(parents=True, exist_ok=True)
        index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        index.register_tokenizer(TERMS_ANALYZER, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        if not marker.exists():
            marker.write_text(json.dumps(wanted), encoding="utf-8")
        return index

    @contextmanager
    def _writing(self, doing: str, *, small: bool = True) -> Iterator[Any]:
        """A writer for one batch of changes, committed at the end; waits while another process writes."""
        heap = min(self.writer_heap, SMALL_WRITE_HEAP) if small else self.writer_heap
        with self._lock:
            deadline = time.monotonic() + WRITER_WAIT_SECONDS
            while True:
                try:
                    writer = self._index.writer(heap_size=heap, num_threads=self.writer_threads)
                    break
                except ValueError as exc:
                    if "LockBusy" not in str(exc) or time.monotonic() > deadline:
                        raise SearchError(f"{doing} the search index {self.path} failed: {exc}") from exc
                    time.sleep(0.05)
            try:
                yield writer
                writer.commit()
            except ValueError as exc:
                writer.rollback()
                raise SearchError(f"{doing} the search index {self.path} failed: {exc}") from exc
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # lets the lock go
            self._searcher()

    def _searcher(self) -> tantivy.Searcher:
        """A searcher of the newest commit, whichever process made it."""
        return self._reader()[0]

    def _reader(self) -> tuple[tantivy.Searcher, Stamp]:
        """A searcher of the newest commit and that commit's stamp (meta.json's inode and time: a
        commit writes a new meta.json and renames it over the old one)."""
        try:
            meta = (self.path / "meta.json").stat()
            stamp: Stamp = (meta.st_ino, meta.st_mtime_ns)
        except OSError:
            stamp = None
        with self._reading:  # not _lock, which a write holds through its commit
            if stamp != self._seen:
                self._index.reload()
                self._seen = stamp
                with self._wake:
                    self._counts.clear()
            return self._index.searcher(), stamp

    # ------------------------------------------------------------ writing

    def _document(self, record: SearchRecord) -> tantivy.Document:
        extracted = fields_text(record)
        doc = tantivy.Document()
        doc.add_integer("doc_id", record.doc_id)
        title = stemmed_text(record.title or "")
        doc.add_text("title", title)
        doc.add_text("title_heads", _heads(title))
        doc.add_text("fields", stemmed_text(extracted))
        body = stemmed_text(record.text or "")
        doc.add_text("body", body)
        doc.add_text("body_pairs", _pairs(body.split()))
        doc.add_bytes("raw_title", (record.title or "").encode())
        doc.add_bytes("raw_fields", extracted.encode())
        doc.add_bytes("raw_body", (record.text or "").encode())
        keywords = {
            "doc_type": record.doc_type, "outlet": record.outlet, "outlet_key": outlet_key(record.outlet),
            "status": record.status, "original_state": record.original_state, "year": year(record.date),
            "order_key": optional_code_key(record.order_no), "number_key": optional_code_key(record.number),
            "date": record.date, "total": record.total,
        }
        for name, value in keywords.items():
            if value:
                doc.add_text(name, value)
        for inn in dict.fromkeys(record.inns):
            if inn:
                doc.add_text("inns", inn)
        day = _day(record.date)
        doc.add_integer("day", day)
        doc.add_integer("newest", day * 10_000_000_000 + record.doc_id)
        amount = kopecks(record.total)
        if amount is not None:
            doc.add_integer("total_kop", amount)
        return doc

    def index(self, records: Iterable[SearchRecord]) -> int:
        small = isinstance(records, Sized) and len(records) <= 1000
        with self._lock:
            self.flush()  # what index_soon holds is older: written first, so these records win
            return self._index_now(records, small)

    def _index_now(self, records: Iterable[SearchRecord], small: bool) -> int:
        written = 0
        with self._writing("indexing", small=small) as writer:
            # Into an empty index (a reindex), a stream in rising doc_id order cannot replace anything:
            # the delete each record would otherwise queue is left out until an id repeats or goes back.
            fresh = self._searcher().num_docs == 0
            last = 0
            for record in records:
                fresh = fresh and record.doc_id > last
                last = record.doc_id
                if not fresh:
                    writer.delete_documents_by_term("doc_id", record.doc_id)
                writer.add_document(self._document(record))
                written += 1
        return written

    def index_soon(self, records: Iterable[SearchRecord], committed: Callable[[], None] | None = None) -> None:
        documents = [(record.doc_id, self._document(record)) for record in records]
        with self._wake:
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending.extend(documents)
            if committed is not None:
                self._committed.append(committed)
            full = len(self._pending) >= PENDING_LIMIT
            self._start_flusher()
            self._wake.notify()
        if full:
            self.flush()

    def flush(self) -> None:
        with self._lock:  # one write at a time, in the order the documents came
            with self._wake:
                batch, self._pending = self._pending, []
                committed, self._committed = self._committed, []
            if batch:
                with self._writing("indexing") as writer:
                    for doc_id, document in batch:
                        writer.delete_documents_by_term("doc_id", doc_id)
                        writer.add_document(document)
        for callback in committed:
            callback()

    def _start_flusher(self) -> None:
        """The thread that commits what waits, started in this process on the first index_soon (a
        forked worker does not inherit its parent's)."""
        if self._flusher is not None and self._flusher.is_alive() and self._flusher_pid == os.getpid():
            return
        self._flusher_pid = os.getpid()
        self._flusher = threading.Thread(target=self._flush_when_due, name=f"tantivy-commit {self.path.name}",
                                         daemon=True)
        self._flusher.start()

    def _flush_when_due(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._closed:
                    self._wake.wait()
                if not self._pending:
                    return
                wait = self._pending_since + COMMIT_DELAY_SECONDS - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
            try:
                self.flush()
            except Exception as exc:  # the documents keep their import marks: indexed at the next start
                log.warning("the search index %s could not commit recent documents (%s); they are indexed "
                            "at the next start", self.path, exc)

    def delete(self, doc_ids: Iterable[int]) -> None:
        with self._lock:
            self.flush()
            with self._writing("deleting") as writer:
                for doc_id in doc_ids:
                    writer.delete_documents_by_term("doc_id", int(doc_id))

    def clear(self) -> None:
        with self._lock:
            self.flush()
            with self._writing("clearing") as writer:
                writer.delete_all_documents()

    def count(self) -> int:
        return int(self._searcher().num_docs)

    def doc_ids(self) -> set[int]:
        searcher = self._searcher()
        total = searcher.num_docs
        if not total:
            return set()
        hits = searcher.search(tantivy.Query.all_query(), total, count=False).hits
        values = searcher.fast_field_values("doc_id", [address for _, address in hits])
        return {int(v) for v in values if v is not None}

    def close(self) -> None:
        """Commit what waits; writers are let go after each write, searchers are per query."""
        try:
            self.flush()
        finally:
            with self._wake:
                self._closed = True
                self._wake.notify()
                counter, self._counter = self._counter, None
            if counter is not None:
                counter.shutdown(wait=False)

    # ------------------------------------------------------------ searching

    def _term_query(self, field: str, term: Term) -> tantivy.Query:
        words: list[str | tuple[int, str]] = list(term.terms)
        if term.prefix and len(words) == 1:
            if field == "title" and not _SEPARATOR.search(term.terms[0]):
                field = "title_heads"  # the same titles, over far fewer terms (see _heads)
            return tantivy.Query.regex_query(self._schema, field, _escape(term.terms[0]) + ".*")
        if term.prefix:
            return tantivy.Query.phrase_prefix_query(self._schema, field, words)
        if len(words) > 1 and field == "body" and all(word.isalpha() for word in term.terms):
            pairs = [f"{a}_{b}" for a, b in pairwise(term.terms)]
            if len(pairs) == 1:  # exactly the documents with the two words side by side
                return tantivy.Query.term_query(self._schema, "body_pairs", pairs[0])
            # longer: the documents with every pair, then the positions of the whole phrase in those alone
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Must, tantivy.Query.const_score_query(
                    tantivy.Query.term_query(self._schema, "body_pairs", pair), 0.0)) for pair in pairs]
                + [(tantivy.Occur.Must, tantivy.Query.phrase_query(self._schema, field, words))]
            )
        if len(words) > 1:
            return tantivy.Query.phrase_query(self._schema, field, words)
        return tantivy.Query.term_query(self._schema, field, term.terms[0])

    def _text_query(self, term: Term) -> tantivy.Query:
        per_field = [
            (tantivy.Occur.Should, tantivy.Query.boost_query(self._term_query(field, term), weight))
            for field, weight in WEIGHTS.items()
        ]
        return tantivy.Query.boolean_query(per_field)

    def _clause_query(self, clause: Clause) -> tantivy.Query:
        alternatives = [self._text_query(term) for term in clause.alternatives]
        if len(alternatives) == 1:
            return alternatives[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])

    def _filters(self, query: SearchQuery) -> list[tantivy.Query] | None:
        """The filters as queries; None when they exclude everything (no outlet allowed)."""
        out: list[tantivy.Query] = []
        for attribute, field, convert in _KEYWORD_FILTERS:
            value = getattr(query, attribute)
            if value is not None:
                out.append(tantivy.Query.term_query(self._schema, field, convert(value)))
        if query.date_from is not None or query.date_to is not None:
            low = _day(query.date_from) if query.date_from else 1  # undated documents are in no range
            high = _day(query.date_to) if query.date_to else None
            days = _days(low, high)
            if days is not None:
                out.append(tantivy.Query.term_set_query(self._schema, "day", days))
            else:
                out.append(tantivy.Query.range_query(self._schema, "day", tantivy.FieldType.Integer, low, high))
        if query.amount_min is not None or query.amount_max is not None:
            out.append(tantivy.Query.range_query(
                self._schema, "total_kop", tantivy.FieldType.Integer, kopecks(query.amount_min),
                kopecks(query.amount_max),
            ))
        if query.outlets is not None:
            keys = sorted({key for key in map(outlet_key, query.outlets) if key is not None})
            if not keys:
                return None
            out.append(tantivy.Query.term_set_query(self._schema, "outlet_key", keys))
        return out

    def _query(self, query: SearchQuery, text: TextQuery) -> tantivy.Query | None:
        filters = self._filters(query)
        if filters is None:
            return None
        parts: list[tuple[tantivy.Occur, tantivy.Query]] = [
            (tantivy.Occur.Must, self._clause_query(clause)) for clause in text.positive
        ]
        parts += [(tantivy.Occur.Must, tantivy.Query.const_score_query(f, 0.0)) for f in filters]
        parts += [(tantivy.Occur.MustNot, self._clause_query(clause)) for clause in text.negative]
        if not any(occur == tantivy.Occur.Must for occur, _ in parts):
            parts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        return tantivy.Query.boolean_query(parts)

    def search(self, query: SearchQuery) -> SearchResult:
        query, text = compile_query(query)
        searcher, stamp = self._reader()
        compiled = self._query(query, text)
        if compiled is None:
            return SearchResult(total=0, hits=(), facets={name: {} for name in FACETS} if query.facets else {})
        key = (replace(query, limit=0, offset=0), stamp)
        counted = self._cached_counts(key) if query.facets else None
        # The facets' pass (which counts the matches too) runs in another thread beside the top-k search and
        # the snippets: Tantivy lets the GIL go while it searches, so on two cores a query takes the longer
        # of the two, not their sum. With the facets, the top-k search need not count.
        counting = self._pool().submit(self._facets, searcher, compiled) if query.facets and not counted else None
        try:
            limit = max(query.limit, 1)  # Tantivy's top k panics at 0: a count alone takes one hit, not shown
            if text.positive:
                found = searcher.search(compiled, limit, count=not query.facets, offset=query.offset)
            else:
                found = searcher.search(compiled, limit, count=not query.facets, offset=query.offset,
                                        order_by_field="newest", order=tantivy.Order.Desc)
            whole, prefixes = text.highlight_terms
            hits = tuple(
                _hit(searcher.doc(address).to_dict(), float(score) if text.positive else 0.0, whole, prefixes)
                for score, address in found.hits[: query.limit]
            )
            if counting is not None:
                counted = counting.result()
                self._keep_counts(key, counted)
        except ValueError as exc:
            raise SearchError(f"search failed: {exc}") from exc
        finally:
            if counting is not None:
                counting.cancel()  # (when the top-k search failed first)
        if counted is not None:
            return SearchResult(total=counted[0], hits=hits, facets=counted[1])
        total = found.count  # type: ignore[attr-defined]  # tantivy's stub omits SearchResult.count
        return SearchResult(total=int(total or 0), hits=hits, facets={})

    def _pool(self) -> ThreadPoolExecutor:
        """The threads that count facets, this process's own (a forked worker does not inherit its parent's)."""
        with self._wake:
            if self._counter is None or self._counter_pid != os.getpid():
                self._counter = ThreadPoolExecutor(max_workers=FACET_THREADS, thread_name_prefix="tantivy-facets")
                self._counter_pid = os.getpid()
            return self._counter

    def _cached_counts(self, key: tuple[SearchQuery, Stamp]) -> tuple[int, Facets] | None:
        """The total and the facets of a search (its text and filters) while no commit came since: the next
        page of the same search does not count them again."""
        with self._wake:
            cached = self._counts.get(key)
            if cached is not None:
                self._counts.move_to_end(key)
            return cached

    def _keep_counts(self, key: tuple[SearchQuery, Stamp], counted: tuple[int, Facets]) -> None:
        with self._wake:
            self._counts[key] = counted
            while len(self._counts) > COUNTS_CACHED:
                self._counts.popitem(last=False)

    @staticmethod
    def _facets(searcher: Any, compiled: tantivy.Query) -> tuple[int, Facets]:
        """The number of matches and the facet counts over all of them, in one aggregation pass."""
        spec: dict[str, Any] = {
            name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in _FACET_FIELDS.items()
        }
        spec[_TOTAL] = {"value_count": {"field": "doc_id"}}  # every document has its one doc_id
        result = searcher.aggregate(compiled, spec)
        facets: Facets = {}
        for name in FACETS:
            buckets = result.get(name, {}).get("buckets", [])
            pairs = [(str(b["key"]), int(b["doc_count"])) for b in buckets]
            facets[name] = dict(sorted(pairs, key=lambda kv: (-kv[1], kv[0])))
        return int(result.get(_TOTAL, {}).get("value") or 0), facets


def _first(doc: dict[str, list[Any]], name: str) -> Any:
    values = doc.get(name)
    return values[0] if values else None


def _text(doc: dict[str, list[Any]], name: str) -> str:
    value = _first(doc, name)
    return bytes(value).decode() if value is not None else ""


def _hit(doc: dict[str, list[Any]], score: float, whole: tuple[str, ...], prefixes: tuple[str, ...]) -> SearchHit:
    title = _text(doc, "raw_title")
    snippet = first_snippet((_text(doc, "raw_body"), _text(doc, "raw_fields"), title), whole, prefixes)
    return SearchHit(
        doc_id=int(_first(doc, "doc_id")), score=score, title=title, snippet=snippet,
        doc_type=_first(doc, "doc_type"), outlet=_first(doc, "outlet"), status=_first(doc, "status"),
        date=_first(doc, "date"), total=_first(doc, "total"),
    )
