"""The indexer: Celery workers that turn crawled pages into indexed articles.

Stages, each a pure function with every outcome counted: extract → normalize → dedup → bulk index.
"""
