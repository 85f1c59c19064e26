"""robots.txt that cannot be read holds its host, and the pages it holds are owed a fetch."""

from __future__ import annotations

import uuid

import pytest
from redis import Redis
from scrapy import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.test import get_crawler
from twisted.internet.defer import Deferred
from twisted.internet.error import ConnectionRefusedError as TxConnectionRefusedError
from twisted.python.failure import Failure

from ann.keyspace import robots_unavailable_key
from ann.settings import Settings
from ann.sources import load_registry
from crawler.middlewares.robots import RobotsUnavailable, SharedRobotsTxtMiddleware
from crawler.spiders.news import NewsSpider


@pytest.mark.integration  # Redis
def test_a_page_held_by_an_unreachable_robots_txt_is_a_failure_of_the_run(
    services: Settings, redis_client: Redis
) -> None:
    prefix = f"{services.key_prefix}-robots-{uuid.uuid4().hex[:6]}"
    crawler = get_crawler(NewsSpider, settings_dict={
        "ANN_REDIS_URL": services.redis_url, "ANN_KEY_PREFIX": prefix,
        "ANN_ROBOTS_RETRY_SECONDS": 120, "ROBOTSTXT_OBEY": True,
    })
    spider = crawler._create_spider(source=load_registry().get("dawn"))
    assert isinstance(spider, NewsSpider)
    crawler.spider = spider
    robots = SharedRobotsTxtMiddleware.from_crawler(crawler)
    waiting: Deferred[RobotParser | None] = Deferred()
    robots._parsers["www.dawn.com"] = waiting  # a fetch of robots.txt in progress...
    refused_connection = TxConnectionRefusedError()  # type: ignore[no-untyped-call]
    robots._robots_error(refused_connection, "www.dawn.com")  # ...that fails
    held: list[object] = []
    waiting.addCallback(held.append)
    assert held and held[0] is not None  # the requests that waited get disallow-all, not None
    assert 0 < redis_client.pttl(robots_unavailable_key(prefix, "www.dawn.com")) <= 120_000
    with pytest.raises(RobotsUnavailable) as refused:
        robots.process_request_2(held[0], Request("https://www.dawn.com/news/1234567"))  # type: ignore[arg-type]
    spider.article_failed(Failure(refused.value))  # type: ignore[no-untyped-call]
    # A failure of the run: the entry points' validators are not kept, so the next run reads
    # the feed again and finds this page, instead of a 304 that would hide it for good.
    assert spider._article_failures == 1
