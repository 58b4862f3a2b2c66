"""Login throttling: too many failed logins for a user name, or from one client address, lock it out.

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
    """How many failures within ``window_seconds`` lock a user name or an address for ``lockout_seconds``."""

    max_failures_per_user: int = 5
    max_failures_per_address: int = 20
    window_seconds: float = 900.0
    lockout_seconds: float = 900.0
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


class LoginThrottle:
    """Counts failed logins by user name and by client address. Thread-safe (sync routes run in a pool).

    ``clock`` returns seconds (``time.monotonic`` by default); tests pass their own to step through time.
    """

    def __init__(self, policy: LoginPolicy | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy or LoginPolicy()
        self._clock = clock
        self._tracks: dict[tuple[str, str], _Track] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        """How many user names and addresses are being counted."""
        return len(self._tracks)

    @staticmethod
    def _keys(username: str, address: str | None) -> list[tuple[tuple[str, str], int]]:
        return [(("user", username.strip().lower()), 0), (("address", address or "unknown"), 1)]

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
                track.failures.append(now)
                while track.failures and track.failures[0] <= now - self.policy.window_seconds:
                    track.failures.popleft()
                if len(track.failures) >= self._limit(which) and track.locked_until <= now:
                    track.locked_until = now + self.policy.lockout_seconds
                    track.failures.clear()
                    started = math.ceil(self.policy.lockout_seconds)
        return started

    def succeeded(self, username: str) -> None:
        """A successful login clears the user name's failures. The address keeps its count (a caller with
        one good account must not be able to reset it between guesses at others' passwords)."""
        with self._lock:
            self._tracks.pop(self._keys(username, None)[0][0], None)

    def _prune(self, now: float) -> None:
        if len(self._tracks) < self.policy.max_tracked:
            return
        horizon = now - self.policy.window_seconds
        for key in [k for k, t in self._tracks.items()
                    if t.locked_until <= now and (not t.failures or t.failures[-1] <= horizon)]:
            del self._tracks[key]
        while len(self._tracks) >= self.policy.max_tracked:  # still full: forget the oldest entries
            del self._tracks[next(iter(self._tracks))]
