"""The mail intake as configured (``/admin/mail``): the mailboxes read (never their passwords), the rules in
the order they are tried, which rule a message would meet, and what mail brought in lately."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from archive.intake import mail_accounts, mail_rules, rule_for
from archive.models import IntakeRecord
from archive.users import Permission, Principal
from finarchive.errors import FinarchiveError
from web._auth import current_principal
from web._templates import render

router = APIRouter(include_in_schema=False)
Caller = Annotated[Principal, Depends(current_principal)]
RECENT = 50
ACCOUNT_SHOWN = ("name", "kind", "host", "port", "tls", "starttls", "user", "folder", "path", "search")


@router.get("/admin/mail", response_class=HTMLResponse)
def mail_page(request: Request, principal: Caller, sender: str = "", recipient: str = "", subject: str = "",
              account: str = "") -> HTMLResponse:
    """``sender``, ``recipient``, ``subject``, ``account``: a message to try the rules on (first match wins)."""
    principal.require(Permission.USERS)
    arc = request.app.state.archive
    error = None
    accounts: list[dict[str, Any]] = []
    rules: list[Any] = []
    try:
        accounts = [{**{k: getattr(a, k) for k in ACCOUNT_SHOWN},
                     "security": "TLS" if a.tls else "STARTTLS" if a.starttls else None}  # protocol names
                    for a in mail_accounts(arc.settings)]
        rules = mail_rules(arc.settings)
    except FinarchiveError as exc:  # a wrong [mail] section is shown, as `finarchive mail` would refuse it
        error = str(exc)
    tried = None
    if sender or recipient or subject:
        hit = rule_for(rules, sender=sender, recipients=[r.strip() for r in recipient.split(",") if r.strip()],
                       subject=subject, account=account)
        tried = {"rule": hit.name if hit else None}
    with arc.sessions() as session:
        recent = [{"filename": r.filename, "outlet": r.outlet_code, "outcome": r.outcome, "reason": r.reason,
                   "message": r.message, "at": r.received_at, "document_id": r.document_id, "ref": r.source_ref}
                  for r in session.scalars(select(IntakeRecord).where(IntakeRecord.source == "mail")
                                           .order_by(IntakeRecord.id.desc()).limit(RECENT))]
    return render(request, "mail.html", {
        "user": principal, "accounts": accounts, "rules": rules, "error": error, "recent": recent, "tried": tried,
        "asked": {"sender": sender, "recipient": recipient, "subject": subject, "account": account},
        "interval": arc.settings.get("mail", "interval"), "body": bool(arc.settings.get("mail", "body"))})
