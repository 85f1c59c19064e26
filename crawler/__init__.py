"""The crawler: a Scrapy project that discovers article pages and hands them to the indexer.

It talks to the indexer only through :mod:`ann.messages` (a typed message sent by task name).
"""
