"""The exchange: a batch under an agreement → validated, matched, a minimal return, every disclosure recorded.

See docs/exchange.md.
"""

from sharelog.exchange._encryption import (
    decrypt_file_bytes,
    file_key_id,
    generate_file_key,
    plain_name,
    read_file_key,
    read_return_file,
    write_new_private_file,
)
from sharelog.exchange._events import (
    ExchangeCompleted,
    ExchangeRejected,
    ReturnFileDeleted,
    ReturnFileFetched,
    ReviewDecided,
)
from sharelog.exchange._returns import recover_exchange_files
from sharelog.exchange._run import ExchangeResult, month_start, run_exchange
from sharelog.exchange._subjects import subject_key
from sharelog.exchange._views import (
    ExchangeCounts,
    ExchangeDetail,
    ExchangeSummary,
    FetchedReturnFile,
    ReturnFileView,
    exchange_for,
    exchanges_for,
    fetch_return_file,
    return_file_for,
)

__all__ = [
    "ExchangeCompleted",
    "ExchangeCounts",
    "ExchangeDetail",
    "ExchangeRejected",
    "ExchangeResult",
    "ExchangeSummary",
    "FetchedReturnFile",
    "ReturnFileDeleted",
    "ReturnFileFetched",
    "ReturnFileView",
    "ReviewDecided",
    "decrypt_file_bytes",
    "exchange_for",
    "exchanges_for",
    "file_key_id",
    "generate_file_key",
    "month_start",
    "plain_name",
    "read_file_key",
    "read_return_file",
    "recover_exchange_files",
    "fetch_return_file",
    "return_file_for",
    "run_exchange",
    "subject_key",
    "write_new_private_file",
]
