"""Sessions kept on the server, the request body limit and the quarantine quota, what one outlet may learn
of another's, trusted proxies, lockouts per user and address, and the small bugs of issue 20."""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from archive.models import IntakeRecord
from archive.users import set_active, set_password
from tests.web.conftest import PASSWORD, Desk, _desk, form_token, use_page_token
from tests.web.test_pages import login


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def _copy(desk: Desk, client):
    """Another client holding a copy of ``client``'s cookies (a stolen or copied session cookie)."""
    thief = desk.client()
    for name, value in client.cookies.items():
        thief.cookies.set(name, value)
    return thief


# -- sessions --------------------------------------------------------------------------------------
def test_a_cookie_copied_before_logout_answers_401_after_it(desk: Desk) -> None:
    client, _ = login(desk, "anna")
    copy = _copy(desk, client)
    assert copy.get("/api/me").status_code == 200
    assert client.post("/logout", follow_redirects=False).status_code == 303
    assert copy.get("/api/me").status_code == 401
    assert copy.get("/review", follow_redirects=False).status_code == 303  # to the login


@pytest.mark.parametrize("change", ["password", "disable"])
def test_a_password_change_or_disabling_ends_every_session(desk: Desk, change: str) -> None:
    client, _ = login(desk, "anna")
    other, _ = login(desk, "anna")
    assert client.get("/api/me").status_code == 200 and other.get("/api/me").status_code == 200
    with desk.arc.transaction() as s:
        if change == "password":
            set_password(s, "anna", "another-password-2", actor="admin")
        else:
            set_active(s, "anna", False, actor="admin")
    assert client.get("/api/me").status_code == 401 and other.get("/api/me").status_code == 401


def test_an_admin_lists_and_revokes_sessions(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    admin, _ = login(desk, "admin")
    listed = admin.get("/api/sessions", params={"user": "anna"}).json()
    assert [s["username"] for s in listed] == ["anna"] and listed[0]["address"] == "testclient"
    assert desk.client("anna").get("/api/sessions").status_code == 403  # an accountant may not
    page = admin.get("/admin/sessions").text
    assert f'data-session="{listed[0]["id"]}"' in page
    r = admin.post(f"/admin/sessions/{listed[0]['id']}/revoke", follow_redirects=False)
    assert r.status_code == 303
    assert anna.get("/api/me").status_code == 401
    assert admin.get("/api/me").status_code == 200
    assert admin.get("/api/sessions", params={"user": "anna"}).json() == []
    assert admin.post("/api/sessions/9223372036854775808/revoke").status_code == 404


# -- the body limit and the quota ------------------------------------------------------------------
def _held(home: Path) -> list[Path]:
    return [p for folder in ("uploads", "quarantine") for p in (home / folder).rglob("*") if p.is_file()]


@pytest.fixture
def small_limit(sqlite_archive, tmp_path) -> Iterator[Desk]:
    sqlite_archive.settings.values["web"] = {"max_upload_mb": 1, "quarantine_quota_mb": 3}
    d = _desk(sqlite_archive, tmp_path)
    yield d
    d.app.state.uploads.close()


@pytest.fixture
def served(small_limit: Desk) -> Iterator[tuple[int, Desk]]:
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(small_limit.app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield port, small_limit
    server.should_exit = True
    thread.join(timeout=10)


def _raw_upload(port: int, token: str, size: int, *, chunked: bool) -> tuple[int, int]:
    """POST a multipart upload of ``size`` bytes over a socket; (status, bytes the server let us send)."""
    boundary = "x" * 16
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + size + len(tail)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {length}"
    request = (f"POST /api/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
               f"Content-Type: multipart/form-data; boundary={boundary}\r\n{framing}\r\n\r\n").encode()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(request)
        block = b"%PDF" + os.urandom(64 * 1024 - 4)
        parts = [head] + [block] * (size // len(block)) + [tail]
        try:
            for part in parts:
                sock.sendall(f"{len(part):x}\r\n".encode() + part + b"\r\n" if chunked else part)
                sent += len(part)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed: what we wanted
        answer = b""
        try:
            while b"\r\n" not in answer:
                got = sock.recv(4096)
                if not got:
                    break
                answer += got
        except ConnectionResetError:
            pass
    return int(answer.split(b" ", 2)[1]), sent


def test_a_300_mb_upload_answers_413_and_leaves_nothing_on_disk(served) -> None:
    port, desk = served
    home = Path(desk.arc.settings.home)
    status, sent = _raw_upload(port, desk.tokens["msk"], 300 * 1024 * 1024, chunked=False)
    assert status == 413
    assert sent < 300 * 1024 * 1024  # answered before the body was read: the rest was never taken
    assert _held(home) == []


def test_a_body_without_a_length_is_cut_off_at_the_limit(served) -> None:
    port, desk = served
    status, _ = _raw_upload(port, desk.tokens["msk"], 3 * 1024 * 1024, chunked=True)
    assert status == 413
    assert _held(Path(desk.arc.settings.home)) == []
    assert desk.client("msk").get("/api/me").status_code == 200  # the server goes on


def test_uploads_stop_when_the_quarantine_quota_is_full(small_limit: Desk) -> None:
    quarantine = Path(small_limit.arc.settings.quarantine_dir) / "2026-12-01"
    quarantine.mkdir(parents=True)
    (quarantine / "junk.pdf").write_bytes(b"\0" * (3 * 1024 * 1024))
    r = small_limit.client("msk").post("/api/upload", files=[("files", ("a.pdf", b"%PDF-1.4 x", "application/pdf"))])
    assert r.status_code == 507 and "quarantine_quota_mb" in r.json()["message"]
    assert not list((Path(small_limit.arc.settings.home) / "uploads").rglob("*.pdf"))


def test_a_request_that_does_not_fit_the_quota_stores_none_of_its_files(small_limit: Desk) -> None:
    """All or nothing: the request's size is measured against the room left before any file is stored.
    Before, the first file (it fitted alone) was queued and read, and the request still answered 507."""
    home = Path(small_limit.arc.settings.home)
    quarantine = Path(small_limit.arc.settings.quarantine_dir) / "2026-12-01"
    quarantine.mkdir(parents=True)
    (quarantine / "junk.pdf").write_bytes(b"\0" * (2 * 1024 * 1024 + 400 * 1024))  # 600 KiB of the 3 MB left
    part = b"%PDF-1.4 " + b"\0" * (400 * 1024)
    files = [("files", (name, part + name.encode(), "application/pdf")) for name in ("a.pdf", "b.pdf")]
    r = small_limit.client("msk").post("/api/upload", files=files)
    assert r.status_code == 507 and "nothing of the request was stored" in r.json()["message"]
    small_limit.app.state.uploads.drain(timeout=60)
    assert _held(home) == [quarantine / "junk.pdf"]  # nothing queued, read or quarantined
    with small_limit.arc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IntakeRecord).where(IntakeRecord.source == "upload")) == 0
    (quarantine / "junk.pdf").unlink()  # room again: the same request is taken whole
    r = small_limit.client("msk").post("/api/upload", files=files)
    assert r.status_code == 202 and [t["filename"] for t in r.json()["uploads"]] == ["a.pdf", "b.pdf"]


def test_the_outlet_pages_form_is_all_or_nothing_against_the_quota_too(small_limit: Desk) -> None:
    """The page's upload form stores a request's files the way the API does: none when they do not fit together."""
    home = Path(small_limit.arc.settings.home)
    quarantine = Path(small_limit.arc.settings.quarantine_dir) / "2026-12-01"
    quarantine.mkdir(parents=True)
    (quarantine / "junk.pdf").write_bytes(b"\0" * (2 * 1024 * 1024 + 400 * 1024))
    part = b"%PDF-1.4 " + b"\0" * (400 * 1024)
    files = [("files", (name, part + name.encode(), "application/pdf")) for name in ("c.pdf", "d.pdf")]
    client, _ = login(small_limit, "msk")
    r = client.post("/outlet/upload", files=files, follow_redirects=False)
    assert r.status_code == 507
    small_limit.app.state.uploads.drain(timeout=60)
    assert _held(home) == [quarantine / "junk.pdf"]
    with small_limit.arc.sessions() as s:
        assert s.scalar(select(func.count()).select_from(IntakeRecord).where(IntakeRecord.source == "upload")) == 0

# -- what one outlet learns of another's -----------------------------------------------------------
def test_a_duplicate_of_another_outlets_document_is_just_received(desk: Desk) -> None:
    msk, spb = desk.client("msk"), desk.client("spb")
    original = msk.get(f"/api/documents/{desk.docs['waybill']}/original").content
    ticket = spb.post("/api/upload", files=[("files", ("copy.png", original, "image/png"))]).json()["uploads"][0]
    assert ticket["state"] == "queued" and ticket["duplicate_of"] is None
    desk.app.state.uploads.drain(timeout=120)
    status = spb.get(ticket["status_url"]).json()
    assert status["state"] == "received" and status["document_id"] is None and status["status"] is None
    own = msk.post("/api/upload", files=[("files", ("again.png", original, "image/png"))]).json()["uploads"][0]
    assert own["state"] == "duplicate" and own["duplicate_of"] == desk.docs["waybill"]  # its own: told
    desk.app.state.uploads.drain(timeout=120)


def test_the_outlet_page_says_a_duplicate_was_not_stored_twice(desk: Desk) -> None:
    client, _ = login(desk, "msk")
    original = desk.client("msk").get(f"/api/documents/{desk.docs['waybill']}/original").content
    r = client.post("/outlet/upload", files=[("files", ("again.png", original, "image/png"))])
    desk.app.state.uploads.drain(timeout=120)
    assert r.status_code == 200 and 'id="upload-duplicates"' in r.text


def test_another_outlets_original_answers_like_an_unknown_code(desk: Desk) -> None:
    spb = desk.client("spb")
    theirs = spb.get(f"/api/originals/OR{desk.docs['waybill']:07d}")
    unknown = spb.get("/api/originals/OR7777777")
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.json()["message"].replace(f"OR{desk.docs['waybill']:07d}", "X") == \
        unknown.json()["message"].replace("OR7777777", "X")


# -- client addresses and lockouts -----------------------------------------------------------------
def _try(client, username: str, password: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    token = form_token(client.get("/login", headers=headers).text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       headers=headers, follow_redirects=False)


def _proxied(sqlite_archive, tmp_path, proxies: list[str]) -> Desk:
    sqlite_archive.settings.values["web"] = {"trusted_proxies": proxies, "login_max_failures_per_user": 3}
    return _desk(sqlite_archive, tmp_path)


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(sqlite_archive, tmp_path) -> None:
    from fastapi.testclient import TestClient

    d = _proxied(sqlite_archive, tmp_path, [])
    try:
        client = TestClient(d.app, client=("127.0.0.1", 40000))
        for i in range(3):  # a local client naming a new address each time is still one address
            assert _try(client, "anna", "wrong-password", forwarded=f"10.0.0.{i}").status_code == 401
        assert _try(client, "anna", PASSWORD, forwarded="10.0.0.99").status_code == 429
    finally:
        d.app.state.uploads.close()


def test_guessing_at_an_account_from_one_address_does_not_lock_its_owner_out(sqlite_archive, tmp_path) -> None:
    from fastapi.testclient import TestClient

    d = _proxied(sqlite_archive, tmp_path, ["127.0.0.1"])
    try:
        proxy = TestClient(d.app, client=("127.0.0.1", 40000))
        for _ in range(3):
            assert _try(proxy, "anna", "wrong-password", forwarded="203.0.113.7").status_code == 401
        assert _try(proxy, "anna", PASSWORD, forwarded="203.0.113.7").status_code == 429
        r = _try(TestClient(d.app, client=("127.0.0.1", 40001)), "anna", PASSWORD, forwarded="198.51.100.2")
        assert r.status_code == 303  # anna, from her own address, logs in
        with d.arc.sessions() as s:
            from sqlalchemy import select

            from archive.models import AuditEvent
            addresses = {e.details["address"] for e in s.scalars(select(AuditEvent).where(
                AuditEvent.action.in_(["user.login_failed", "user.logged_in"])))}
        assert addresses == {"203.0.113.7", "198.51.100.2"}
    finally:
        d.app.state.uploads.close()


# -- small bugs ------------------------------------------------------------------------------------
def test_an_order_number_with_a_slash_opens(desk: Desk) -> None:
    anna = desk.client("anna")
    order = [{"order_no": "12/2026-А", "date": "2026-03-12", "outlet": "MSK-01", "amount": "10.00"}]
    r = anna.post("/api/orders/import", content=json.dumps(order), headers={"Content-Type": "application/json"})
    assert r.status_code == 200, r.text
    assert anna.get("/api/orders/" + quote("12/2026-А", safe="")).json()["order_no"] == "12/2026-А"
    assert anna.get("/api/orders/12/2026-А").status_code == 200
    client, _ = login(desk, "boris")
    r = client.get("/orders", params={"order_no": "12/2026-А"})
    assert r.status_code == 200 and "12/2026-А" in r.text
    linked = anna.post("/api/orders/12/2026-А/links", json={"document_id": desk.docs["invoice"]})
    assert linked.status_code == 200, linked.text


@pytest.mark.parametrize("doc_id", [2**63, 2**63 - 1, 2**70, 0, -1])
def test_ids_no_row_can_have_are_404(desk: Desk, doc_id: int) -> None:
    anna = desk.client("anna")
    for path in (f"/api/documents/{doc_id}", f"/api/documents/{doc_id}/pages/1/image", f"/documents/{doc_id}"):
        assert anna.get(path).status_code == 404, path


def test_browsers_get_error_pages_with_the_navigation_the_api_json(desk: Desk) -> None:
    client, _ = login(desk, "anna")
    for path in ("/documents/999999", "/no-such-page", "/documents/not-a-number"):
        r = client.get(path)
        assert r.status_code in (404, 422) and r.headers["content-type"].startswith("text/html"), path
        assert 'href="/review"' in r.text and 'action="/logout"' in r.text, path
    assert client.get("/api/no-such-thing").headers["content-type"].startswith("application/json")
    assert client.get("/api/documents/999999").json()["error"] == "NotFoundError"


def test_login_keeps_the_query_string_of_the_page_asked_for(desk: Desk) -> None:
    anonymous = desk.client()
    r = anonymous.get("/search?q=Ромашка&doc_type=waybill", follow_redirects=False)
    assert r.status_code == 303
    asked = "/search?q=" + quote("Ромашка") + "&doc_type=waybill"
    assert r.headers["location"] == "/login?next=" + quote(asked, safe="/")
    page = anonymous.get(r.headers["location"]).text
    token = form_token(page)
    r = anonymous.post("/login", data={"username": "boris", "password": PASSWORD, "csrf_token": token,
                                       "next": asked}, follow_redirects=False)
    assert r.headers["location"] == asked
    use_page_token(anonymous)


def test_the_year_facet_filters(desk: Desk) -> None:
    anna = desk.client("anna")
    everything = anna.get("/api/documents").json()
    assert everything["facets"]["year"] == {"2026": 2}
    assert anna.get("/api/documents", params={"year": "2026"}).json()["total"] == 2
    assert anna.get("/api/documents", params={"year": "2025"}).json()["total"] == 0
    client, _ = login(desk, "boris")
    assert '<span id="total">2</span>' in client.get("/search", params={"year": "2026"}).text
