"""Login throttling: too many failed logins for a user name from one client address, or from one address
whatever the names, lock that pair (or that address) out, each lockout of it twice as long as the last.

A user name is never locked on its own: guessing at an account from one address locks that address out of
it, and the user logs in from theirs as usual (nobody can lock another's account).

Failures are counted in memory, per server process (``finarchive serve`` runs one): a restart forgets
them, and several worker processes would each count their own. Every failure is also written to the
audit trail as ``user.login_failed`` with the address, which is where to look afterwards.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from finarchive.errors import ConfigurationError


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures within ``window_seconds`` lock a user name at one address, or an address, out; the
    first lockout lasts ``lockout_seconds``, each next one of the same key twice as long, up to
    ``max_lockout_seconds``."""

    max_failures_per_user: int = 5  # per user name and address
    max_failures_per_address: int = 20
    window_seconds: float = 900.0
    lockout_seconds: float = 900.0
    max_lockout_seconds: float = 86_400.0
    max_tracked: int = 10_000  # keys kept at most (a flood of made-up user names cannot fill the memory)

    @classmethod
    def from_settings(cls, section: Mapping[str, Any] | None) -> LoginPolicy:
        """From the ``[web]`` settings: ``login_max_failures_per_user``, ``login_max_failures_per_address``,
        ``login_window_seconds``, ``login_lockout_seconds`` (absent keys keep the defaults)."""
        section = section or {}
        values: dict[str, Any] = {}
        for f in fields(cls):
            key = f"login_{f.name}"
            if key in section:
                try:
                    values[f.name] = type(getattr(cls, f.name))(section[key])
                except (TypeError, ValueError) as exc:
                    raise ConfigurationError(f"[web] {key} = {section[key]!r}: {exc}") from exc
        policy = cls(**values)
        if min(policy.max_failures_per_user, policy.max_failures_per_address, policy.max_tracked) < 1 \
                or policy.window_seconds <= 0 or policy.lockout_seconds < 0:
            raise ConfigurationError(f"[web] login throttling settings out of range: {policy}")
        return policy


@dataclass
class _Track:
    failures: deque[float]
    locked_until: float = 0.0
    lockouts: int = 0  # lockouts so far: the next one lasts 2**lockouts times the first


class LoginThrottle:
    """Counts failed logins by user name and address together, and by address. Thread-safe (sync routes run in a pool).

    ``clock`` returns seconds (``time.monotonic`` by default); tests pass their own to step through time.
    """

    def __init__(self, policy: LoginPolicy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or LoginPolicy()
        self._clock = clock
        self._tracks: dict[tuple[str, ...], _Track] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many user names and addresses are being counted."""
        return len(self._tracks)

    @staticmethod
    def _keys(username: str, address: str | None) -> list[tuple[tuple[str, ...], int]]:
        where = address or "unknown"
        return [(("user", username.strip().lower(), where), 0), (("address", where), 1)]

    def _limit(self, which: int) -> int:
        return (self.policy.max_failures_per_user, self.policy.max_failures_per_address)[which]

    def retry_after(self, username: str, address: str | None) -> int | None:
        """Seconds until this user name and address may try again; None when they may now."""
        now = self._clock()
        with self._lock:
            waits = [track.locked_until - now for key, _ in self._keys(username, address)
                     if (track := self._tracks.get(key)) is not None and track.locked_until > now]
        return math.ceil(max(waits)) if waits else None

    def failed(self, username: str, address: str | None) -> int | None:
        """Count a failure; the lockout in seconds when this failure starts one, else None."""
        now = self._clock()
        started = None
        with self._lock:
            self._prune(now)
            for key, which in self._keys(username, address):
                track = self._tracks.setdefault(key, _Track(deque()))
                if track.lockouts and not track.failures and now - track.locked_until > self.policy.window_seconds:
                    track.lockouts = 0  # quiet for a whole window since its last lockout: forgiven
                track.failures.append(now)
                while track.failures and track.failures[0] <= now - self.policy.window_seconds:
                    track.failures.popleft()
                if len(track.failures) >= self._limit(which) and track.locked_until <= now:
                    lockout = min(self.policy.lockout_seconds * 2 ** track.lockouts, self.policy.max_lockout_seconds)
                    track.locked_until = now + lockout
                    track.lockouts += 1
                    track.failures.clear()
                    started = max(started or 0, math.ceil(lockout))
        return started

    def succeeded(self, username: str, address: str | None) -> None:
        """A successful login clears the failures of the user name at that address. The address keeps its
        count (a caller with one good account must not be able to reset it between guesses at others')."""
        with self._lock:
            self._tracks.pop(self._keys(username, address)[0][0], None)

    def _prune(self, now: float) -> None:
        if len(self._tracks) < self.policy.max_tracked:
            return
        horizon = now - self.policy.window_seconds
        for key in [k for k, t in self._tracks.items()
                    if t.locked_until <= horizon and (not t.failures or t.failures[-1] <= horizon)]:
            del self._tracks[key]
        while len(self._tracks) >= self.policy.max_tracked:  # still full: forget the oldest entries
            del self._tracks[next(iter(self._tracks))]
