"""Routes: rules that move documents. Each ``[[routes]]`` table of finarchive.toml names an event, the
conditions a subject must meet, and what to do: give someone a task (with a deadline and a controller),
send an e-mail, call a webhook.

Routes are read and checked when the archive is opened (:func:`load_routes`, called by ``Archive.open``
and ``Archive.init``): a bad rule stops ``init``, ``serve``, ``watch`` and ``import`` with its line in
finarchive.toml. They are applied in their order in the file; ``stop = true`` ends the list for the event.
Every action is audited (``task.created``, ``notification.queued``) and every event asked about is a
:class:`~archive.models.RouteEvent` row.

Events (:data:`EVENTS`) are raised by the places where they happen: the pipeline's commit
(``archived``, ``needs_review``), the verification desk (``verified``, ``rejected``), and the scheduled
sweep :func:`sweep` (``original_overdue``, ``order_incomplete``, ``dossier_incomplete``, and ``zreport_missing``
through :func:`emit_zreport_missing`, which Z-report continuity calls), and the order links
(``document_linked``, ``order_complete``: :func:`link_confirmed`, which archive/orders.py calls) — the CRM's
webhooks. Nothing here sends anything: e-mails and
webhook calls are queued in the same transaction and sent after it commits (archive/notify.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import os
import re
import threading
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit, notify, tasks
from archive.approvals import load_approvals, start_approval
from archive.config import CONFIG_NAME, Settings
from archive.dossiers import load_dossier_kinds
from archive.models import (
    Document,
    DocumentStatus,
    Order,
    OrderLink,
    Original,
    OriginalState,
    RouteEvent,
    Task,
    TaskState,
    utcnow,
)
from finarchive.errors import ConfigurationError, NotFoundError

if TYPE_CHECKING:
    from archive.pipeline import Pipeline
    from archive.store import Archive

log = logging.getLogger(__name__)

__all__ = [
    "EVENTS",
    "Route",
    "Scheduler",
    "Subject",
    "add_route",
    "document_event",
    "emit",
    "emit_zreport_missing",
    "link_confirmed",
    "load_routes",
    "matching_routes",
    "original_moved",
    "remove_route",
    "route_block",
    "route_committed",
    "settings_of",
    "subject_of_document",
    "sweep",
]

# The events a route may name, with what they mean (docs/configuration.md lists the same).
EVENTS: dict[str, str] = {
    "archived": "every committed document, whatever its status",
    "needs_review": "a committed document that needs review",
    "verified": "a document verified at the desk",
    "rejected": "a document rejected for a rescan",
    "original_overdue": "a paper original past its due date, still owed by the outlet",
    "zreport_missing": "a Z-report missing from a cash register's sequence",
    "order_incomplete": "an order still missing documents [workflow] order_grace_days after its date",
    "document_linked": "a document linked to an order (confirmed: by its number, a barcode, by hand)",
    "order_complete": "an order that has every document its kind requires (once for each complete set)",
    "dossier_incomplete": "a counterparty's dossier lacking items [counterparties] grace_days after its first "
                          "document",
}

DOC_TYPES = ("z_report", "sales_report", "waybill", "upd", "vat_invoice", "invoice", "act", "contract",
             "receipt", "other")
# How a task, an e-mail and a webhook name a document (Russian: the users' language).
TITLE_LABELS = {
    "z_report": "Z-отчёт", "sales_report": "Отчёт о продажах", "waybill": "Товарная накладная", "upd": "УПД",
    "vat_invoice": "Счёт-фактура", "invoice": "Счёт", "act": "Акт", "contract": "Договор", "receipt": "Чек",
    "other": "Документ",
}
ROLE_GROUPS = ("outlet", "accountant", "manager", "admin")  # a role is a group too; "outlet": the subject's


@dataclass(frozen=True)
class Subject:
    """What an event happened to, as the conditions and the messages see it."""

    key: str  # document:12, original:7, order:15, zreport:MSK-01:2026-11-30
    title: str  # «Товарная накладная № 4521 от 2026-03-14»
    document_id: int | None = None
    order_id: int | None = None
    outlet: str | None = None
    doc_type: str | None = None
    amount: Decimal | None = None
    inns: frozenset[str] = frozenset()
    confidence: float | None = None
    path: str | None = None  # the desk's page of it: /documents/12
    data: dict[str, Any] = field(default_factory=dict)  # the webhook's "subject"


# -- the rules ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One ``[[routes]]`` table, checked."""

    name: str
    on: str
    line: int = 0  # of its [[routes]] header in finarchive.toml (0: not from the file)
    outlets: frozenset[str] = frozenset()
    doc_types: frozenset[str] = frozenset()
    inns: frozenset[str] = frozenset()
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    confidence_min: float | None = None
    confidence_max: float | None = None
    assign: str | None = None
    group: str | None = None
    controller: str | None = None
    due_days: float = 1.0
    email: tuple[str, ...] = ()
    webhook: tuple[str, ...] = ()
    approval: str | None = None  # the [[approvals]] route a document is sent along
    stop: bool = False

    def matches(self, subject: Subject) -> bool:
        """Every condition the route sets holds for ``subject`` (a condition on what it lacks does not)."""
        return all(check(self, subject) for check in CONDITIONS)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value in (None, (), frozenset(), False) or f.name == "line":
                continue
            out[f.name] = sorted(value) if isinstance(value, frozenset) else list(value) if isinstance(
                value, tuple) else str(value) if isinstance(value, Decimal) else value
        return out


def _within(value: Any, low: Any, high: Any) -> bool:
    if low is None and high is None:
        return True
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)


# The conditions, each true when the route does not set it.
CONDITIONS: tuple[Callable[[Route, Subject], bool], ...] = (
    lambda r, s: not r.outlets or s.outlet in r.outlets,
    lambda r, s: not r.doc_types or s.doc_type in r.doc_types,
    lambda r, s: not r.inns or bool(r.inns & s.inns),
    lambda r, s: _within(s.amount, r.amount_min, r.amount_max),
    lambda r, s: _within(s.confidence, r.confidence_min, r.confidence_max),
)


class RouteError(ConfigurationError):
    """A ``[[routes]]`` rule that cannot be used; the message names its line in finarchive.toml."""


def _strings(value: Any, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise ValueError(f"{key}: строка или список строк / a string or a list of strings")
    return tuple(v.strip() for v in items)


def _decimal(value: Any, key: str) -> Decimal:
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        return Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"{key}: не сумма / not an amount ({value!r})") from None


def _fraction(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{key}: число от 0 до 1 / a number from 0 to 1 ({value!r})")
    return float(value)


def _inns(value: Any, key: str) -> frozenset[str]:
    from classify import valid_inn

    inns = _strings(value, key)
    bad = [v for v in inns if not (v.isdigit() and len(v) in (10, 12) and valid_inn(v))]
    if bad:
        raise ValueError(f"{key}: ИНН с неверными контрольными цифрами / not a valid INN: {', '.join(bad)}")
    return frozenset(inns)


def _doc_types(value: Any, key: str) -> frozenset[str]:
    types = _strings(value, key)
    bad = [t for t in types if t not in DOC_TYPES]
    if bad:
        raise ValueError(f"{key}: нет такого типа / no such doc type: {', '.join(bad)} (one of {', '.join(DOC_TYPES)})")
    return frozenset(types)


def _urls(value: Any, key: str) -> tuple[str, ...]:
    urls = _strings(value, key)
    bad = [u for u in urls if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", u)]
    if bad:
        raise ValueError(f"{key}: не адрес http(s) / not an http(s) URL: {', '.join(bad)}")
    return urls


def _days(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise ValueError(f"{key}: число дней ≥ 0 / a number of days, 0 or more ({value!r})")
    return float(value)


def _name(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{key}: непустая строка / a non-empty string")
    return value.strip()


def _flag(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{key}: true или false / true or false")
    return value


# Every key a route may have: its Route attribute and how its value is read. Data, not a chain of ifs.
KEYS: dict[str, tuple[str, Callable[[Any, str], Any]]] = {
    "name": ("name", _name),
    "on": ("on", _name),
    "outlet": ("outlets", lambda v, k: frozenset(_strings(v, k))),
    "doc_type": ("doc_types", _doc_types),
    "counterparty_inn": ("inns", _inns),
    "amount_min": ("amount_min", _decimal),
    "amount_max": ("amount_max", _decimal),
    "confidence_min": ("confidence_min", _fraction),
    "confidence_max": ("confidence_max", _fraction),
    "assign": ("assign", _name),
    "group": ("group", _name),
    "controller": ("controller", _name),
    "due_days": ("due_days", _days),
    "email": ("email", _strings),
    "webhook": ("webhook", _urls),
    "approval": ("approval", _name),
    "stop": ("stop", _flag),
}


def _route_lines(text: str) -> list[int]:
    """The line (1-based) of each ``[[routes]]`` header, in order."""
    return [n for n, line in enumerate(text.splitlines(), 1) if re.match(r"\s*\[\[\s*routes\s*\]\]", line)]


def _key_line(text: str, start: int, key: str) -> int:
    """The line of ``key = ...`` in the table whose header is on line ``start`` (else ``start``)."""
    lines = text.splitlines()
    for n in range(start, len(lines)):
        line = lines[n]
        if re.match(r"\s*\[", line):
            break
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return n + 1
    return start


def route_block(text: str, header_line: int) -> tuple[int, int]:
    """The lines ``[start, end)`` (0-based) of the table whose header is on ``header_line``: to the next
    table's header, less the comments and blank lines before it (they belong to what follows)."""
    lines = text.splitlines()
    start = header_line - 1
    end = start + 1
    while end < len(lines) and not re.match(r"\s*\[", lines[end]):
        end += 1
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
        end -= 1
    return start, end


def parse_route(table: Any, *, groups: dict[str, Any], line: int = 0,
                where: Callable[[str], int] | None = None, approvals: dict[str, Any] | None = None) -> Route:
    """One rule, checked; a problem raises RouteError naming the line (of the key when it is known)."""
    at = where or (lambda key: line)

    def fail(message: str, key: str = "") -> RouteError:
        label = f"маршрут «{table.get('name')}» / route {table.get('name')!r}" if isinstance(table, dict) and \
            table.get("name") else "маршрут / route"
        place = f"{CONFIG_NAME}, строка {at(key) if key else line} / line {at(key) if key else line}: " if line \
            else ""
        return RouteError(f"{place}{label}: {message}")

    if not isinstance(table, dict):
        raise fail("ожидалась таблица [[routes]] / expected a [[routes]] table")
    values: dict[str, Any] = {"line": line}
    for key, raw in table.items():
        if key not in KEYS:
            raise fail(f"неизвестный ключ «{key}» / unknown key {key!r} (known: {', '.join(KEYS)})", key)
        attr, read = KEYS[key]
        try:
            values[attr] = read(raw, key)
        except ValueError as exc:
            raise fail(str(exc), key) from None
    for required in ("name", "on"):
        if required not in values:
            raise fail(f"нет ключа «{required}» / {required!r} is required")
    if values["on"] not in EVENTS:
        raise fail(f"неизвестное событие «{values['on']}» / unknown event (one of {', '.join(EVENTS)})", "on")
    route = Route(**values)
    if route.assign and route.group:
        raise fail("assign или group, не оба / assign or group, not both", "group")
    if route.group and route.group not in groups and route.group not in ROLE_GROUPS:
        raise fail(f"нет группы «{route.group}» в [groups] / no group {route.group!r} in [groups] "
                   f"(or a role: {', '.join(ROLE_GROUPS)})", "group")
    if not (route.assign or route.group) and ("controller" in table or "due_days" in table):
        raise fail("controller и due_days — для задачи: нужен assign или group / controller and due_days need "
                   "assign or group", "controller" if "controller" in table else "due_days")
    if not (route.assign or route.group or route.email or route.webhook or route.approval):
        raise fail("маршрут ничего не делает: нужен assign, group, email, webhook или approval / the route does "
                   "nothing: give it assign, group, email, webhook or approval")
    if route.approval and approvals is not None and route.approval not in approvals:
        raise fail(f"нет маршрута согласования «{route.approval}» в [[approvals]] / no approval route "
                   f"{route.approval!r} among the [[approvals]] tables", "approval")
    amount = (route.amount_min, route.amount_max)
    if None not in amount and amount[0] > amount[1]:  # type: ignore[operator]  # both are Decimals here
        raise fail("amount_min больше amount_max / amount_min is above amount_max", "amount_min")
    return route


def _groups(settings: Settings) -> dict[str, Any]:
    groups = settings.values.get("groups") or {}
    for name, members in groups.items():
        if not isinstance(members, list) or not members or not all(isinstance(m, str) and m for m in members):
            raise RouteError(f"[groups] {name}: список имён пользователей / a list of user names")
    return dict(groups)


def _check_senders(settings: Settings, route: Route, where: Callable[[str], int] | None) -> None:
    """What the route sends needs its [notify] settings."""
    for key, problem in (("email", route.email and notify.mail_problem(settings)),
                         ("webhook", route.webhook and notify.webhook_problem(settings))):
        if problem:
            line = where(key) if where else 0
            place = f"{CONFIG_NAME}, строка {line} / line {line}: " if line else ""
            raise RouteError(f"{place}маршрут «{route.name}» / route {route.name!r}: {problem}")


def load_routes(settings: Settings) -> list[Route]:
    """The archive's routes, in order, every one checked (with the [notify] settings they need).

    A bad rule raises :class:`RouteError` (exit code 3) naming its line in finarchive.toml."""
    raw: Any = settings.values.get("routes") or []
    if not isinstance(raw, list):
        raise RouteError(f"{CONFIG_NAME}: routes — это таблицы [[routes]] / routes must be [[routes]] tables")
    config = settings.home / CONFIG_NAME
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    headers = _route_lines(text)
    groups = _groups(settings)
    notify.check_settings(settings)
    approvals = load_approvals(settings)
    load_dossier_kinds(settings)  # the [[dossiers]] kinds a dossier_incomplete subject is measured against
    out: list[Route] = []
    for n, table in enumerate(raw):
        line = headers[n] if n < len(headers) else 0
        where = functools.partial(_key_line, text, line) if line else None
        route = parse_route(table, groups=groups, line=line, where=where, approvals=approvals)
        _check_senders(settings, route, where)
        if any(r.name == route.name for r in out):
            raise RouteError(f"{CONFIG_NAME}, строка {line} / line {line}: маршрут «{route.name}» уже есть / "
                             f"a second route named {route.name!r}")
        out.append(route)
    return out


# -- editing the rules (the CLI's `routes add/remove`, the desk's routes page) ------------------------------


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a TOML basic string


def _edit_config(archive: Archive, change: Callable[[str], str], action: str, name: str, *, actor: str) -> None:
    """Write what ``change`` makes of finarchive.toml, keep it only if every route still checks (else the file
    is put back and the error raised), take the new settings into the opened archive, and audit it."""
    path = archive.settings.home / CONFIG_NAME
    old = path.read_text(encoding="utf-8")

    def write(text: str) -> None:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)

    write(change(old))
    try:
        fresh = Settings.load(archive.settings.home)
        load_routes(fresh)
    except Exception:
        write(old)
        raise
    archive.settings.values.clear()  # the one Settings every session of this archive reads (session.info)
    archive.settings.values.update(fresh.values)
    with archive.transaction() as session:
        audit.record(session, actor=actor, action=action, object_type="route", new=name)


def add_route(archive: Archive, table: dict[str, Any], *, actor: str) -> Route:
    """Append a ``[[routes]]`` table to finarchive.toml, checked first (with every other route)."""
    table = {k: v for k, v in table.items() if v not in (None, "", [], False)}
    block = "\n[[routes]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in table.items())
    parse_route(tomllib.loads(block)["routes"][0], groups=archive.settings.values.get("groups") or {},
                approvals=load_approvals(archive.settings))
    _edit_config(archive, lambda text: text.rstrip("\n") + "\n" + block, "route.added", str(table.get("name")),
                 actor=actor)
    return next(r for r in load_routes(archive.settings) if r.name == table.get("name"))


def remove_route(archive: Archive, name: str, *, actor: str) -> None:
    """Take the ``[[routes]]`` table named ``name`` out of finarchive.toml (the rest of the file as it was)."""
    route = next((r for r in load_routes(archive.settings) if r.name == name), None)
    if route is None or not route.line:
        raise NotFoundError(f"нет маршрута «{name}» в [[routes]] / no route {name!r} among the [[routes]] tables")

    def cut(text: str) -> str:
        lines = text.splitlines(keepends=True)
        start, end = route_block(text, route.line)
        return "".join(lines[:start] + lines[end:])

    _edit_config(archive, cut, "route.removed", name, actor=actor)


def settings_of(session: Session) -> Settings | None:
    """The settings of the archive a session belongs to (``Archive`` puts them in ``session.info``)."""
    settings = session.info.get("settings")
    return settings if isinstance(settings, Settings) else None


def matching_routes(routes: Iterable[Route], event: str, subject: Subject) -> list[Route]:
    """The routes of ``event`` that ``subject`` meets, in order, up to the first with ``stop``."""
    out = []
    for route in routes:
        if route.on == event and route.matches(subject):
            out.append(route)
            if route.stop:
                break
    return out


# -- subjects ----------------------------------------------------------------------------------------


def _confidence(document: Document) -> float | None:
    """How sure the reading is: the lowest of the type's and the fields' confidences."""
    values = [document.doc_type_confidence] + [f.confidence for f in document.fields]
    known = [v for v in values if v is not None]
    return min(known) if known else None


def subject_of_document(document: Document) -> Subject:
    label = TITLE_LABELS.get(document.doc_type or "other", document.doc_type or "Документ")
    title = f"{label} № {document.number}" if document.number else f"{label} {document.filename}"
    if document.doc_date:
        title += f" от {document.doc_date.isoformat()}"
    outlet = document.outlet.code if document.outlet else None
    data = {
        "id": document.id, "filename": document.filename, "doc_type": document.doc_type,
        "status": document.status, "number": document.number,
        "date": document.doc_date.isoformat() if document.doc_date else None,
        "total": f"{document.total}" if document.total is not None else None, "currency": document.currency,
        "outlet": outlet, "seller_inn": document.seller_inn, "buyer_inn": document.buyer_inn,
        "order_no": document.order_no,
    }
    return Subject(key=f"document:{document.id}", title=title, document_id=document.id, outlet=outlet,
                   doc_type=document.doc_type, amount=document.total,
                   inns=frozenset(i for i in (document.seller_inn, document.buyer_inn) if i),
                   confidence=_confidence(document), path=f"/documents/{document.id}", data=data)


def _subject_of_original(original: Original) -> Subject:
    base = subject_of_document(original.document)
    data = {**base.data, "original": original.barcode, "original_state": original.state,
            "due_date": original.due_date.isoformat() if original.due_date else None}
    return dataclasses.replace(base, key=f"original:{original.id}", title=f"оригинал {original.barcode}: "
                               f"{base.title}", outlet=original.outlet.code if original.outlet else base.outlet,
                               data=data)


def _order_data(order: Order, settings: Settings | None) -> dict[str, Any]:
    """How a webhook names an order: its head, and a signed link to its embedded view (archive/embed.py)."""
    from archive import embed

    data: dict[str, Any] = {
        "order_no": order.order_no, "date": order.order_date.isoformat() if order.order_date else None,
        "customer_name": order.customer_name, "customer_inn": order.customer_inn,
        "amount": f"{order.amount}" if order.amount is not None else None,
        "outlet": order.outlet.code if order.outlet else None}
    if settings is not None:
        link = embed.mint(settings, order.order_no)
        data.update(embed_url=link.url, embed_expires_at=link.as_dict()["expires_at"])
    return data


def _subject_of_order(order: Order, missing: list[str], settings: Settings | None = None) -> Subject:
    outlet = order.outlet.code if order.outlet else None
    data = {**_order_data(order, settings), "missing": missing}
    return Subject(key=f"order:{order.id}", title=f"заказ {order.order_no}", order_id=order.id, outlet=outlet,
                   amount=order.amount, inns=frozenset({order.customer_inn} if order.customer_inn else ()),
                   path=f"/orders/{order.order_no}", data=data)


def _subject_of_link(link: OrderLink, settings: Settings | None) -> Subject:
    """A document linked to an order: the document, with its order and how the link was made."""
    base = subject_of_document(link.document)
    order = link.order
    data = {**base.data, "order": _order_data(order, settings),
            "link": {"method": link.method, "state": link.state, "score": link.score, "by": link.created_by}}
    return dataclasses.replace(base, title=f"{base.title} → заказ {order.order_no}", order_id=order.id,
                               inns=base.inns | ({order.customer_inn} if order.customer_inn else set()), data=data)


def _subject_of_counterparty(inn: str, name: str | None, state: dict[str, Any]) -> Subject:
    missing = state["missing"]
    title = f"досье {name or ''} ИНН {inn}".replace("  ", " ") + f": нет {', '.join(missing)}"
    return Subject(key=f"counterparty:{inn}", title=title, inns=frozenset({inn}), path=f"/counterparties/{inn}",
                   data={"inn": inn, "name": name, "missing": missing,
                         "kinds": [k["kind"] for k in state["kinds"]]})


# -- raising an event ---------------------------------------------------------------------------------


def emit(session: Session, event: str, subject: Subject, *, actor: str, settings: Settings | None = None,
         key: str | None = None, now: dt.datetime | None = None) -> RouteEvent | None:
    """Raise ``event`` for ``subject``: close the tasks it completes, then apply the routes that match.

    ``key`` makes the event once-only (a sweep finding the same overdue original again raises nothing);
    returns the event's row, or None when it was raised before. Runs in the caller's transaction.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown route event {event!r}")
    settings = settings or settings_of(session)
    if key is not None and session.scalar(select(RouteEvent.id).where(RouteEvent.key == key)) is not None:
        return None
    when = now or utcnow()
    tasks.close_for(session, subject.key, event, actor=actor, now=when)
    routes = matching_routes(load_routes(settings), event, subject) if settings is not None else []
    row = RouteEvent(event=event, subject=subject.key, key=key, document_id=subject.document_id, at=when,
                     actor=actor, routes=[r.name for r in routes])
    session.add(row)
    session.flush()
    for route in routes:
        _apply(session, route, event, subject, row, actor=actor, settings=settings, now=when)  # type: ignore[arg-type]
    return row


def _apply(session: Session, route: Route, event: str, subject: Subject, row: RouteEvent, *, actor: str,
           settings: Settings, now: dt.datetime) -> None:
    audit.record(session, actor=actor, action="route.applied", object_type="route_event", object_id=row.id,
                 document_id=subject.document_id, new=route.name, event=event, subject=subject.key,
                 line=route.line)
    task = None
    if route.assign or route.group:
        task = tasks.assign(session, subject=subject, event=event, route=route.name, user=route.assign,
                            group=route.group, controller=route.controller, due_days=route.due_days,
                            actor=actor, settings=settings, now=now)
    if route.approval and subject.document_id is not None:
        start_approval(session, load_approvals(settings)[route.approval],
                       session.get_one(Document, subject.document_id), actor=actor, settings=settings, now=now)
    if route.email:
        notify.queue_email(session, settings, route.email, event=event, route=route.name, subject=subject,
                           task=task, actor=actor)
    for url in route.webhook:
        notify.queue_webhook(session, settings, url, event=event, route=route.name, subject=subject, task=task,
                             event_id=row.id, actor=actor, at=now)


def route_committed(session: Session, document: Document, pipeline: Pipeline) -> None:
    """The pipeline's commit hook: ``archived`` for every committed document, then ``needs_review``."""
    subject = subject_of_document(document)
    emit(session, "archived", subject, actor=pipeline.actor, settings=pipeline.settings)
    if document.status == DocumentStatus.NEEDS_REVIEW:
        emit(session, "needs_review", subject, actor=pipeline.actor, settings=pipeline.settings)


def document_event(session: Session, document: Document, event: str, *, actor: str) -> None:
    """The verification desk's call: ``verified`` or ``rejected`` (closes the document's review tasks)."""
    session.flush()
    emit(session, event, subject_of_document(document), actor=actor)


def original_moved(session: Session, original: Original, state: OriginalState, *, actor: str) -> None:
    """An original reached head office (received): its tasks are done."""
    if state == OriginalState.RECEIVED:
        tasks.close_for(session, f"original:{original.id}", tasks.ORIGINAL_RECEIVED, actor=actor)


def link_confirmed(session: Session, link: OrderLink, *, actor: str, was_complete: bool) -> None:
    """archive/orders.py's call when a link becomes confirmed (by number, barcode, by hand, a suggestion
    confirmed): ``document_linked``; and ``order_complete`` when this link made the order complete."""
    settings = settings_of(session)
    session.flush()
    emit(session, "document_linked", _subject_of_link(link, settings), actor=actor, settings=settings)
    if not was_complete:
        order_completed(session, link.order, actor=actor, settings=settings)


def order_completed(session: Session, order: Order, *, actor: str, settings: Settings | None) -> RouteEvent | None:
    """``order_complete`` if the order has every document of an alternative of its kind (a kind that
    requires nothing never completes); also closes the order's ``order_incomplete`` tasks."""
    from archive.orders import completeness

    session.expire(order, ["links"])
    state = completeness(order, settings)
    if not (state.complete and state.alternatives):
        return None
    return emit(session, "order_complete", _subject_of_order(order, [], settings), actor=actor, settings=settings)


ZREPORT_SUBJECT = "zreport:{outlet}:{register}:{missing}"


def emit_zreport_missing(session: Session, outlet_code: str, *, register: str, missing: str, actor: str,
                         settings: Settings | None = None, detail: str | None = None) -> RouteEvent | None:
    """Z-report continuity found a gap: the Z-report ``missing`` (a shift, a day) of cash register
    ``register`` at ``outlet_code``. Raised once per register and gap (the sweep asks archive/zreports.py);
    the tasks it made are closed by :func:`zreport_arrived` when the report comes."""
    subject = Subject(key=ZREPORT_SUBJECT.format(outlet=outlet_code, register=register, missing=missing),
                      title=f"нет Z-отчёта: {missing}, касса {register} ({outlet_code})", outlet=outlet_code,
                      doc_type="z_report", data={"outlet": outlet_code, "register": register, "missing": missing,
                                                 "detail": detail})
    return emit(session, "zreport_missing", subject, actor=actor, settings=settings, key=subject.key)


def zreport_arrived(session: Session, outlet_code: str, *, register: str, missing: str, actor: str) -> None:
    """The missing Z-report came: the tasks :func:`emit_zreport_missing` made are done."""
    tasks.close_for(session, ZREPORT_SUBJECT.format(outlet=outlet_code, register=register, missing=missing),
                    tasks.ZREPORT_RECEIVED, actor=actor)


# -- the scheduled sweep ---------------------------------------------------------------------------------


@dataclass
class SweepReport:
    overdue_originals: int = 0
    missing_zreports: int = 0
    incomplete_orders: int = 0
    orders_completed: int = 0
    incomplete_dossiers: int = 0
    dossiers_completed: int = 0
    reminded: int = 0
    escalated: int = 0
    sent: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        return dataclasses.asdict(self)


def _sweep_originals(session: Session, settings: Settings, today: dt.date, actor: str) -> int:
    raised = 0
    owed = select(Original).where(Original.state.in_([OriginalState.EXPECTED, OriginalState.IN_TRANSIT]),
                                  Original.due_date < today).order_by(Original.id)
    for original in session.scalars(owed):
        if emit(session, "original_overdue", _subject_of_original(original), actor=actor, settings=settings,
                key=f"original_overdue:{original.id}:{original.due_date}") is not None:
            raised += 1
    return raised


def _sweep_orders(session: Session, settings: Settings, today: dt.date, actor: str) -> tuple[int, int]:
    from archive.orders import completeness

    grace = dt.timedelta(days=float(settings.get("workflow", "order_grace_days") or 0))
    raised = completed = 0
    for order in session.scalars(select(Order).order_by(Order.id)):
        state = completeness(order, settings)
        if state.complete:
            completed += tasks.close_for(session, f"order:{order.id}", tasks.ORDER_COMPLETE, actor=actor)
            told = select(RouteEvent.id).where(RouteEvent.event == "order_complete",
                                               RouteEvent.subject == f"order:{order.id}").limit(1)
            if state.alternatives and session.scalar(told) is None:  # complete another way (a corrected type)
                order_completed(session, order, actor=actor, settings=settings)
            continue
        if order.order_date is None or order.order_date + grace > today:
            continue
        subject = _subject_of_order(order, list(state.missing), settings)
        if emit(session, "order_incomplete", subject, actor=actor, settings=settings,
                key=f"order_incomplete:{order.id}") is not None:
            raised += 1
    return raised, completed


def _sweep_zreports(session: Session, settings: Settings, actor: str) -> int:
    """Each shift a register's Z-reports show missing (a sure gap: no misread report may fill it) raises
    ``zreport_missing`` once; the open tasks of gaps filled since are closed."""
    from archive.zreports import owed_zreports

    raised = 0
    owed = set()
    for gap in owed_zreports(session):
        if gap["uncertain"]:
            continue
        outlet = gap["outlet"] or "-"
        register = gap["kkt_reg_no"] or gap["fn_no"] or "-"
        missing = f"смена / shift {gap['shift_no']}"
        owed.add(ZREPORT_SUBJECT.format(outlet=outlet, register=register, missing=missing))
        detail = f"между / between {gap['after']} и / and {gap['before']}, ФН {gap['fn_no'] or '-'}"
        if emit_zreport_missing(session, outlet, register=register, missing=missing, actor=actor, settings=settings,
                                detail=detail) is not None:
            raised += 1
    waiting = select(Task).where(Task.state == TaskState.OPEN, Task.subject.like("zreport:%"))
    for task in list(session.scalars(waiting)):
        if task.subject not in owed:
            tasks.close_for(session, task.subject, tasks.ZREPORT_RECEIVED, actor=actor)
    return raised


def _sweep_dossiers(session: Session, settings: Settings, today: dt.date, actor: str) -> tuple[int, int]:
    """Each counterparty whose dossier lacks items ``[counterparties] grace_days`` after its first document
    raises ``dossier_incomplete`` once for that set of missing items; the open tasks of dossiers complete
    since are done."""
    from archive import dossiers

    grace = dt.timedelta(days=float(settings.get("counterparties", "grace_days") or 0))
    raised = completed = 0
    waiting = {t.subject for t in session.scalars(select(Task).where(Task.state == TaskState.OPEN,
                                                                      Task.subject.like("counterparty:%")))}
    for inn, state in dossiers.dossier_states(session, settings):
        if state["complete"]:
            if f"counterparty:{inn}" in waiting:
                completed += tasks.close_for(session, f"counterparty:{inn}", tasks.DOSSIER_COMPLETE, actor=actor)
            continue
        first = dossiers.first_seen(session, inn)
        if first is not None and first.date() + grace > today:
            continue
        subject = _subject_of_counterparty(inn, dossiers.counterparty_name(session, inn), state)
        if emit(session, "dossier_incomplete", subject, actor=actor, settings=settings,
                key=f"dossier_incomplete:{inn}:{','.join(state['missing'])}") is not None:
            raised += 1
    return raised, completed


def sweep(archive: Archive, *, actor: str = "scheduler", now: dt.datetime | None = None,
          deliver: bool = True) -> SweepReport:
    """What a clock decides: overdue originals, missing Z-reports, incomplete orders and dossiers raised (once each),
    reminders before deadlines, escalations after them, and the notifications due sent.
    ``finarchive tasks remind`` (cron) and the :class:`Scheduler` of ``serve`` run it."""
    when = now or utcnow()
    report = SweepReport()
    settings = archive.settings
    with archive.transaction() as session:
        report.overdue_originals = _sweep_originals(session, settings, when.date(), actor)
    with archive.transaction() as session:
        report.missing_zreports = _sweep_zreports(session, settings, actor)
    with archive.transaction() as session:
        report.incomplete_orders, report.orders_completed = _sweep_orders(session, settings, when.date(), actor)
    with archive.transaction() as session:
        report.incomplete_dossiers, report.dossiers_completed = _sweep_dossiers(session, settings, when.date(),
                                                                                actor)
    with archive.transaction() as session:
        report.reminded, report.escalated = tasks.remind(session, settings, actor=actor, now=when)
    if deliver:
        report.sent, report.failed = notify.deliver_due(archive.sessions, settings, now=when)
    return report


class Scheduler:
    """Runs :func:`sweep` every ``[workflow] sweep_minutes`` in a background thread (``finarchive serve``).
    A sweep that fails is logged and tried again at the next turn; :meth:`stop` ends it."""

    def __init__(self, archive: Archive, *, minutes: float | None = None) -> None:
        self.archive = archive
        self.seconds = 60 * float(minutes if minutes is not None else
                                  archive.settings.get("workflow", "sweep_minutes") or 15)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="finarchive-scheduler", daemon=True)
        self.runs = 0

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                sweep(self.archive)
            except Exception:
                log.exception("the scheduled sweep failed; it runs again in %.0f s", self.seconds)
            self.runs += 1
            self._stop.wait(self.seconds)

    def __enter__(self) -> Scheduler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
