"""An offline, deterministic copy of the ANN member sites, served at their real URLs.

The crawl tests and the offline demo need sites that look like the real ones (feeds, sitemaps,
section fronts, article pages with each paper's own markup) but never touch the network.
"""
