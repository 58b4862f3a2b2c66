"""``analyse``: classify, extract and validate one document's pages in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from decimal import Decimal

from capture.types import PageText

from classify._fiscal import apply_fiscal_code, fiscal_code
from classify._slip import till_slip
from classify._title import head_lines, mostly_noise
from classify.catalogue import DOC_TYPES
from classify.classifier import Classifier, classify_text
from classify.extract import extract_from, make_doc
from classify.learned import SupplierMemory
from classify.normalise import normalise_code, normalise_number
from classify.types import Extraction, FieldValue, Problem
from classify.validate import validate

TYPE_THRESHOLD = 0.55  # below this the type goes to review rather than being trusted
FIELD_THRESHOLD = 0.5  # a key field read with less confidence than this goes to review
# Findings that make a value impossible rather than doubtful (a date after today or decades back):
# the value is left out, the finding kept with what was read.
IMPOSSIBLE = frozenset({"date_in_future", "date_too_old", "date_format"})
FISCAL_CONFIDENCE = 0.9  # a document with a fiscal QR and no other type is a receipt
HINT_FIELDS = {"order_no": normalise_number, "outlet_code": normalise_code}


PAID_BY_SUM = 0.8  # a payment the total and the other payment give by arithmetic
KOPECK = Decimal("0.01")


def payments_by_sum(fields: dict[str, FieldValue]) -> dict[str, FieldValue]:
    """A till slip's (or a Z-report's) cash and card payments against its total (cash + card = total): adding up
    to it, both are sure; the one read equal to the total leaves the other zero («НАЛИЧНЫМИ 21 450.94» over a
    total of 21 450.94: «БЕЗНАЛИЧНЫМИ 6.08» is 0.00 misread); with neither equal to it and the sum off, both are
    unsure."""
    try:
        total, cash, card = (Decimal(fields[n].value) if n in fields else None
                             for n in ("total", "cash_total", "card_total"))
    except ArithmeticError:
        return fields
    if total is None or cash is None or card is None:
        return fields
    out = dict(fields)
    if abs(cash + card - total) <= KOPECK:
        if fields["total"].confidence >= FIELD_THRESHOLD:
            # the three amounts check one another to the kopeck: a payment read unsurely («1 200, 40») is sure
            for name in ("cash_total", "card_total"):
                out[name] = replace(fields[name], confidence=max(fields[name].confidence, PAID_BY_SUM))
        return out
    if abs(cash - total) <= KOPECK or abs(card - total) <= KOPECK:
        other = "card_total" if abs(cash - total) <= KOPECK else "cash_total"
        out[other] = replace(fields[other], value="0.00", confidence=min(fields[other].confidence, PAID_BY_SUM))
        return out
    for name in ("cash_total", "card_total"):
        out[name] = replace(fields[name], confidence=min(fields[name].confidence, 0.3))
    return out


def analyse(pages: Sequence[PageText], *, hints: Mapping[str, str] | None = None,
            model: Classifier | None = None, today: date | None = None,
            memory: SupplierMemory | None = None) -> Extraction:
    """Type, fields and problems of a document; ``needs_review`` on low confidence, a missing key field or
    any error.

    ``hints`` (from a cover sheet) may carry ``doc_type``, ``order_no``, ``outlet_code``: they
    override what is read from the pages. ``memory`` (classify.learned) gives the type and fields of a
    known supplier's document before the generic rules.
    """
    hints = dict(hints or {})
    doc = make_doc(pages)
    text = "\n".join(r.text for r in doc.rows)
    problems: list[Problem] = []
    unread = [p.number for p in pages if p.error]
    if unread:
        problems.append(Problem("page_unread", f"page(s) {', '.join(map(str, unread))} could not be read",
                                severity="error"))
    recalled = memory.recall(doc, pages) if memory is not None else None
    if hints.get("doc_type") in DOC_TYPES:
        doc_type, confidence = hints["doc_type"], 1.0
    elif recalled is not None and recalled.doc_type in DOC_TYPES:
        doc_type, confidence = recalled.doc_type, recalled.confidence
    else:
        doc_type, confidence = (classify_text(text, model, lines=head_lines(doc.rows), slip=till_slip(doc.rows),
                                              noisy=mostly_noise(doc.rows))
                                if text.strip() else ("other", 0.0))
    fiscal = fiscal_code(code for page in pages for code in page.codes)
    typed = hints.get("doc_type") in DOC_TYPES
    if fiscal is not None and not typed and (doc_type == "other" or confidence < TYPE_THRESHOLD):
        doc_type, confidence = "receipt", max(confidence, FISCAL_CONFIDENCE)  # only a receipt carries one
    if confidence < TYPE_THRESHOLD:
        problems.append(Problem("low_confidence_type",
                                f"document type {doc_type} guessed with confidence {confidence:.2f}"))
    fields = extract_from(doc, doc_type)
    qr_given: list[str] = []
    if fiscal is not None and doc_type == "receipt":
        fields, mismatches = apply_fiscal_code(fiscal, fields)
        problems.extend(mismatches)
        qr_given = list(fiscal.fields())
    if doc_type in ("receipt", "z_report"):  # a slip's and a shift's payments add up to its total alike
        fields = payments_by_sum(fields)
    if recalled is not None:
        fields = recalled.keep(fields)
        problems.extend(recalled.problems)
    for name, normalise in HINT_FIELDS.items():
        if hints.get(name):
            value = normalise(hints[name])
            fields[name] = FieldValue(name, value, 1.0, raw=hints[name])
    for name, raw in doc.rejected:
        if name not in fields:
            problems.append(Problem("inn_checksum", f"{name} read as {raw} fails its check digits; left out",
                                    (name,)))
    for name, raw in doc.unsure:
        if name not in fields:
            why = f" ({doc.doubts[name]})" if name in doc.doubts else ""
            problems.append(Problem("low_confidence", f"{name} read unsurely as {raw!r}{why}; left out", (name,),
                                    severity="warning"))
    for problem in validate(doc_type, fields, today):
        if problem.code in IMPOSSIBLE:  # a misreading for sure: flagged and left out, not given wrong
            for name in problem.fields:
                fields.pop(name, None)
            problems.append(replace(problem, message=f"{problem.message}; left out"))
        else:
            problems.append(problem)
    spec = DOC_TYPES[doc_type]
    for name in spec.key_fields:
        f = fields.get(name)
        if f is None:
            problems.append(Problem("missing_field", f"{name} not found", (name,), severity="warning"))
        elif f.confidence < FIELD_THRESHOLD:
            why = f" ({doc.doubts[name]})" if name in doc.doubts else ""
            problems.append(Problem("low_confidence", f"{name} read with confidence {f.confidence:.2f}{why}", (name,)))
    # the fields of a failed rule are doubtful; the fiscal QR's values stay exact when the print disagrees
    # (and a value the QR gave is exact whatever rule the print's other fields fail)
    exact = set(qr_given)
    bad = {n for p in problems if p.severity == "error" and p.code != "qr_mismatch" for n in p.fields} - exact
    fields = {n: (replace(f, confidence=min(f.confidence, 0.3)) if n in bad else f) for n, f in fields.items()}
    # a key field not found is a gap a person fills: the document waits for review, not `processed`;
    # unless the supplier's verified documents never had it (accepted without it: it does not print it)
    printed = recalled.printed if recalled is not None else None
    gaps = [n for p in problems if p.code == "missing_field" for n in p.fields if printed is None or n in printed]
    needs_review = bool(gaps) or any(p.severity == "error" for p in problems)
    return Extraction(doc_type, confidence, fields, tuple(problems), needs_review)
