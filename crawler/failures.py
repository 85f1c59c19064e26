"""One short, stable reason per kind of failed fetch, for the per-source ``errors/<reason>``
counters that ``ann status`` shows.

Scrapy's exception classes name the same fault differently across versions and layers (a
download cut at ``DOWNLOAD_MAXSIZE`` is a ``DownloadCancelledError``, a decompression cut at the
same size an ``IgnoreRequest``); an operator wants one word per fault.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    ResponseDataLossError,
)


class ResponseTooLarge(Exception):
    """A response whose body, once decompressed, would pass ``DOWNLOAD_MAXSIZE``."""


_REASONS: tuple[tuple[type[Exception], str], ...] = (
    (ResponseTooLarge, "too_large"),
    (DownloadCancelledError, "too_large"),  # Scrapy cancels only at DOWNLOAD_MAXSIZE
    (DownloadTimeoutError, "timeout"),
    (CannotResolveHostError, "dns"),
    (DownloadConnectionRefusedError, "connection_refused"),
    (ResponseDataLossError, "data_loss"),
)


def failure_reason(error: BaseException) -> str:
    """The counter's reason for ``error``: a fault's word, else the exception's class name."""
    for kind, reason in _REASONS:
        if isinstance(error, kind):
            return reason
    return type(error).__name__
