"""Whether a Latin invoice's seller name found with no label is backed by anything else the invoice prints.

An invoice names its issuer in more than one way: the letterhead at its top, a legal form ending the name
(Ltd, GmbH, B.V., S.A.), the e-mail or web domain it prints («billing@northwind.com» for Northwind), the name
printed again in the body («Thank you for choosing Northwind») or in the footer's company line. A name that only
stands at the top, with none of these beside it, may as well be the customer's window address or a heading; and a
name printed inside the block under «Bill to», «Ship to» or «Customer» is the buyer's. Either is left out and
flagged (a wrong seller is worse than none).
"""

from __future__ import annotations

import re

from classify._layout import Row, starts_column
from classify._title import RULES as TITLE_RULES
from classify.extract import BUYER_ROLES, Doc, Hit
from classify.normalise import fold_text
from classify.partywords import party_words
from classify.types import FieldValue

# a legal form ending the name ("Velduin B.V.", "Serverwerk Tolmann AG", "Harlow Trading Co.")
_FORM_END = re.compile(r"(?<![^\W\d_])(?:" + party_words().pattern("legal_forms") + r"|co\.)\W*$", re.IGNORECASE)
# a company's registration or tax number: its label («Co. Reg. No.», «VAT No», «KvK», «HRB»), or the number in brackets
# a letterhead prints after the name («(430286-C)»)
_REGISTRATION = re.compile(r"(?<![^\W\d_])" + party_words().pattern("registrations") + r"(?![^\W\d_])"
                           r"|\(\s*\d{5,}\s*-?\s*[A-Z]\s*\)", re.IGNORECASE)
REGISTRATION_ROWS = 3  # the rows under a letterhead's name that may carry its registration number
# a host name: after an e-mail's «@», a «www.» or a scheme; or written bare in small letters («shop.example.com/help»)
_HOST = re.compile(r"(?i)(?:@|(?<![\w.-])(?:https?://|www\.))((?:[a-z0-9-]+\.)+[a-z]{2,6})(?![\w-])")
_BARE_HOST = re.compile(r"(?<![\w@./-])((?:[a-z0-9-]+\.)+[a-z]{2,6})(?![\w-])")
_GENERIC_LABELS = frozenset({"www", "com", "co", "org", "net", "gov", "ac", "mail", "email", "info", "shop"})
# the rows of the other party's block under its label («Bill to:», «Ship To:», «Customer»)
# (the role and what its block holds: «Bill to Address:», «Customer details:»)
_BUYER_LABEL = re.compile(rf"(?<![^\W\d_])(?:{BUYER_ROLES})(?:\s+{party_words().pattern('block_words')})?"
                          r"(?![^\W\d_])\s*:?", re.IGNORECASE)
BUYER_BLOCK_ROWS = 5  # a party's block: its name, its address's lines, its contact
SENTENCE_WORDS = 10  # a row of more words than this across a block's column is the body's sentence, not the block
OTHER_COLUMN = 0.3  # a column this share of the page's width right of a block's label is another block's
BLOCK_GAP = 1.5  # a gap between two rows taller than this many line heights ends a block
_WORD = re.compile(r"[^\W\d_]+")
# a line that is only marks a document carries («ORIGINAL», «Copy», «Page 1 of 2»)
_MARKS = re.compile(r"\W*(?:(?:" + party_words().pattern("document_marks") + r")(?![^\W\d_])[\W\d]*(?:of[\W\d]*)?)+",
                    re.IGNORECASE)
# a company's name ending in its legal form, on a row of its own registration («Velduin GmbH · Amtsgericht …»)
_COMPANY = re.compile(r"(?<![^\W\d_])[A-Z][\w&.'\-]*(?:\s+[A-Z&][\w&.'\-]*){0,5}\s+(?:" +
                      party_words().pattern("legal_forms") + r")(?![^\W\d_])", re.IGNORECASE)


def doubt(doc: Doc, name: FieldValue) -> str | None:
    """Why a seller's name read with no label is not to be trusted, or None when it is backed."""
    words = _own_words(str(name.value))
    if not words:
        return "no letters of a name"
    folded = fold_text(str(name.value)).lower()
    if any(rule.names(folded) for rule in TITLE_RULES) or _MARKS.fullmatch(folded):
        return "the document's title or a mark on it, not a name"
    if _across_columns(doc, name):
        return "two columns' text read as one name"
    blocks = _buyer_blocks(doc)
    if any(_holds(text, words) for text in blocks):
        return "printed in the buyer's block"
    other = _other_company(doc, words)
    if other is not None:
        return f"the registration line names another company, {other!r}"
    if _FORM_END.search(str(name.value)):
        return None
    if _in_domain(doc, words, blocks) or _registered(doc, name):
        return None
    if _printed_again(doc, name, words):
        return None
    return "no legal form, registration number or matching e-mail or web domain; not printed again"


def _own_words(value: str) -> list[str]:
    """The name's words less its legal form, folded."""
    value = _FORM_END.sub("", value)
    return [w.casefold() for w in _WORD.findall(value)]


def _holds(text: str, words: list[str]) -> bool:
    tokens = [w.casefold() for w in _WORD.findall(text)]
    n = len(words)
    return any(tokens[i:i + n] == words for i in range(len(tokens) - n + 1))


def _buyer_blocks(doc: Doc) -> list[str]:
    """The text of each block under a buyer's label: the label's row after it, and the rows under it in the
    label's column (a block printed beside the seller's column keeps only its own side)."""
    blocks = []
    widths: dict[int, int] = {}
    for row in doc.rows:
        widths[row.page] = max(widths.get(row.page, 0), row.box[2])
    for n, row in enumerate(doc.rows):
        for m in _BUYER_LABEL.finditer(row.folded):
            if not _labels_a_block(row, m):
                continue  # a role word inside a sentence («… to the customer», «Customer No: 42»)
            x0, x1 = _band(row, m.start(), m.end(), widths[row.page])
            parts = [_columns_text(row, m.end(), x1)]
            last = row
            for below in doc.rows[n + 1:n + 1 + BUYER_BLOCK_ROWS]:
                text = below.words_in(x0, x1)
                if below.page != row.page or _apart(last, below) or len(text.split()) > SENTENCE_WORDS:
                    break  # the block ends at a gap, or where a sentence of the body runs across it
                parts.append(text)
                last = below
            blocks.append("\n".join(parts))
    return blocks


def _labels_a_block(row: Row, m: re.Match[str]) -> bool:
    """Whether a role word heads a block: at its row's or column's start, with its colon, at the row's end or
    before a column of its own."""
    head = not row.folded[:m.start()].strip(" |*-•") or starts_column(row, m.start())
    rest = row.folded[m.end():]
    after = next((s for s in row.starts if s >= m.end()), None)
    return head and (m.group().rstrip().endswith(":") or not rest.strip() or (
        after is not None and starts_column(row, after)))


def _apart(above: Row, below: Row) -> bool:
    height = max(min(w.box[3] - w.box[1] for w in above.words), 1)
    return below.box[1] - above.box[3] > BLOCK_GAP * height


def _band(row: Row, start: int, end: int, width: int) -> tuple[int, int]:
    """The x band of a label's column: from the label's left edge to the next column on its row that stands
    :data:`OTHER_COLUMN` of the page's ``width`` or more to the right (a value's column nearer is the label's own:
    «Bill To:   Kestrel Labs»); with none, as far right as the page goes."""
    at = [n for n, s in enumerate(row.starts) if start <= s < max(end, start + 1)]
    first = at[0] if at else 0
    x0 = row.words[first].box[0]
    height = max(row.words[first].box[3] - row.words[first].box[1], 1)
    nxt = next((row.words[k].box[0] for k in range(first + 1, len(row.words))
                if row.starts[k] >= end and starts_column(row, row.starts[k])
                and row.words[k].box[0] - x0 >= OTHER_COLUMN * width), None)
    x1 = nxt if nxt is not None else 10 ** 6
    return x0 - 2 * height, x1 - 1


def _columns_text(row: Row, end: int, x1: int) -> str:
    return " ".join(w.text for w, s in zip(row.words, row.starts, strict=True) if s >= end and w.box[0] < x1)


def _in_domain(doc: Doc, words: list[str], blocks: list[str]) -> bool:
    """Whether an e-mail or web domain the invoice prints (outside a buyer's block) is the name's: its words run
    together («northwindcloud»), its first word beginning it («northwindshop»), one long word of it, or its
    initials («ncs» for Northwind Cloud Services)."""
    theirs = {label for text in blocks for label in _labels(text)}
    joined = "".join(words)
    initials = "".join(w[0] for w in words) if len(words) >= 2 else None
    for label in {label for row in doc.rows for label in _labels(row.text)} - theirs:
        if label in (joined, initials) or (len(words[0]) >= 3 and label.startswith(words[0])) or any(
                len(w) >= 4 and w == label for w in words):
            return True
    return False


def _labels(text: str) -> set[str]:
    """The labels of the host names in ``text`` that may be a company's («northwind» of «billing@northwind.co.uk»)."""
    hosts = [m.group(1) for m in _HOST.finditer(text)] + [m.group(1) for m in _BARE_HOST.finditer(text)]
    return {p.casefold() for host in hosts for p in host.split(".")[:-1]
            if len(p) >= 2 and p.casefold() not in _GENERIC_LABELS}


def _across_columns(doc: Doc, name: FieldValue) -> bool:
    """Whether the name's words run across a column's gap on the row it was read from: two parties printed side by
    side («Velduin Tartak Sp. z o.o.      Kestrel Labs Sp. z o.o.» under «Sprzedawca:  Nabywca:») read as one."""
    box = name.box
    if box is None:
        return False
    own = {w.casefold() for w in str(name.value).split()}  # the words of the name itself, not the row's others
    for row in doc.rows:
        if row.page != name.page or not _overlaps(row, box):
            continue
        inside = [n for n, w in enumerate(row.words) if box[0] <= (w.box[0] + w.box[2]) / 2 <= box[2]
                  and w.text.casefold() in own]
        if any(starts_column(row, row.starts[n]) for n in inside[1:]):
            return True
    return False


def _other_company(doc: Doc, words: list[str]) -> str | None:
    """A company the invoice's registration line names (its name and legal form on a row with a registration or tax
    number's label: the footer's «Velduin GmbH · Amtsgericht Köln HRB 1234 · USt-IdNr …») that shares no word with
    the name found; None when there is none, or it is the same company."""
    for row in doc.rows:
        reg = _REGISTRATION.search(row.text)
        if reg is None:
            continue
        for m in _COMPANY.finditer(row.text[:reg.start()]):
            theirs = set(_own_words(m.group()))
            if theirs and not theirs & {w for w in words if len(w) >= 3}:
                return m.group().strip()
    return None


def _registered(doc: Doc, name: FieldValue) -> bool:
    """Whether the rows the name was read from, or the few under them, print a company's registration or tax number
    (a letterhead's requisites: «ROC No: 1234567-D», «VAT Reg No GB 123 4567 89», «KvK 12345678»)."""
    at = [n for n, row in enumerate(doc.rows) if row.page == name.page and name.box is not None
          and _overlaps(row, name.box)]
    if not at:
        return False
    first, last = at[0], at[-1]
    rows = [r for r in doc.rows[first:last + 1 + REGISTRATION_ROWS] if r.page == name.page]
    return any(_REGISTRATION.search(r.text) for r in rows)


def _printed_again(doc: Doc, name: FieldValue, words: list[str]) -> bool:
    """Whether the name's words are printed on a row other than the one it was read from («Thank you for
    choosing Northwind»; the footer's «Northwind Ltd, registered in …»)."""
    for row in doc.rows:
        if row.page == name.page and name.box is not None and _overlaps(row, name.box):
            continue
        if _holds(row.text, words):
            return True
    return False


def _overlaps(row: Row, box: tuple[int, int, int, int]) -> bool:
    r = row.box
    return r[0] < box[2] and box[0] < r[2] and r[1] < box[3] and box[1] < r[3]


def name_below(doc: Doc, row: Row, start: int, end: int) -> FieldValue | None:
    """The party's name under a role's label that heads a block with nothing after it in its column («Bill From:»,
    «Sprzedawca:» over the name; its buyer's twin beside it in a column of its own): the next row's words in the
    label's column, when they read as a name (letters, not a label or an amount)."""
    after = [k for k, s in enumerate(row.starts) if s >= end]
    x0, x1 = _band(row, start, end, max(r.box[2] for r in doc.rows if r.page == row.page))
    if any(row.words[k].box[0] < x1 for k in after):
        return None  # the label's column goes on after it: the name is on its row, read there
    n = row.index
    below = next((r for r in doc.rows if r.index == n + 1), None)
    if below is None or below.page != row.page or _apart(row, below):
        return None
    picked = [k for k, w in enumerate(below.words) if w.box[2] > x0 and w.box[0] < x1]
    if not picked:
        return None
    first, last = picked[0], picked[-1]
    at, to = below.starts[first], below.starts[last] + len(below.words[last].text)
    text = below.text[at:to].strip(" ,;")
    letters = sum(ch.isalpha() for ch in text)
    if letters < 3 or letters < 0.6 * len(text.replace(" ", "")) or _BUYER_LABEL.match(below.folded, at) or (
            ":" in text):
        return None
    return Hit(text, text, below, at, to, 0.85).field("seller_name", 0.9)
