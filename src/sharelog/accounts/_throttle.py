"""Sign-in throttling: after too many failures for one account or one address, refuse for a while."""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from sharelog.errors import TooManyAttempts

__all__ = ["Refusal", "SignInThrottle"]

_NOTED_MAX = 10_000  # refusals remembered at once, to record each once per window


@dataclass(frozen=True)
class Refusal:
    """The throttle refuses a sign-in: which limit is used up (``account`` or ``address``), and whether this is
    the first refusal of that account or address in the current window (the one worth recording)."""

    limit: str
    first: bool


class SignInThrottle:
    """Counts failed sign-ins in a moving window, per username and per client address.

    The counts live in this process (one uvicorn worker); run several workers and each keeps its own.
    """

    def __init__(self, *, per_account: str = "5/15minutes", per_address: str = "20/15minutes") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._account: RateLimitItem = parse(per_account)
        self._address: RateLimitItem = parse(per_address)
        self._noted: dict[tuple[str, str], float] = {}  # (limit, key) → when its refusal may be noted again

    def refusal(self, *, username: str, address: str) -> Refusal | None:
        """Whether either count is used up (a check costs nothing), and if so which."""
        if not self._limiter.test(self._account, "account", username.lower()):
            return self._refused("account", username.lower(), self._account)
        if not self._limiter.test(self._address, "address", address):
            return self._refused("address", address, self._address)
        return None

    def _refused(self, limit: str, key: str, item: RateLimitItem) -> Refusal:
        now = time.monotonic()
        if len(self._noted) >= _NOTED_MAX:
            self._noted = {noted: until for noted, until in self._noted.items() if until > now}
        # past _NOTED_MAX live refusals (an attack from thousands of addresses) no more are noted: the events
        # already recorded show the attack, and neither memory nor the audit chain grows without bound
        first = self._noted.get((limit, key), 0.0) <= now and len(self._noted) < _NOTED_MAX
        if first:
            self._noted[(limit, key)] = now + item.get_expiry()
        return Refusal(limit, first)

    def check(self, *, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` if either count is used up."""
        if self.refusal(username=username, address=address) is not None:
            raise TooManyAttempts("too many failed sign-ins: wait 15 minutes and try again")

    def failed(self, *, username: str, address: str) -> None:
        """Count one failed attempt."""
        self._limiter.hit(self._account, "account", username.lower())
        self._limiter.hit(self._address, "address", address)

    def succeeded(self, *, username: str) -> None:
        """A correct password clears the account's count (not the address's)."""
        self._limiter.clear(self._account, "account", username.lower())
