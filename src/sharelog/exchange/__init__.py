"""The exchange: a batch under an agreement → validated, matched, a minimal return, every disclosure recorded.

Its files (return files, supplementary return files, review files) have one definition, whose face is here:
where they are (:func:`review_file_path`, :func:`partial_path`), how they are checksummed and read back
(decrypted when encrypted at rest), and how a crash's leftovers are recovered. Retention and the front ends use
these names, never a private module. See docs/exchange.md.
"""

from sharelog.exchange._encryption import (
    decrypt_file_bytes,
    file_key_id,
    generate_file_key,
    read_file_key,
    write_new_private_file,
)
from sharelog.exchange._events import (
    ExchangeCompleted,
    ExchangeRejected,
    ReturnFileDeleted,
    ReturnFileFetched,
    ReviewCompleted,
    ReviewDecided,
    ReviewFileDeleted,
)
from sharelog.exchange._files import (
    file_checksum,
    files_in_flight,
    partial_path,
    plain_name,
    read_return_file,
    review_file_path,
)
from sharelog.exchange._recovery import recover_exchange_files
from sharelog.exchange._review import (
    ReviewCase,
    ReviewDecision,
    decide,
    decide_review,
    review_candidates,
    review_case,
    review_queue,
)
from sharelog.exchange._run import ExchangeResult, HeldRegister, month_start, run_exchange
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
    "HeldRegister",
    "ReturnFileDeleted",
    "ReturnFileFetched",
    "ReturnFileView",
    "ReviewCase",
    "ReviewCompleted",
    "ReviewDecided",
    "ReviewDecision",
    "ReviewFileDeleted",
    "decide",
    "decide_review",
    "decrypt_file_bytes",
    "exchange_for",
    "exchanges_for",
    "fetch_return_file",
    "file_checksum",
    "file_key_id",
    "files_in_flight",
    "generate_file_key",
    "month_start",
    "partial_path",
    "plain_name",
    "read_file_key",
    "read_return_file",
    "recover_exchange_files",
    "return_file_for",
    "review_candidates",
    "review_case",
    "review_file_path",
    "review_queue",
    "run_exchange",
    "subject_key",
    "write_new_private_file",
]
