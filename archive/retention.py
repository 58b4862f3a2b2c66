"""How long each paper original is kept, and why: the retention table of Russian law as data.

The table (``archive/data/retention.toml``) gives each doc type its sources — 402-ФЗ ст. 29, НК РФ ст. 23,
the Росархив list of 2019 (приказ № 236) — each with its years and where its count starts: after the end
of the document's reporting year (``year_end``) or after the contract expires (``expiry``). A type is
kept as long as its longest source requires; a period counted from expiry has no end the archive can
compute (it does not know when a contract expires), so such originals are never selected for destruction
until the administrator gives the type another rule.

The administrator overrides a type in finarchive.toml::

    [retention.contract]
    years = 10
    from = "year_end"
    source = "Учётная политика, приказ № 12 от 09.01.2026"

A period shorter than the law's is refused (ConfigurationError). ``[originals] retention_by_type``
(years after the end of the year) still works as an override, and ``[originals] retention_years`` is the
period of a type the table does not list.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive.config import Settings
from archive.models import Original, OriginalState, StorageBox
from finarchive.errors import ConfigurationError

__all__ = ["Period", "Source", "due_for_destruction", "keep_until", "period", "retention_table"]

STARTS = {"year_end": "после окончания отчётного года / after the end of the reporting year",
          "expiry": "после истечения срока действия договора / after the contract expires"}


@dataclass(frozen=True)
class Source:
    """One legal act (or the administrator's own rule) that sets a retention period."""

    key: str
    act: str
    article: str
    years: int
    start: str  # year_end | expiry
    covers: str = ""

    def cite(self) -> str:
        return f"{self.act}, {self.article}" if self.article else self.act

    def as_dict(self) -> dict[str, Any]:
        return {"key": self.key, "act": self.act, "article": self.article, "years": self.years, "from": self.start,
                "covers": self.covers}


@dataclass(frozen=True)
class Period:
    """A doc type's retention: years, where the count starts, the sources, and who overrode the law's."""

    doc_type: str
    years: int
    start: str
    sources: tuple[Source, ...]
    title: str = ""
    overridden_by: str | None = None  # "finarchive.toml [retention.contract]" when the administrator's rule

    def keep_until(self, doc_date: dt.date | None) -> dt.date | None:
        """The last day the original must be kept; None when it cannot be computed (from expiry, or no date)."""
        if doc_date is None or self.start != "year_end":
            return None
        return dt.date(doc_date.year + self.years, 12, 31)

    def basis(self) -> str:
        """One line for a destruction act: the period and its sources."""
        cites = "; ".join(s.cite() for s in self.sources)
        return f"{self.doc_type}: {self.years} лет {STARTS[self.start].split(' / ')[0]} ({cites})"

    def as_dict(self) -> dict[str, Any]:
        return {"doc_type": self.doc_type, "title": self.title, "years": self.years, "from": self.start,
                "overridden_by": self.overridden_by, "sources": [s.as_dict() for s in self.sources]}


def _source(key: str, raw: Mapping[str, Any], where: str) -> Source:
    try:
        years, start = int(raw["years"]), str(raw.get("from", "year_end"))
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigurationError(f"{where}: years must be a whole number of years") from exc
    if start not in STARTS:
        raise ConfigurationError(f"{where}: from must be one of {', '.join(STARTS)}, not {start!r}")
    if years < 0:
        raise ConfigurationError(f"{where}: years cannot be negative")
    return Source(key=key, act=str(raw.get("act") or raw.get("source") or ""), article=str(raw.get("article") or ""),
                  years=years, start=start, covers=str(raw.get("covers") or ""))


@cache
def _law() -> dict[str, Period]:
    """The bundled table: the law's periods by doc type."""
    data = tomllib.loads(resources.files("archive").joinpath("data/retention.toml").read_text(encoding="utf-8"))
    sources = {key: _source(key, raw, f"retention.toml [sources.{key}]") for key, raw in data["sources"].items()}
    table = {}
    for doc_type, raw in data["types"].items():
        chosen = tuple(sources[k] for k in raw["sources"])
        start = "expiry" if any(s.start == "expiry" for s in chosen) else "year_end"
        table[doc_type] = Period(doc_type, max(s.years for s in chosen), start, chosen, title=str(raw.get("title", "")))
    return table


def _override(doc_type: str, raw: Any, law: Period | None) -> Period:
    where = f"finarchive.toml [retention.{doc_type}]"
    if not isinstance(raw, Mapping):
        raise ConfigurationError(f"{where}: expected a table with years (and from, source)")
    unknown = set(raw) - {"years", "from", "source", "article"}
    if unknown:
        raise ConfigurationError(f"{where}: unknown key(s) {', '.join(sorted(unknown))} (known: years, from, source, "
                                 "article)")
    own = _source("finarchive.toml", {"source": "правило администратора / the administrator's rule", **raw}, where)
    if law is not None and own.years < law.years:
        raise ConfigurationError(f"{where}: {own.years} years is shorter than the law's {law.years} "
                                 f"({'; '.join(s.cite() for s in law.sources)})")
    sources = (own, *(law.sources if law is not None else ()))
    return Period(doc_type, own.years, own.start, sources, title=law.title if law else "", overridden_by=where)


def period(settings: Settings | None, doc_type: str | None) -> Period:
    """The retention of ``doc_type``: the administrator's rule, else the law's, else ``retention_years``."""
    name = doc_type or "other"
    law = _law().get(name)
    overrides = (settings.get("retention", name) if settings is not None else None)
    if overrides is not None:
        return _override(name, overrides, law)
    legacy = (settings.get("originals", "retention_by_type") or {}) if settings is not None else {}
    if name in legacy:
        return _override(name, {"years": legacy[name], "from": "year_end",
                                "source": "finarchive.toml [originals] retention_by_type"}, law)
    if law is not None:
        return law
    years = int((settings.get("originals", "retention_years") if settings is not None else None) or 5)
    fallback = Source("retention_years", "finarchive.toml [originals] retention_years", "", years, "year_end")
    return Period(name, years, "year_end", (fallback,))


def keep_until(settings: Settings | None, doc_type: str | None, doc_date: dt.date | None) -> dt.date | None:
    return period(settings, doc_type).keep_until(doc_date)


def retention_table(settings: Settings | None) -> list[Period]:
    """Every doc type's retention as it applies in this archive: the law's types, then others configured."""
    names = list(_law())
    for extra in [*((settings.get("originals", "retention_by_type") or {}) if settings else {}),
                  *((settings.values.get("retention") or {}) if settings else {})]:
        if extra not in names:
            names.append(extra)
    return [period(settings, name) for name in names]


def due_for_destruction(session: Session, settings: Settings | None, *, today: dt.date | None = None,
                        ) -> list[dict[str, Any]]:
    """The selection for destruction (отбор к уничтожению): per box, the archived originals whose retention
    has run out and that are not held, and whether the whole box may go (``destroy_box`` would accept it)."""
    day = today or dt.date.today()
    out = []
    for box in session.scalars(select(StorageBox).where(StorageBox.state != "destroyed").order_by(StorageBox.code)):
        originals = list(session.scalars(select(Original).where(Original.box_id == box.id,
                                                                Original.state != OriginalState.DESTROYED)))
        if not originals:
            continue
        due, kept = [], []
        for o in originals:
            rule = period(settings, o.document.doc_type)
            row = {"barcode": o.barcode, "doc_type": o.document.doc_type, "number": o.document.number,
                   "doc_date": o.document.doc_date.isoformat() if o.document.doc_date else None,
                   "keep_until": o.keep_until.isoformat() if o.keep_until else None, "basis": rule.basis()}
            if o.legal_hold:
                kept.append({**row, "why": f"legal hold: {o.hold_reason}"})
            elif o.keep_until is None:
                kept.append({**row, "why": f"срок {STARTS[rule.start]}: дата окончания неизвестна / "
                                           "the end of the period is not known"})
            elif o.keep_until >= day:
                kept.append({**row, "why": f"in retention until {o.keep_until.isoformat()}"})
            elif o.state != OriginalState.ARCHIVED:
                kept.append({**row, "why": f"{o.state}, not in the box"})
            else:
                due.append(row)
        if due:
            out.append({"box": box.code, "location": box.location, "destroyable": not kept, "due": due,
                        "kept": kept})
    return out
