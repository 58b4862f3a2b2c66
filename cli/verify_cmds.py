"""`finarchive correct`, `verify` and `reject`: the verification desk's actions from the command line.

The same operations as the desk (archive/verification.py), audited the same way, with the OS user as
the actor; a verified document teaches the supplier memory at once.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from cli._common import console, open_archive, print_json
from finarchive.errors import InvalidInputError


def register(app: typer.Typer) -> None:
    """Add `correct`, `verify` and `reject` to the root command."""
    app.command("correct")(correct_cmd)
    app.command("verify")(verify_cmd)
    app.command("reject")(reject_cmd)


def _assignments(pairs: list[str]) -> list[tuple[str, str]]:
    out = []
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InvalidInputError(f"«{pair}»: нужно ПОЛЕ=ЗНАЧЕНИЕ / expected FIELD=VALUE (e.g. total=1234.50)")
        out.append((name.strip(), value))
    return out


def _summary(arc, doc_id: int) -> dict[str, Any]:
    from archive.indexing import index_documents
    from archive.views import document_view

    index_documents(arc, [doc_id])
    with arc.sessions() as session:
        view = document_view(session, arc, doc_id)
    return {"id": view["id"], "doc_type": view["doc_type"], "status": view["status"],
            "fields": {name: f["value"] for name, f in view["fields"].items()},
            "problems": [p for p in view["problems"] if p.get("severity") == "error"]}


def _print(summary: dict[str, Any], headline: str, as_json: bool) -> None:
    if as_json:
        print_json(summary)
        return
    console.print(headline, highlight=False, soft_wrap=True)
    for name, value in summary["fields"].items():
        console.print(f"  {name} = {value}", highlight=False, soft_wrap=True)
    for p in summary["problems"]:
        console.print(f"  [yellow]{p['code']}[/]: {p['message']}", highlight=False, soft_wrap=True)


def correct_cmd(
    doc_id: Annotated[int, typer.Argument(help="Document id.")],
    assignments: Annotated[list[str] | None, typer.Argument(
        help="FIELD=VALUE pairs (total=1234,50 date=14.03.2026 seller_inn=7707083893).", show_default=False)] = None,
    doc_type: Annotated[str | None, typer.Option("--type", help="Correct the document type.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Keep a value that fails its check (INN check digits, "
                                        "KPP format, an impossible date); audited as forced.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the document's fields as JSON.")] = False,
) -> None:
    """Correct a document's fields (and type), validated as extraction validates them.

    A value failing its check is refused with the reason (exit 2) unless --force. Every change is an
    audit event; the extracted value is kept as training data.
    """
    from archive.pipeline import default_actor
    from archive.verification import correct_field
    from archive.views import get_document

    pairs = _assignments(assignments or [])
    if doc_type is None and not pairs:
        raise InvalidInputError("нечего исправлять: дайте ПОЛЕ=ЗНАЧЕНИЕ или --type / nothing to correct: "
                                "give FIELD=VALUE or --type")
    actor = default_actor()
    with open_archive() as arc:
        with arc.transaction() as session:
            document = get_document(session, doc_id)
            if doc_type is not None:
                correct_field(session, document, "doc_type", doc_type, actor=actor, force=force)
            for name, value in pairs:
                correct_field(session, document, name, value, actor=actor, force=force)
        summary = _summary(arc, doc_id)
    _print(summary, f"документ {doc_id} исправлен / corrected ({summary['doc_type']}, {summary['status']})", as_json)


def verify_cmd(
    doc_id: Annotated[int, typer.Argument(help="Document id.")],
    force: Annotated[bool, typer.Option("--force", help="Verify although validation finds an error in its "
                                        "fields; audited as forced.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the document's fields as JSON.")] = False,
) -> None:
    """Accept a document as it stands (fields it does not print stay absent); the supplier memory learns it.

    Refused (exit 2) while validation finds an error in its fields, unless --force.
    """
    from archive.pipeline import default_actor
    from archive.verification import verify_document
    from archive.views import get_document

    with open_archive() as arc:
        with arc.transaction() as session:
            verify_document(session, get_document(session, doc_id), actor=default_actor(), force=force)
        summary = _summary(arc, doc_id)
    _print(summary, f"документ {doc_id} подтверждён / verified ({summary['doc_type']})", as_json)


def reject_cmd(
    doc_id: Annotated[int, typer.Argument(help="Document id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, for the outlet (a rescan request).")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the document's fields as JSON.")] = False,
) -> None:
    """Reject a document for a rescan; the outlet sees the reason. A rejected document teaches nothing."""
    from archive.pipeline import default_actor
    from archive.verification import reject_document
    from archive.views import get_document

    with open_archive() as arc:
        with arc.transaction() as session:
            reject_document(session, get_document(session, doc_id), reason, actor=default_actor())
        summary = _summary(arc, doc_id)
    _print(summary, f"документ {doc_id} отклонён / rejected: {reason}", as_json)
