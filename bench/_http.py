"""The headers every bench client sends, to the API and straight to Elasticsearch alike.

httpx asks for compressed answers by default (``Accept-Encoding: gzip, deflate, br``), and
Elasticsearch honours that: it gzips every answer straight to the bench, which then inflates it,
while the API's own client asks the node for plain JSON (elastic-transport leaves
``Accept-Encoding`` out unless ``http_compress`` is set) and answers plainly itself. Measured on
the 50,600-document bench index, gzip cost the node 0.2 ms and the client 0.07 ms per query: a
baseline that pays it and an API path that does not would flatter the API's ratio. Both sides
are asked for what the API itself asks the node for: the same query over the same bytes.
"""

from __future__ import annotations

PLAIN = {"Accept-Encoding": "identity"}
