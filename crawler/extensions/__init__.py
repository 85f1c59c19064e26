"""Scrapy extensions: crawl-wide side jobs wired by the ``EXTENSIONS`` setting, off unless
configured (each raises ``NotConfigured`` when its setting is empty)."""
