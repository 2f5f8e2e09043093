"""Sign-in throttling: after too many failures for one account or one address, refuse for a while."""

from __future__ import annotations

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from sharelog.errors import TooManyAttempts

__all__ = ["SignInThrottle"]


class SignInThrottle:
    """Counts failed sign-ins in a moving window, per username and per client address.

    The counts live in this process (one uvicorn worker); run several workers and each keeps its own.
    """

    def __init__(self, *, per_account: str = "5/15minutes", per_address: str = "20/15minutes") -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._account: RateLimitItem = parse(per_account)
        self._address: RateLimitItem = parse(per_address)

    def check(self, *, username: str, address: str) -> None:
        """Raise :class:`TooManyAttempts` if either count is used up (a check costs nothing)."""
        if not self._limiter.test(self._account, "account", username.lower()) or not self._limiter.test(
            self._address, "address", address
        ):
            raise TooManyAttempts("too many failed sign-ins: wait 15 minutes and try again")

    def failed(self, *, username: str, address: str) -> None:
        """Count one failed attempt."""
        self._limiter.hit(self._account, "account", username.lower())
        self._limiter.hit(self._address, "address", address)

    def succeeded(self, *, username: str) -> None:
        """A correct password clears the account's count (not the address's)."""
        self._limiter.clear(self._account, "account", username.lower())
