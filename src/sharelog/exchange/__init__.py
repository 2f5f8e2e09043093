"""The exchange: a batch under an agreement → validated, matched, a minimal return, every disclosure recorded.

See docs/exchange.md.
"""

from sharelog.exchange._events import ExchangeCompleted, ExchangeRejected, ReturnFileDeleted, ReviewDecided
from sharelog.exchange._returns import recover_exchange_files
from sharelog.exchange._run import ExchangeResult, month_start, run_exchange
from sharelog.exchange._subjects import subject_key

__all__ = [
    "ExchangeCompleted",
    "ExchangeRejected",
    "ExchangeResult",
    "ReturnFileDeleted",
    "ReviewDecided",
    "month_start",
    "recover_exchange_files",
    "run_exchange",
    "subject_key",
]
