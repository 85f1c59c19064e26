"""The environment a test hands to the processes it starts (workers, crawlers, the API), so that
they use the test's own services, index alias, queue and key prefix rather than the developer's."""

from __future__ import annotations

import os

from ann.settings import Settings


def service_env(settings: Settings) -> dict[str, str]:
    """Environment for subprocesses (workers, crawler) that must use these settings."""
    return {
        **os.environ,
        "ES_URL": settings.es_url,
        "REDIS_URL": settings.redis_url,
        "ANN_INDEX_ALIAS": settings.index_alias,
        "ANN_PAGES_QUEUE": settings.pages_queue,
        "ANN_KEY_PREFIX": settings.key_prefix,
        "ANN_WARC_DIR": "",  # tests that archive set their own directory
        "ANN_SHARED_DIR": str(settings.shared_dir),
    }
