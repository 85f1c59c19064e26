"""Item pipelines: where fetched pages leave the crawler."""
