"""Saved searches: a user's named document lists (the list's query string under a name of the user's)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive import audit
from archive.models import SavedSearch
from finarchive.errors import InvalidInputError, NotFoundError

NAME_MAX = 128
# What a saved search keeps of the list's query string: a cursor names one moment's page, not the search.
NOT_KEPT = frozenset({"cursor", "csrf_token"})


def kept_query(query: str) -> str:
    """The query string without the paging cursor and blanks, in a stable order."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=False) if k not in NOT_KEPT]
    return urlencode(sorted(pairs))


def saved_searches(session: Session, user_id: int) -> list[SavedSearch]:
    return list(session.scalars(select(SavedSearch).where(SavedSearch.user_id == user_id)
                                .order_by(SavedSearch.name)))


def save_search(session: Session, user_id: int, name: str, query: str, *, actor: str) -> SavedSearch:
    """Save (or, under a name the user has already used, replace) a search."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("a saved search needs a name")
    if len(name) > NAME_MAX:
        raise InvalidInputError(f"a saved search's name is at most {NAME_MAX} characters")
    query = kept_query(query)
    row = session.scalar(select(SavedSearch).where(SavedSearch.user_id == user_id, SavedSearch.name == name))
    old = row.query if row is not None else None
    if row is None:
        row = SavedSearch(user_id=user_id, name=name, query=query)
        session.add(row)
    row.query = query
    session.flush()
    audit.record(session, actor=actor, action="search.saved", object_type="saved_search", object_id=row.id,
                 field=name, old=old, new=query)
    return row


def delete_search(session: Session, user_id: int, search_id: int, *, actor: str) -> None:
    """Delete one of the user's saved searches (another user's is not there)."""
    row = session.get(SavedSearch, search_id)
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"no saved search {search_id}")
    audit.record(session, actor=actor, action="search.deleted", object_type="saved_search", object_id=row.id,
                 field=row.name, old=row.query)
    session.delete(row)
