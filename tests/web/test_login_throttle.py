"""Login throttling: the counter on its own (with a clock the test steps) and through the ASGI client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from archive.models import AuditEvent
from finarchive.errors import ConfigurationError
from tests.web.conftest import PASSWORD, Desk, _desk, form_token
from web._throttle import LoginPolicy, LoginThrottle


class SteppedClock:
    """A clock that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


POLICY = LoginPolicy(max_failures_per_user=3, max_failures_per_address=5, window_seconds=600, lockout_seconds=300)


def test_a_user_name_is_locked_at_one_address_and_unlocked_later() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(POLICY, clock)
    assert throttle.failed("anna", "10.0.0.1") is None
    assert throttle.failed("ANNA ", "10.0.0.1") is None  # the same name, however typed
    assert throttle.retry_after("anna", "10.0.0.1") is None
    assert throttle.failed("anna", "10.0.0.1") == 300  # the third failure starts the lockout
    assert throttle.retry_after("anna", "10.0.0.1") == 300
    assert throttle.retry_after("anna", "10.0.0.9") is None  # anna logs in from her own address as usual
    assert throttle.retry_after("boris", "10.0.0.1") is None  # others are not affected
    clock.advance(120.5)
    assert throttle.retry_after("anna", "10.0.0.1") == 180
    clock.advance(180)
    assert throttle.retry_after("anna", "10.0.0.1") is None


def test_nobody_can_lock_another_s_account_from_many_addresses() -> None:
    throttle = LoginThrottle(POLICY, SteppedClock())
    for i in range(50):  # one failure from each of many addresses
        assert throttle.failed("anna", f"10.1.0.{i}") is None
    assert throttle.retry_after("anna", "10.0.0.9") is None


def test_each_lockout_of_the_same_key_lasts_twice_as_long() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(POLICY, clock)
    lockouts = []
    for _ in range(4):
        for _ in range(3):
            locked = throttle.failed("anna", "10.0.0.1")
        lockouts.append(locked)
        clock.advance(locked or 0)
    assert lockouts == [300, 600, 1200, 2400]
    capped = LoginThrottle(LoginPolicy(max_failures_per_user=1, lockout_seconds=100, max_lockout_seconds=250), clock)
    got = []
    for _ in range(4):
        got.append(capped.failed("anna", "x"))
        clock.advance(got[-1] or 0)
    assert got == [100, 200, 250, 250]
    clock.advance(POLICY.window_seconds + 1)  # a whole quiet window: forgiven, back to the first length
    for _ in range(2):
        throttle.failed("anna", "10.0.0.1")
    assert throttle.failed("anna", "10.0.0.1") == 300


def test_failures_outside_the_window_do_not_count_and_success_resets() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(POLICY, clock)
    throttle.failed("anna", "a")
    throttle.failed("anna", "a")
    clock.advance(601)  # both have left the window
    assert throttle.failed("anna", "a") is None
    throttle.failed("anna", "a")
    throttle.succeeded("anna", "a")
    assert throttle.failed("anna", "a") is None and throttle.failed("anna", "a") is None
    assert throttle.retry_after("anna", "a") is None


def test_an_address_trying_many_names_is_locked_and_success_does_not_reset_it() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(POLICY, clock)
    for i in range(4):
        assert throttle.failed(f"user{i}", "10.9.9.9") is None
    throttle.succeeded("mallory", "10.9.9.9")  # the caller's own good account does not clear its address
    assert throttle.failed("user4", "10.9.9.9") == 300
    assert throttle.retry_after("anna", "10.9.9.9") == 300
    assert throttle.retry_after("anna", "10.0.0.1") is None


def test_memory_is_bounded() -> None:
    clock = SteppedClock()
    throttle = LoginThrottle(LoginPolicy(max_tracked=50, max_failures_per_address=10**6), clock)
    for i in range(500):
        throttle.failed(f"made-up-{i}", "10.0.0.1")
    assert 0 < len(throttle) <= 50


def test_policy_from_settings() -> None:
    assert LoginPolicy.from_settings(None) == LoginPolicy()
    policy = LoginPolicy.from_settings({"login_max_failures_per_user": "7", "login_lockout_seconds": 60,
                                        "trusted_origins": []})
    assert policy.max_failures_per_user == 7 and policy.lockout_seconds == 60.0
    assert policy.max_failures_per_address == LoginPolicy().max_failures_per_address
    with pytest.raises(ConfigurationError):
        LoginPolicy.from_settings({"login_window_seconds": "soon"})
    with pytest.raises(ConfigurationError):
        LoginPolicy.from_settings({"login_max_failures_per_user": 0})


def test_the_app_takes_its_policy_from_the_web_settings(sqlite_archive) -> None:
    from web import create_app

    sqlite_archive.settings.values["web"] = {"login_max_failures_per_user": 2, "login_lockout_seconds": 30}
    app = create_app(sqlite_archive, secret="s")
    try:
        policy = app.state.login_throttle.policy
        assert policy.max_failures_per_user == 2 and policy.lockout_seconds == 30.0
    finally:
        app.state.uploads.close()


# -- through the app -------------------------------------------------------------------------------
@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def desk(sqlite_archive, tmp_path, clock: SteppedClock) -> Iterator[Desk]:
    d = _desk(sqlite_archive, tmp_path)
    d.app.state.login_throttle = LoginThrottle(POLICY, clock)
    yield d
    d.app.state.uploads.close()


def _try(client, username: str, password: str):
    token = form_token(client.get("/login").text)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token},
                       follow_redirects=False)


def _events(desk: Desk, action: str) -> list[AuditEvent]:
    with desk.arc.sessions() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_login_is_refused_with_429_during_a_lockout(desk: Desk, clock: SteppedClock) -> None:
    client = desk.client()
    for _ in range(3):
        r = _try(client, "anna", "wrong-password")
        assert r.status_code == 401 and "Неверное имя пользователя или пароль" in r.text
    r = _try(client, "anna", PASSWORD)  # the right password, but locked: not even checked
    assert r.status_code == 429 and r.headers["retry-after"] == "300"
    assert "попробуйте снова через 5 минут." in r.text
    assert client.get("/review", follow_redirects=False).status_code == 303  # not logged in
    failures = _events(desk, "user.login_failed")
    assert len(failures) == 3  # the refused attempt is not one more row
    assert all(e.actor == "anna" and e.details["address"] == "testclient" and e.object_id for e in failures)
    assert [e.details["locked_for"] for e in failures] == [None, None, 300]
    clock.advance(301)
    r = _try(client, "anna", PASSWORD)
    assert r.status_code == 303 and r.headers["location"] == "/review"
    logged_in = _events(desk, "user.logged_in")
    assert [(e.actor, e.details["address"]) for e in logged_in] == [("anna", "testclient")]


def test_a_successful_login_resets_the_user_count(desk: Desk) -> None:
    client = desk.client()
    for _ in range(2):
        assert _try(client, "boris", "wrong-password").status_code == 401
    assert _try(client, "boris", PASSWORD).status_code == 303
    client = desk.client()
    for _ in range(2):
        assert _try(client, "boris", "wrong-password").status_code == 401
    assert _try(client, "boris", PASSWORD).status_code == 303  # would be the fourth failure without the reset


def test_one_address_trying_many_names_is_locked(desk: Desk) -> None:
    client = desk.client()
    for name in ("nobody1", "nobody2", "anna", "boris", "nobody3"):
        assert _try(client, name, "wrong-password").status_code == 401
    r = _try(client, "msk", PASSWORD)
    assert r.status_code == 429 and int(r.headers["retry-after"]) == 300
    unknown = [e for e in _events(desk, "user.login_failed") if e.actor.startswith("nobody")]
    assert len(unknown) == 3 and all(e.object_id is None for e in unknown)


def test_api_tokens_are_not_throttled_by_page_logins(desk: Desk) -> None:
    client = desk.client()
    for _ in range(3):
        _try(client, "anna", "wrong-password")
    assert _try(client, "anna", PASSWORD).status_code == 429
    assert desk.client("anna").get("/api/me").status_code == 200
