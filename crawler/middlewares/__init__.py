"""Downloader middlewares of the crawler, one concern each."""
