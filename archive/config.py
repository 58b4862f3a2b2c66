"""Settings: `finarchive.toml` in the archive's home folder, overridden by environment variables.

The home folder is named by ``FINARCHIVE_HOME`` (default ``./finarchive-data``). Every setting
``[section] key`` can be overridden by ``FINARCHIVE_SECTION_KEY`` (e.g. ``FINARCHIVE_DATABASE_URL``,
``FINARCHIVE_OCR_WORKERS``). See docs/configuration.md.
"""

from __future__ import annotations

import copy
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finarchive.errors import ConfigurationError

CONFIG_NAME = "finarchive.toml"

# Defaults. Paths are relative to the home folder unless absolute.
DEFAULTS: dict[str, dict[str, Any]] = {
    "database": {"url": ""},  # empty: sqlite file finarchive.db in home
    "storage": {"blobs": "blobs", "quarantine": "quarantine", "models": "models"},
    "ocr": {
        "languages": "rus+eng", "dpi": 300, "workers": 0, "timeout": 180,  # workers 0: one per core
        "executor": "pool",  # pool: OCR processes on this host; celery: Celery workers over Redis
        "broker_url": "",  # for celery: redis://[:password@]host:6379/0 (empty: redis://127.0.0.1:6379/0)
        "prefetch": 0,  # for celery: pages in flight at most; 0: 16
        # pages in Latin script read again by PP-OCR: "auto" when installed, "ppocr" required, "tesseract" never
        "latin_engine": "auto",
    },
    "intake": {
        "max_file_mb": 200,
        "max_pixels": 178_956_970,  # an image frame, and a rendered page (barcode pass included); Pillow's limit x2
        "max_pages": 50_000,  # a file with more pages is quarantined (oversized) before any page is read
        "page_seconds": 600,  # the reading of one page (render, OCR, second looks) may take this long at most
    },
    # backend: tantivy (embedded, the default), sqlite (embedded FTS5), postgresql, elasticsearch.
    # path: the embedded index (empty: search-index/ for tantivy, search.db for sqlite); url: PostgreSQL's
    # (empty: [database] url) or Elasticsearch's; index: Elasticsearch's index name
    "search": {"backend": "tantivy", "path": "", "url": "", "index": "finarchive"},
    "originals": {
        # doc types whose paper original head office needs, and days an outlet has to deliver it
        "required": ["waybill", "upd", "vat_invoice", "invoice", "act", "contract", "z_report"],
        "due_days": 14,
        # retention in years after the end of the document's fiscal year
        "retention_years": 5,
        # per doc type, overriding retention_years, e.g. {"contract": 10}
        "retention_by_type": {},
    },
    # [retention.<doc_type>] years, from ("year_end" | "expiry"), source: overrides of the law's table
    # (archive/data/retention.toml, shown by `finarchive retention`); shorter than the law's is refused
    "retention": {},
    "watch": {
        "inboxes": [],  # folders watched by `finarchive watch`; their sub-folders are outlet codes
        "mode": "native",  # native (inotify) or poll (network shares: SMB, NFS)
        "poll_interval": 2.0,  # seconds between polls and rescans
        "stable_seconds": 2.0,  # a file is complete when its size and mtime stay this long
        "decode_patience": 30.0,  # a settled file that does not decode yet is waited for this long, then judged
        "after": "move",  # move (to processed/<date>/) or delete, once its document is committed
        "processed": "processed",
        "work": "work",  # split parts of batch scans, unpacked ZIPs, mail attachments
        "barcodes": True,  # split multi-page scans at separator sheets, read cover sheets
        "barcode_dpi": 120,
        "mail": True,  # `watch` also reads the mailboxes every [mail] interval seconds
    },
    "mail": {
        "interval": 300,
        "body": False,  # take a message's text as a document too (a rule may override)
        # [[mail.accounts]] name, kind (imap|maildir), host, port, tls, starttls, ca_file, user, password, folder, path
        "accounts": [],
        "rules": [],  # [[mail.rules]] sender/recipient/subject (regex), outlet, doc_type, action, folder, body
    },
    "backup": {"key_file": ""},  # a key outside the backup signs its manifest (docs/backup.md)
    "web": {
        "login_max_failures_per_user": 5,  # failed logins per user name within the window...
        "login_max_failures_per_address": 20,  # ...or per client address, before a lockout
        "login_window_seconds": 900,
        "login_lockout_seconds": 900,
        "trusted_origins": [],  # other origins allowed to post with the session cookie (a reverse proxy's)
        "secure_cookies": False,  # served over HTTPS: the session cookie is Secure and HSTS is sent
    },
    # [[barcodes.links]] name, pattern (a regex with named groups), lookup (group → order column): which order a
    # barcode printed on a form (1C) names — archive/barcode_links.py
    "barcodes": {"links": []},
    "zreports": {
        "day_tolerance": 1.0,  # roubles an outlet's Z-reports of a day may differ from its sales report
    },
    "notify": {
        "smtp_host": "",  # empty: no e-mail (a route with `email` is then refused at start-up)
        "smtp_port": 25,
        "smtp_security": "none",  # none | starttls | ssl
        "smtp_user": "",
        "smtp_password": "",
        "mail_from": "finarchive@localhost",
        "webhook_secret": "",  # signs every webhook call (HMAC-SHA256); required by a route with `webhook`
        "timeout": 10,  # seconds per SMTP session or HTTP call
        "attempts": 8,  # a notification failing this many times is given up (kept as failed)
        "backoff_seconds": 30,  # first retry after this long, each next one after twice as long (at most 6 h)
        "flush_seconds": 10,  # a command exiting waits this long for what it queued to be tried once
        "base_url": "",  # the desk's address for links in e-mails, e.g. https://archive.example.ru
    },
    "workflow": {
        "remind_hours": 24,  # a task's assignee is reminded this long before its deadline
        "order_grace_days": 7,  # an order still incomplete this many days after its date raises order_incomplete
        "sweep_minutes": 15,  # how often `serve` runs the sweep (reminders, escalations, retries)
    },
    # counterparty dossiers (archive/dossiers.py); [[dossiers]] kinds are top-level tables of their own
    "counterparties": {
        "own_inns": [],  # the company's own INNs (the buyer on every supplier's waybill): never a counterparty
        "grace_days": 7,  # a dossier still lacking items this long after its first document raises dossier_incomplete
    },
    # the signed, read-only order view a CRM embeds in its order card (archive/embed.py)
    "embed": {
        "ttl_hours": 72,  # a minted link is valid this long by default
        "max_hours": 2160,  # and at most this long (90 days)
        "frame_ancestors": [],  # the CRM's origins allowed to frame it, e.g. ["https://crm.example.ru"]; none: 'none'
    },
    "groups": {},  # name = ["anna", "boris"]: a route's `group`; a role name (accountant, ...) is a group too
    # [[routes]] rules are top-level tables of their own (archive/routes.py, docs/configuration.md#routes)
    "orders": {
        "default_kind": "wholesale",  # completeness rule for orders imported without a kind
        "suggest_days": 30,  # a suggestion's document date lies this many days around the order date
        "amount_tolerance": 0.01,  # and its total within this fraction of the order amount
        "min_score": 0.6,  # suggestions scoring less are not offered
        # kind → alternatives; an order is complete when it has every doc type of one alternative
        "kinds": {
            "wholesale": [["invoice", "upd"], ["invoice", "waybill", "vat_invoice"]],
            "service": [["contract"], ["invoice", "act"]],
            "retail": [],
        },
    },
}

ENV_PREFIX = "FINARCHIVE_"
#: [search] backend → the embedded index's default path (None: a server, reached by [search] url)
SEARCH_BACKENDS: dict[str, str | None] = {
    "tantivy": "search-index", "sqlite": "search.db", "postgresql": None, "elasticsearch": None,
}


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _coerce(text: str, like: Any) -> Any:
    if isinstance(like, bool):
        return text.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(like, int):
        return int(text)
    if isinstance(like, float):
        return float(text)
    if isinstance(like, list):
        return [part.strip() for part in text.split(",") if part.strip()]
    return text


def _env_overrides(values: dict[str, dict[str, Any]], environ: dict[str, str]) -> dict[str, dict[str, Any]]:
    out = copy.deepcopy(values)
    for section, table in out.items():
        if not isinstance(table, dict):
            continue
        for key, current in table.items():
            name = f"{ENV_PREFIX}{section}_{key}".upper()
            if name in environ:
                try:
                    table[key] = _coerce(environ[name], current)
                except ValueError as exc:
                    raise ConfigurationError(f"{name}={environ[name]!r}: {exc}") from exc
    return out


@dataclass(frozen=True)
class Settings:
    """Resolved settings of one archive."""

    home: Path
    values: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, home: str | os.PathLike[str] | None = None, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        root = Path(home or env.get("FINARCHIVE_HOME") or "finarchive-data").expanduser().resolve()
        values: dict[str, Any] = DEFAULTS
        config = root / CONFIG_NAME
        if config.exists():
            try:
                values = _merge(DEFAULTS, tomllib.loads(config.read_text(encoding="utf-8")))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigurationError(f"{config}: {exc}") from exc
        settings = cls(home=root, values=_env_overrides(values, env))
        settings.check(config)
        return settings

    def check(self, config: Path) -> None:
        """Refuse settings no part of finarchive reads (a typo must not pass unnoticed) and an unknown
        search backend, before anything is opened or imported. Arrays of tables (``[[routes]]``,
        ``[[approvals]]``) are checked by the modules that read them; a section whose default is an empty
        table (``[groups]``, ``[retention]``) takes any keys."""
        for section, table in self.values.items():
            if isinstance(table, list):
                continue
            if section not in DEFAULTS:
                raise ConfigurationError(
                    f"{config}: неизвестный раздел [{section}] / unknown section [{section}]; "
                    f"known: {', '.join(DEFAULTS)}"
                )
            if not isinstance(table, dict):
                raise ConfigurationError(f"{config}: [{section}] must be a table of settings")
            unknown = sorted(set(table) - set(DEFAULTS[section])) if DEFAULTS[section] else []
            if unknown:
                raise ConfigurationError(
                    f"{config}: неизвестная настройка / unknown setting [{section}] {', '.join(unknown)}; "
                    f"known: {', '.join(DEFAULTS[section])}"
                )
        backend = str(self.get("search", "backend"))
        if backend not in SEARCH_BACKENDS:
            raise ConfigurationError(
                f"[search] backend: поиск / search backend must be one of {', '.join(SEARCH_BACKENDS)}, "
                f"not {backend!r}"
            )

    def get(self, section: str, key: str) -> Any:
        return self.values.get(section, {}).get(key)

    def path(self, section: str, key: str) -> Path:
        value = Path(str(self.get(section, key))).expanduser()
        return value if value.is_absolute() else self.home / value

    @property
    def database_url(self) -> str:
        url = str(self.get("database", "url") or "")
        return url or f"sqlite:///{self.home / 'finarchive.db'}"

    @property
    def blob_dir(self) -> Path:
        return self.path("storage", "blobs")

    @property
    def quarantine_dir(self) -> Path:
        return self.path("storage", "quarantine")

    @property
    def models_dir(self) -> Path:
        return self.path("storage", "models")

    @property
    def languages(self) -> str:
        return str(self.get("ocr", "languages"))

    @property
    def latin_engine(self) -> str:
        value = str(self.get("ocr", "latin_engine") or "auto")
        if value not in ("auto", "ppocr", "tesseract"):
            raise ConfigurationError(f"[ocr] latin_engine must be auto, ppocr or tesseract, not {value!r}")
        return value

    @property
    def workers(self) -> int:
        n = int(self.get("ocr", "workers") or 0)
        return n if n > 0 else (os.cpu_count() or 1)

    @property
    def max_file_bytes(self) -> int:
        return int(float(self.get("intake", "max_file_mb")) * 1024 * 1024)

    @property
    def max_pixels(self) -> int:
        return int(self.get("intake", "max_pixels"))

    @property
    def max_pages(self) -> int:
        return int(self.get("intake", "max_pages"))

    @property
    def page_seconds(self) -> float:
        return float(self.get("intake", "page_seconds"))

    @property
    def search_options(self) -> dict[str, Any]:
        """The search backend's name (``kind``) and its options for ``search.make_backend``."""
        backend = str(self.get("search", "backend"))
        embedded = SEARCH_BACKENDS[backend]
        if embedded is not None:
            path = Path(str(self.get("search", "path") or embedded)).expanduser()
            return {"kind": backend, "path": str(path if path.is_absolute() else self.home / path)}
        url = str(self.get("search", "url") or "")
        if backend == "postgresql":
            return {"kind": backend, "url": url or self.database_url}
        return {"kind": backend, "url": url, "index": self.get("search", "index")}


def default_config_text() -> str:
    """The commented finarchive.toml `finarchive init` writes."""
    return """# finarchive settings. Every key can be overridden by FINARCHIVE_<SECTION>_<KEY>.

[database]
# Empty: a SQLite file finarchive.db in this folder. PostgreSQL:
# url = "postgresql+psycopg://user:password@127.0.0.1:5432/finarchive"
url = ""

[storage]
blobs = "blobs"            # content-addressed originals and derived files
quarantine = "quarantine"  # files that could not be read, each with a .reason.txt
models = "models"          # trained classifier

[ocr]
languages = "rus+eng"
dpi = 300
workers = 0                # 0: one OCR process per core
timeout = 180              # seconds per page
executor = "pool"          # "celery": read pages on Celery workers over Redis (docs/scaling.md)
broker_url = ""            # for "celery": redis://:password@host:6379/0 — a private Redis: jobs travel as pickle
prefetch = 0               # for "celery": pages in flight at most (about 2x all workers' concurrency); 0 = 16
latin_engine = "auto"      # pages in Latin script read again by PP-OCR: "auto" (when installed), "ppocr", "tesseract"

[intake]
max_file_mb = 200
max_pixels = 178956970     # an image frame above this is refused; a PDF page is rendered no larger
max_pages = 50000          # a file with more pages is quarantined before any page is read
page_seconds = 600         # the reading of one page may take this long; then it is marked unreadable

[search]
backend = "tantivy"        # embedded; or "sqlite" (FTS5), "postgresql" (full text in PostgreSQL),
                           # "elasticsearch" (pip install 'finarchive[elasticsearch]')
path = ""                  # the embedded index; empty: search-index/ (tantivy), search.db (sqlite)
url = ""                   # postgresql: a SQLAlchemy URL (empty: [database] url); elasticsearch: http://127.0.0.1:9200
index = "finarchive"       # elasticsearch's index name

[originals]
required = ["waybill", "upd", "vat_invoice", "invoice", "act", "contract", "z_report"]
due_days = 14
retention_years = 5
retention_by_type = {}       # years per doc type, overriding retention_years, e.g. { contract = 10 }

[retention]
# The retention of each doc type comes from Russian law with its sources (402-ФЗ ст. 29, НК РФ ст. 23,
# приказ Росархива № 236): `finarchive retention` shows the table. Override a type (never below the law's):
# [retention.contract]
# years = 10
# from = "year_end"        # or "expiry": counted from the contract's expiry (never selected for destruction)
# source = "Учётная политика, приказ № 12 от 09.01.2026"

[watch]
inboxes = []               # e.g. ["/srv/scans/inbox"]; files in inbox/<outlet_code>/... get that outlet
mode = "native"            # "poll" for SMB/NFS shares (no file-system events from other machines)
poll_interval = 2.0
stable_seconds = 2.0       # a file is taken once its size and mtime have not changed for this long
decode_patience = 30.0     # a settled file that does not decode yet (a writer on another machine may come
                           # back) waits this long before it is quarantined; an older untouched file does not
after = "move"             # "move" to processed/<date>/<outlet>/ or "delete" once archived
processed = "processed"
work = "work"              # split parts of batch scans, unpacked ZIPs, mail attachments
barcodes = true            # separator sheets split a scan; cover sheets set outlet, type, order
barcode_dpi = 120
mail = true                # `finarchive watch` also reads the mailboxes every [mail] interval

[mail]
interval = 300             # seconds between mailbox polls in `finarchive watch` and `finarchive mail`
body = false               # also archive the message text as a document
# [[mail.accounts]]
# name = "scans"
# kind = "imap"            # or "maildir" with path = "/var/mail/scans/Maildir"
# host = "imap.example.ru"
# port = 993
# tls = true               # plain IMAP only to 127.0.0.1
# user = "scans@example.ru"
# password = "..."
# folder = "INBOX"
# search = "UNSEEN"
# [[mail.rules]]           # first match wins; messages matching no rule are left alone
# sender = "@spb02\\.example\\.ru$"   # regexes, case-insensitive: sender, recipient, subject
# outlet = "SPB-02"
# doc_type = "waybill"     # optional
# action = "seen"          # seen | flag | move (with folder = "Archived") | none

[backup]
key_file = ""              # e.g. "/etc/finarchive/backup.key" (head -c 32 /dev/urandom): signs each backup's manifest

[web]
login_max_failures_per_user = 5       # failed logins per user name within the window, then a lockout
login_max_failures_per_address = 20   # ... or per client address
login_window_seconds = 900
login_lockout_seconds = 900
trusted_origins = []                  # other origins allowed to post with the session cookie
secure_cookies = false                # true when served over HTTPS (directly or behind a proxy): Secure cookie, HSTS

[barcodes]
# Barcodes 1C prints on its forms, mapped to the order they name (a scan carrying one links exactly).
# A rule's pattern is matched against a barcode's whole text; each named group is looked up in the imported
# orders: order_no in the order number, any other name in the order-import column of that name (or the
# column lookup names). With rules, every page is also read for EAN-13, EAN-8, Code 128 and Code 39.
# [[barcodes.links]]
# name = "1С: номер заказа (Code 128)"
# pattern = '^(?P<order_no>[А-ЯA-Z]{2}-\\d{6})$'
# [[barcodes.links]]
# name = "1С: штрихкод печатной формы (EAN-13)"
# pattern = '^(?P<code>2\\d{12})$'
# lookup = { code = "Штрихкод" }

[zreports]
day_tolerance = 1.0          # roubles a day's Z-reports of an outlet may differ from its sales report

[notify]
smtp_host = ""               # e-mail of routes and tasks; empty: none
smtp_port = 25
smtp_security = "none"       # "starttls" or "ssl" for a server beyond this host
smtp_user = ""
smtp_password = ""
mail_from = "finarchive@localhost"
webhook_secret = ""          # signs webhook calls (X-Finarchive-Signature: sha256=HMAC); 16 characters or more
timeout = 10
attempts = 8                 # retries with backoff: 30 s, 1 min, 2 min, ... (at most 6 h apart)
backoff_seconds = 30
flush_seconds = 10
base_url = ""                # the desk's address for links in e-mails, e.g. "https://archive.example.ru"

[workflow]
remind_hours = 24            # remind a task's assignee this long before its deadline
order_grace_days = 7         # an order still incomplete this long after its date raises order_incomplete
sweep_minutes = 15           # serve runs reminders, escalations and retries this often (cron: tasks remind)

[counterparties]
own_inns = []                # the company's own INNs: the buyer on suppliers' documents, never a counterparty
grace_days = 7               # a dossier lacking items this long after its first document raises dossier_incomplete

# Dossier kinds (default: archive/data/dossiers.toml — a supplier needs a contract and a bank details card,
# a customer a contract). Tables here replace them. See docs/configuration.md#dossiers.
# [[dossiers]]
# kind = "supplier"
# role = "seller"            # seller, buyer or any; or counterparty_inn = [...] for named counterparties
# requires = ["contract", "bank_details"]

[embed]
ttl_hours = 72               # the CRM's signed order-view links are valid this long by default...
max_hours = 2160             # ...and at most this long
frame_ancestors = []         # origins allowed to frame the view, e.g. ["https://crm.example.ru"]

[groups]
# msk_accounting = ["anna", "boris"]   # a route's group; a role (accountant, manager, admin, outlet) is one too

# Routes: on an event, for what meets the conditions, give a task and/or send an e-mail and a webhook.
# Applied in this order; `stop = true` ends the list. See docs/configuration.md#routes.
# [[routes]]
# name = "MSK review"
# on = "needs_review"        # archived, needs_review, verified, rejected, original_overdue, zreport_missing,
#                            # order_incomplete
# outlet = "MSK-01"          # conditions: outlet, doc_type, counterparty_inn, amount_min/max, confidence_min/max
# assign = "anna"            # or group = "msk_accounting"
# due_days = 1
# controller = "olga"        # told when the deadline passes
# email = ["buh@example.ru"] # addresses or user names
# webhook = "https://crm.example.ru/hooks/finarchive"

[orders]
default_kind = "wholesale"   # completeness rule for orders imported without a `kind` column
suggest_days = 30            # a suggested link's document date is within this many days of the order
amount_tolerance = 0.01      # and its total within 1% of the order amount (buyer INN must match)
min_score = 0.6

# Completeness: kind = alternatives, each a set of doc types; complete when one alternative is all there.
# A wholesale sale needs an invoice, then a UPD, or a waybill plus a VAT invoice; a service a contract,
# or an invoice and the act of the work done.
[orders.kinds]
wholesale = [["invoice", "upd"], ["invoice", "waybill", "vat_invoice"]]
service = [["contract"], ["invoice", "act"]]
retail = []
"""
