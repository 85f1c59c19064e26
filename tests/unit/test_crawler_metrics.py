"""A crawl's Scrapy stats, summarised as the crawl process reports them, become the crawl
worker's counters: errors by reason from both the downloader's exceptions and the crawler's own
reasons."""

from __future__ import annotations

import uuid

from prometheus_client import Counter

from crawler import metrics
from crawler.run import summarize


def _value(counter: Counter, **labels: str) -> float:
    return sum(s.value for family in counter.collect() for s in family.samples
               if s.name.endswith("_total") and s.labels == labels)


def test_a_crawl_summary_moves_the_counters_of_its_source() -> None:
    source = f"src-{uuid.uuid4().hex[:6]}"  # the counters are the process's: a label of our own
    stats = {
        "ann/requests/www.example.com": 5, "ann/requests/example.com": 1,
        "downloader/response_status_count/200": 3, "downloader/response_status_count/503": 1,
        "downloader/response_bytes": 12345,
        "downloader/exception_type_count/twisted.internet.error.DNSLookupError": 2,
        "ann/errors/too_large": 1, "ann/queued_pages": 2, "finish_reason": "finished",
    }
    metrics.observe_crawl({source: summarize(stats)})
    assert _value(metrics.REQUESTS, source=source) == 6
    assert _value(metrics.RESPONSES, source=source, status="503") == 1
    assert _value(metrics.RESPONSE_BYTES, source=source) == 12345
    assert _value(metrics.PAGES_QUEUED, source=source) == 2
    assert _value(metrics.ERRORS, source=source, reason="DNSLookupError") == 2
    assert _value(metrics.ERRORS, source=source, reason="too_large") == 1
