"""Notifications: e-mail over SMTP and webhooks (an HTTP POST of a JSON event signed with HMAC-SHA256).

Nothing is sent inside a transaction. What a route or a task has to tell is written as a
:class:`~archive.models.Notification` row in the transaction of what it tells (an outbox), so a
rolled-back commit tells nothing and a committed one is never lost. Once the transaction commits, the
process's :class:`Courier` thread sends what is due, so an import never waits for a mail server or a
CRM; a failed attempt is retried with exponential backoff (``[notify] attempts``, ``backoff_seconds``)
and every attempt is a :class:`~archive.models.Delivery` row with what the other side said. What is
still pending when a process exits is sent by the next one (``finarchive tasks remind``, the scheduler
of ``serve``).

Senders are behind one small interface (:class:`Sender`), one per channel in :data:`SENDERS`.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Engine, event, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from archive import audit
from archive.config import Settings
from archive.models import Delivery, Notification, NotificationState, Task, User, utcnow
from finarchive import __version__
from finarchive.errors import ConfigurationError

if TYPE_CHECKING:
    from archive.routes import Subject

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Finarchive-Signature"  # sha256=<hex HMAC-SHA256 of the body with [notify] webhook_secret>
EVENT_HEADER = "X-Finarchive-Event"
DELIVERY_HEADER = "X-Finarchive-Delivery"  # the notification's id: the same on every retry of one event
CLAIM_SECONDS = 300  # a notification being sent is not taken by another process for this long
MAX_BACKOFF = dt.timedelta(hours=6)

EVENT_LABELS = {
    "archived": "Документ принят в архив / Document archived",
    "needs_review": "Документ ждёт проверки / Document needs review",
    "verified": "Документ подтверждён / Document verified",
    "rejected": "Документ отклонён / Document rejected",
    "original_overdue": "Оригинал не сдан в срок / Original overdue",
    "zreport_missing": "Нет Z-отчёта / Z-report missing",
    "order_incomplete": "В заказе не хватает документов / Order incomplete",
    "document_linked": "Документ привязан к заказу / Document linked to order",
    "order_complete": "Документы заказа собраны / Order complete",
    "dossier_incomplete": "В досье контрагента не хватает документов / Counterparty dossier incomplete",
}

TASK_LABELS = {
    "assigned": "Новая задача / New task",
    "reminder": "Напоминание: срок задачи подходит / Reminder: a task is due soon",
    "overdue": "Задача просрочена / Task overdue",
}


# -- settings -------------------------------------------------------------------------------------------


def _get(settings: Settings, key: str) -> Any:
    return settings.get("notify", key)


def mail_configured(settings: Settings) -> bool:
    return bool(str(_get(settings, "smtp_host") or "").strip())


def check_settings(settings: Settings) -> None:
    """The [notify] settings, checked at start-up."""
    security = str(_get(settings, "smtp_security") or "none")
    if security not in ("none", "starttls", "ssl"):
        raise ConfigurationError(f"[notify] smtp_security = {security!r}: none, starttls или/or ssl")
    for key in ("smtp_port", "attempts", "backoff_seconds", "timeout"):
        value = _get(settings, key)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigurationError(f"[notify] {key} = {value!r}: положительное число / a positive number")


def mail_problem(settings: Settings) -> str | None:
    """Why a route cannot send e-mail (None: it can)."""
    if mail_configured(settings):
        return None
    return "шлёт e-mail, но [notify] smtp_host пуст / sends e-mail but [notify] smtp_host is empty"


def webhook_problem(settings: Settings) -> str | None:
    """Why a route cannot call a webhook (None: it can): every call is signed, so a secret is needed."""
    if len(str(_get(settings, "webhook_secret") or "")) >= 16:
        return None
    return ("вызывает webhook: задайте [notify] webhook_secret (16 знаков и больше) / calls a webhook: set "
            "[notify] webhook_secret (16 characters or more), every call is signed with it")


def _link(settings: Settings, path: str | None) -> str:
    base = str(_get(settings, "base_url") or "").rstrip("/")
    return f"{base}{path}" if base and path else (path or "")


# -- queueing (inside the caller's transaction) -------------------------------------------------------------


def _queue(session: Session, *, channel: str, target: str, event_name: str, route: str | None, subject: str,
           body: str, task: Task | None, document_id: int | None, actor: str,
           state: NotificationState = NotificationState.PENDING, error: str | None = None) -> Notification:
    row = Notification(channel=channel, target=target, event=event_name, route=route, subject=subject, body=body,
                       task_id=task.id if task is not None else None, document_id=document_id, state=state,
                       attempts=0, next_attempt_at=utcnow(), last_error=error)
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="notification.queued", object_type="notification", object_id=row.id,
                 document_id=document_id, new=channel, target=target, event=event_name, route=route, state=state)
    if state == NotificationState.PENDING:
        _send_after_commit(session)
    return row


def _addresses(session: Session, recipients: Iterable[str]) -> tuple[list[str], list[str]]:
    """E-mail addresses for ``recipients`` (addresses, or user names whose address is known); and the names
    that have none."""
    found: list[str] = []
    missing: list[str] = []
    for name in recipients:
        if "@" in name:
            found.append(name)
            continue
        address = session.scalar(select(User.email).where(User.username == name, User.active))
        (found if address else missing).append(address or name)
    return list(dict.fromkeys(found)), missing


def _mail(session: Session, settings: Settings, recipients: Iterable[str], subject: str, body: str, *,
          event_name: str, route: str | None, task: Task | None, document_id: int | None, actor: str) -> None:
    to, missing = _addresses(session, recipients)
    if to:
        _queue(session, channel="email", target=", ".join(to), event_name=event_name, route=route, subject=subject,
               body=body, task=task, document_id=document_id, actor=actor)
    if missing:
        _queue(session, channel="email", target=", ".join(missing), event_name=event_name, route=route,
               subject=subject, body=body, task=task, document_id=document_id, actor=actor,
               state=NotificationState.SKIPPED,
               error="нет адреса e-mail (finarchive users add --email) / no e-mail address known")


def queue_email(session: Session, settings: Settings, recipients: Iterable[str], *, event: str, route: str,
                subject: Subject, task: Task | None, actor: str) -> None:
    """A route's ``email``: the event, what it happened to, and a link to it."""
    lines = [f"{EVENT_LABELS[event]}: {subject.title}", ""]
    if subject.outlet:
        lines.append(f"Точка / outlet: {subject.outlet}")
    if subject.amount is not None:
        lines.append(f"Сумма / amount: {subject.amount}")
    if task is not None:
        lines.append(f"Задача / task #{task.id}: {task.assignee}, срок / due {task.due_at:%Y-%m-%d %H:%M} UTC")
    link = _link(settings, subject.path)
    if link:
        lines.append(f"Открыть / open: {link}")
    lines += ["", f"Маршрут / route: {route}"]
    _mail(session, settings, recipients, f"[finarchive] {EVENT_LABELS[event]}: {subject.title}", "\n".join(lines),
          event_name=event, route=route, task=task, document_id=subject.document_id, actor=actor)


def task_message(kind: str, task: Task, settings: Settings) -> tuple[str, str]:
    """The subject and text of a task's e-mail: ``assigned``, ``reminder`` or ``overdue``."""
    path = f"/documents/{task.document_id}" if task.document_id else None
    lines = [f"{TASK_LABELS[kind]}: {task.title}", "",
             f"Исполнитель / assignee: {task.assignee}",
             f"Срок / due: {task.due_at:%Y-%m-%d %H:%M} UTC"]
    if task.controller:
        lines.append(f"Контролёр / controller: {task.controller}")
    link = _link(settings, path)
    if link:
        lines.append(f"Открыть / open: {link}")
    lines.append(f"Мои задачи / my tasks: {_link(settings, '/tasks')}")
    return f"[finarchive] {TASK_LABELS[kind]}: {task.title}", "\n".join(lines)


def tell_user(session: Session, settings: Settings, username: str, message: tuple[str, str], *, task: Task,
              actor: str) -> None:
    """E-mail a user about a task, when mail is configured (a user without an address: logged as skipped)."""
    if not mail_configured(settings):
        return
    subject, body = message
    _mail(session, settings, [username], subject, body, event_name=task.event, route=task.route, task=task,
          document_id=task.document_id, actor=actor)


def queue_webhook(session: Session, settings: Settings, url: str, *, event: str, route: str, subject: Subject,
                  task: Task | None, event_id: int, actor: str, at: dt.datetime) -> None:
    """A route's ``webhook``: the event as JSON, signed when it is sent."""
    from archive.tasks import task_view

    payload = {
        "id": event_id, "event": event, "at": at.isoformat(timespec="seconds") + "Z", "route": route,
        "subject": {"key": subject.key, "title": subject.title, "url": _link(settings, subject.path) or None,
                    **subject.data},
        "task": task_view(task) if task is not None else None,
    }
    _queue(session, channel="webhook", target=url, event_name=event, route=route, subject=subject.key,
           body=json.dumps(payload, ensure_ascii=False, sort_keys=True), task=task, document_id=subject.document_id,
           actor=actor)


# -- senders ----------------------------------------------------------------------------------------------


class DeliveryError(Exception):
    """An attempt failed; ``permanent`` when trying again cannot help (a refused address, HTTP 404)."""

    def __init__(self, message: str, *, status: str | None = None, permanent: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.permanent = permanent


class Sender(Protocol):
    """Sends one notification; returns the other side's status, raises DeliveryError."""

    def send(self, notification: Notification) -> str: ...


class SmtpSender:
    def __init__(self, settings: Settings) -> None:
        self.host = str(_get(settings, "smtp_host") or "")
        self.port = int(_get(settings, "smtp_port"))
        self.security = str(_get(settings, "smtp_security") or "none")
        self.user = str(_get(settings, "smtp_user") or "")
        self.password = str(_get(settings, "smtp_password") or "")
        self.sender = str(_get(settings, "mail_from") or "finarchive@localhost")
        self.timeout = float(_get(settings, "timeout"))

    def send(self, notification: Notification) -> str:
        if not self.host:
            raise DeliveryError("[notify] smtp_host пуст / is empty", permanent=True)
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = notification.target
        message["Subject"] = notification.subject
        message["Message-ID"] = make_msgid(f"finarchive.{notification.id}")
        message["X-Finarchive-Event"] = notification.event
        message.set_content(notification.body)
        smtp_class = smtplib.SMTP_SSL if self.security == "ssl" else smtplib.SMTP
        try:
            with smtp_class(self.host, self.port, timeout=self.timeout) as smtp:
                if self.security == "starttls":
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                refused = smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"адреса отклонены / recipients refused: {exc.recipients}", permanent=True) from exc
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", status=str(exc.smtp_code),
                                permanent=500 <= exc.smtp_code < 600 and exc.smtp_code != 552) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
        if refused:
            return f"250 (refused: {', '.join(refused)})"
        return "250"


def signature(secret: str, body: bytes) -> str:
    """The value of the signature header: ``sha256=`` and the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(self, settings: Settings) -> None:
        self.secret = str(_get(settings, "webhook_secret") or "")
        self.timeout = float(_get(settings, "timeout"))

    def send(self, notification: Notification) -> str:
        body = notification.body.encode("utf-8")
        request = urllib.request.Request(notification.target, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8", "User-Agent": f"finarchive/{__version__}",
            EVENT_HEADER: notification.event, DELIVERY_HEADER: str(notification.id),
            SIGNATURE_HEADER: signature(self.secret, body),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # routes allow http(s) URLs only
                return str(response.status)
        except urllib.error.HTTPError as exc:
            # 408 and 429 say "later", 5xx a server in trouble: those are retried; any other 4xx will not change
            retry = exc.code in (408, 429) or exc.code >= 500
            raise DeliveryError(f"HTTP {exc.code} {exc.reason}", status=str(exc.code), permanent=not retry) from exc
        except (urllib.error.URLError, OSError) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}") from exc


SENDERS: dict[str, type[SmtpSender] | type[WebhookSender]] = {"email": SmtpSender, "webhook": WebhookSender}


# -- delivery ----------------------------------------------------------------------------------------------


def _backoff(settings: Settings, attempts: int) -> dt.timedelta:
    delay = dt.timedelta(seconds=float(_get(settings, "backoff_seconds")) * 2 ** max(attempts - 1, 0))
    return min(delay, MAX_BACKOFF)


def _claim(sessions: sessionmaker[Session], notification_id: int, now: dt.datetime) -> Notification | None:
    """Take one due notification for this process (another process trying the same one gets None)."""
    clock = utcnow()  # the lease runs on the real clock, whatever ``now`` a sweep is given
    with sessions() as session, session.begin():
        taken = session.execute(
            update(Notification)
            .where(Notification.id == notification_id, Notification.state == NotificationState.PENDING,
                   Notification.next_attempt_at <= now,
                   or_(Notification.claimed_until.is_(None), Notification.claimed_until < clock))
            .values(claimed_until=clock + dt.timedelta(seconds=CLAIM_SECONDS))
        ).rowcount  # type: ignore[attr-defined]  # a CursorResult for an UPDATE
        if not taken:
            return None
        row = session.get(Notification, notification_id)
        if row is not None:
            session.expunge(row)
        return row


def _record(sessions: sessionmaker[Session], settings: Settings, notification_id: int, *, ok: bool,
            status: str | None, error: str | None, seconds: float, permanent: bool) -> bool:
    """Log the attempt and move the notification on; True when it was sent."""
    now = utcnow()
    with sessions() as session, session.begin():
        row = session.get(Notification, notification_id)
        if row is None:
            return False
        row.attempts += 1
        row.claimed_until = None
        row.deliveries.append(Delivery(attempt=row.attempts, at=now, ok=ok, status=status, error=error,
                                       seconds=round(seconds, 3)))
        if ok:
            row.state, row.sent_at, row.last_error = NotificationState.SENT, now, None
        else:
            row.last_error = error
            if permanent or row.attempts >= int(_get(settings, "attempts")):
                row.state = NotificationState.FAILED
                audit.record(session, actor="notify", action="notification.failed", object_type="notification",
                             object_id=row.id, document_id=row.document_id, new=row.channel, target=row.target,
                             attempts=row.attempts, error=error)
            else:
                row.next_attempt_at = now + _backoff(settings, row.attempts)
    return ok


def deliver_due(sessions: sessionmaker[Session], settings: Settings, *, now: dt.datetime | None = None,
                limit: int = 200) -> tuple[int, int]:
    """Send every pending notification whose time has come; returns (sent, failed attempts)."""
    when = now or utcnow()
    with sessions() as session:
        due = list(session.scalars(
            select(Notification.id).where(Notification.state == NotificationState.PENDING,
                                          Notification.next_attempt_at <= when)
            .order_by(Notification.id).limit(limit)))
    senders: dict[str, Sender] = {}
    sent = failed = 0
    for notification_id in due:
        row = _claim(sessions, notification_id, when)
        if row is None:
            continue
        sender = senders.get(row.channel)
        if sender is None:
            sender = senders[row.channel] = SENDERS[row.channel](settings)
        started = time.monotonic()
        try:
            status = sender.send(row)
        except DeliveryError as exc:
            log.warning("notification %s (%s to %s) failed: %s", row.id, row.channel, row.target, exc)
            _record(sessions, settings, row.id, ok=False, status=exc.status, error=str(exc),
                    seconds=time.monotonic() - started, permanent=exc.permanent)
            failed += 1
        except Exception as exc:  # a bug in a sender must not stop the others: logged, retried
            log.exception("notification %s: unexpected error", row.id)
            _record(sessions, settings, row.id, ok=False, status=None, error=f"{type(exc).__name__}: {exc}",
                    seconds=time.monotonic() - started, permanent=False)
            failed += 1
        else:
            _record(sessions, settings, row.id, ok=True, status=status, error=None,
                    seconds=time.monotonic() - started, permanent=False)
            sent += 1
    return sent, failed


def next_due(sessions: sessionmaker[Session]) -> dt.datetime | None:
    with sessions() as session:
        return session.scalar(select(Notification.next_attempt_at)
                              .where(Notification.state == NotificationState.PENDING)
                              .order_by(Notification.next_attempt_at).limit(1))


# -- the courier: sends after commit, in the background ------------------------------------------------------


class Courier:
    """One thread per database in a process: woken after each commit that queued something, it sends what
    is due, then waits for the next retry (or the next wake-up) and ends when nothing is pending."""

    def __init__(self, sessions: sessionmaker[Session], settings: Settings) -> None:
        self.sessions = sessions
        self.settings = settings
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        with self._lock:
            self._idle.clear()
            self._wake.set()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="finarchive-courier", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.clear()
            try:
                deliver_due(self.sessions, self.settings)
                upcoming = next_due(self.sessions)
            except Exception:  # the database went away (a test's folder, a closed archive): try again later
                log.exception("the courier could not send notifications")
                upcoming = None
            with self._lock:
                if upcoming is None and not self._wake.is_set():
                    self._thread = None
                    self._idle.set()
                    return
                if not self._wake.is_set():
                    self._idle.set()  # what was due has been tried; retries wait for their time
            wait = 0.0 if upcoming is None else (upcoming - utcnow()).total_seconds()
            self._wake.wait(timeout=min(max(wait, 0.05), 60.0))

    def drain(self, timeout: float) -> bool:
        """Wait until what was due has been tried once (retries are left for later); False on timeout."""
        return self._idle.wait(timeout)


_couriers: dict[str, Courier] = {}
_couriers_lock = threading.Lock()


def courier_for(engine: Engine, settings: Settings) -> Courier:
    key = engine.url.render_as_string(hide_password=False)
    with _couriers_lock:
        courier = _couriers.get(key)
        if courier is None:
            if not _couriers:
                atexit.register(drain_all)
            courier = _couriers[key] = Courier(sessionmaker(engine, expire_on_commit=False), settings)
        courier.settings = settings
        return courier


def drain_all(timeout: float | None = None) -> None:
    """At exit: give the couriers ``[notify] flush_seconds`` to try what is due (pending rows stay for later)."""
    for courier in list(_couriers.values()):
        limit = timeout if timeout is not None else float(_get(courier.settings, "flush_seconds") or 0)
        if not courier.drain(limit):
            log.warning("notifications still being sent at exit are left pending for the next run")


def _send_after_commit(session: Session) -> None:
    session.info["notify_pending"] = True
    if session.info.get("notify_listening"):
        return
    session.info["notify_listening"] = True

    @event.listens_for(session, "after_commit")
    def _committed(s: Session) -> None:
        settings = s.info.get("settings")
        if s.info.pop("notify_pending", False) and isinstance(settings, Settings):
            with contextlib.suppress(Exception):  # sending is best effort here; the sweep tries again
                courier_for(s.get_bind(), settings).kick()  # type: ignore[arg-type]  # an Engine, not a Connection

    @event.listens_for(session, "after_soft_rollback")
    def _rolled_back(s: Session, previous: Any) -> None:
        s.info.pop("notify_pending", None)


def delivery_log(session: Session, *, limit: int = 50, state: str | None = None) -> list[dict[str, Any]]:
    """The latest notifications with their attempts, newest first."""
    stmt = select(Notification).order_by(Notification.id.desc()).limit(limit)
    if state:
        stmt = stmt.where(Notification.state == state)
    return [{
        "id": n.id, "channel": n.channel, "target": n.target, "event": n.event, "route": n.route,
        "subject": n.subject, "state": n.state, "attempts": n.attempts,
        "next_attempt_at": n.next_attempt_at.isoformat(timespec="seconds") if n.state == "pending" else None,
        "last_error": n.last_error, "sent_at": n.sent_at.isoformat(timespec="seconds") if n.sent_at else None,
        "deliveries": [{"attempt": d.attempt, "at": d.at.isoformat(timespec="seconds"), "ok": d.ok,
                        "status": d.status, "error": d.error} for d in n.deliveries],
    } for n in session.scalars(stmt)]
