"""CSRF protection and security headers, through the ASGI client with a real login (cookie session)."""

from __future__ import annotations

import io
import re

import pytest

from tests.web.conftest import PASSWORD, Desk, form_token, meta_token
from tests.web.test_pages import login
from web._security import CONTENT_SECURITY_POLICY


@pytest.fixture
def desk(sqlite_desk: Desk) -> Desk:
    return sqlite_desk


def _status(desk: Desk, doc_id: int) -> str:
    return desk.client("anna").get(f"/api/documents/{doc_id}").json()["status"]


def _bare(client):
    """The client with its session cookie but without the CSRF header (as a forged cross-site post)."""
    client.headers.pop("X-CSRF-Token", None)
    return client


def test_a_form_post_without_the_token_is_refused_and_with_it_accepted(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    _bare(anna)
    doc = desk.docs["invoice"]
    r = anna.post(f"/review/{doc}/verify", follow_redirects=False)  # what a forged form on another site sends
    assert r.status_code == 403 and "нет CSRF-токена" in r.text
    r = anna.post(f"/review/{doc}/verify", data={"csrf_token": "bm90LWEtdG9rZW4="}, follow_redirects=False)
    assert r.status_code == 403 and "CSRF-токен неверен" in r.text
    assert _status(desk, doc) == "needs_review"
    page = anna.get(f"/review/{doc}").text
    token = re.search(r'id="verify-form"><input type="hidden" name="csrf_token" value="([^"]+)"', page)
    assert token, "the verify form carries the token"
    r = anna.post(f"/review/{doc}/verify", data={"csrf_token": token.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    assert _status(desk, doc) == "verified"


def test_tokens_are_masked_per_page_and_bound_to_the_session(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    first, second = meta_token(anna.get("/review").text), meta_token(anna.get("/review").text)
    assert first != second  # a fresh mask on every page, the same secret under it
    boris, _ = login(desk, "boris")
    _bare(boris)
    doc = desk.docs["invoice"]
    r = boris.post("/logout", data={"csrf_token": first}, follow_redirects=False)  # anna's token, boris's cookie
    assert r.status_code == 403
    assert boris.get("/search").status_code == 200  # still logged in
    r = anna.post(f"/review/{doc}/fields", data={"name": "total", "value": "1.00", "csrf_token": second},
                  follow_redirects=False)
    assert r.status_code == 303


def test_login_needs_the_token_and_makes_a_new_one(desk: Desk) -> None:
    client = desk.client()
    r = client.post("/login", data={"username": "anna", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "нет CSRF-токена" in r.text  # login CSRF
    before = form_token(client.get("/login").text)
    r = client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": before},
                    follow_redirects=False)
    assert r.status_code == 303
    r = client.post("/logout", data={"csrf_token": before}, follow_redirects=False)
    assert r.status_code == 403  # the token seen before the login is worthless after it
    r = client.post("/logout", data={"csrf_token": form_token(client.get("/review").text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/review", follow_redirects=False).status_code == 303


def test_multipart_upload_form_carries_the_token(desk: Desk) -> None:
    msk, _ = login(desk, "msk")
    _bare(msk)
    files = {"files": ("scan.png", io.BytesIO(b"not really a png"), "image/png")}
    r = msk.post("/outlet/upload", files=files, follow_redirects=False)
    assert r.status_code == 403
    token = form_token(msk.get("/outlet").text)
    files = {"files": ("scan.png", io.BytesIO(b"not really a png"), "image/png")}
    r = msk.post("/outlet/upload", files=files, data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/outlet?uploaded=1")
    desk.app.state.uploads.drain(timeout=60)


def test_the_pages_fetch_calls_need_the_header_bearer_calls_do_not(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    doc = desk.docs["invoice"]
    token = anna.headers["X-CSRF-Token"]
    _bare(anna)
    r = anna.post(f"/api/documents/{doc}/correct", json={"fields": {"total": "99.00"}})
    assert r.status_code == 403 and r.json()["error"] == "CsrfError" and "CSRF" in r.json()["message"]
    r = anna.post(f"/api/documents/{doc}/correct", json={"fields": {"total": "99.00"}},
                  headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["fields"]["total"]["value"] == "99.00"
    # an API token is no ambient credential: no CSRF token needed, whatever Origin a script claims
    api = desk.client("anna")
    r = api.post(f"/api/documents/{doc}/correct", json={"fields": {"total": "98.00"}},
                 headers={"Origin": "https://elsewhere.example"})
    assert r.status_code == 200 and r.json()["fields"]["total"]["value"] == "98.00"
    # an unauthenticated API call is still told to authenticate, not about CSRF
    r = desk.client().post(f"/api/documents/{doc}/verify")
    assert r.status_code == 401


def test_origin_and_referer_of_another_site_are_refused(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    doc = desk.docs["invoice"]
    url = f"/api/documents/{doc}/correct"
    body = {"fields": {"total": "77.00"}}
    for headers in ({"Origin": "https://evil.example"}, {"Origin": "null"},
                    {"Referer": "https://evil.example/page"}, {"Origin": "http://testserver.evil.example"}):
        r = anna.post(url, json=body, headers=headers)
        assert r.status_code == 403 and "another site" in r.json()["message"], headers
    for headers in ({"Origin": "http://testserver"}, {"Referer": f"http://testserver/review/{doc}"}, {}):
        assert anna.post(url, json=body, headers=headers).status_code == 200, headers


def test_trusted_origins_from_the_settings(sqlite_archive) -> None:
    from tests.web.conftest import _desk

    sqlite_archive.settings.values["web"] = {"trusted_origins": ["https://desk.example.com/"]}
    desk = _desk(sqlite_archive, sqlite_archive.settings.home)
    try:
        anna, _ = login(desk, "anna")
        url = f"/api/documents/{desk.docs['invoice']}/correct"
        body = {"fields": {"total": "55.00"}}
        assert anna.post(url, json=body, headers={"Origin": "https://desk.example.com"}).status_code == 200
        assert anna.post(url, json=body, headers={"Origin": "https://other.example.com"}).status_code == 403
    finally:
        desk.app.state.uploads.close()


# -- headers ---------------------------------------------------------------------------------------
EXPECTED_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def test_every_response_carries_the_security_headers(desk: Desk) -> None:
    anna, _ = login(desk, "anna")
    doc = desk.docs["waybill"]
    responses = [anna.get(p) for p in ("/search", "/review", f"/review/{doc}", f"/documents/{doc}", "/originals",
                                       "/outlet?code=MSK-01", "/orders", "/static/app.js", "/static/app.css",
                                       f"/api/documents/{doc}", f"/api/documents/{doc}/pages/1/image",
                                       "/documents/999999", "/api/openapi.json")]
    responses += [desk.client().get("/login"), desk.client().get("/review", follow_redirects=False),
                  desk.client().get("/api/me"), _bare(anna).post("/logout")]
    for r in responses:
        for name, value in EXPECTED_HEADERS.items():
            assert r.headers.get(name) == value, (r.request.url, name)
    csp = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))
    assert csp["script-src"] == "'self'" and csp["style-src"] == "'self'" and csp["frame-ancestors"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_pages_have_no_inline_script_or_style(desk: Desk) -> None:
    """What the CSP forbids must not be in the pages: inline <script>, <style>, style= and on*= attributes."""
    anna, _ = login(desk, "anna")
    doc = desk.docs["waybill"]
    for path in ("/login", "/search?q=Ромашка", "/review", f"/review/{doc}", f"/documents/{doc}", "/originals",
                 "/outlet?code=MSK-01", "/orders", "/documents/999999"):
        html = anna.get(path).text
        assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == [], path
        assert "<style" not in html and not re.search(r"\sstyle=", html), path
        assert not re.search(r"<[^>]+\son[a-z]+=", html), path


def test_secure_cookies_setting_marks_the_session_cookie_and_sends_hsts(desk: Desk) -> None:
    from fastapi.testclient import TestClient

    from web import create_app

    def login_response(app):
        client = TestClient(app, base_url="https://testserver")
        token = form_token(client.get("/login").text)
        return client.post("/login", data={"username": "anna", "password": PASSWORD, "csrf_token": token},
                           follow_redirects=False)

    plain = login_response(desk.app)
    assert plain.status_code == 303
    assert "secure" not in plain.headers["set-cookie"].lower()
    assert "strict-transport-security" not in plain.headers
    desk.arc.settings.values.setdefault("web", {})["secure_cookies"] = True
    secure_app = create_app(desk.arc, secret="test-secret")
    try:
        r = login_response(secure_app)
        assert r.status_code == 303
        assert "; secure" in r.headers["set-cookie"].lower()
        assert r.headers["strict-transport-security"] == "max-age=31536000"
    finally:
        secure_app.state.uploads.close()
        desk.arc.settings.values["web"]["secure_cookies"] = False
