"""Subject keys: a pseudonym for a pupil that lets a subject access request find every disclosure about them,
and lets no one without the holder's secret key turn it back into a pupil id."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["subject_key"]


def subject_key(pupil_id: str, *, key: bytes) -> str:
    """HMAC-SHA256 of the pupil id under the holder's key, as 64 hex characters."""
    return hmac.new(key, pupil_id.encode("utf-8"), hashlib.sha256).hexdigest()
