"""A thin FastAPI over Elasticsearch: full-text and faceted search of the indexed articles.

It reads the index only through its alias and imports nothing of the crawler or the indexer.
"""
