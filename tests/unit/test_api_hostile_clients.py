"""Hostile clients, refused before anything reaches Elasticsearch or the crawl queue: a key that
is not ASCII, a body sent without the key or too large, filter lists too long, a forged
``X-Forwarded-For``. And what the engine answers, sorted: its 4xx is the client's 400, its 5xx
a 503 (a stub node answering like Elasticsearch does)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from fastapi.testclient import TestClient

from ann.settings import Settings
from search_api.app import MAX_BODY_BYTES, create_app
from search_api.params import MAX_FILTER_VALUE_CHARS, MAX_FILTER_VALUES

KEY = "s3cret-operator-key"
# nothing listens there: a request that got past the checks would be a 503, not a 4xx
OFFLINE = {"es_url": "http://127.0.0.1:9", "redis_url": "redis://127.0.0.1:9/0",
           "api_es_timeout_seconds": 0.2}


def _api(**changes: object) -> TestClient:
    return TestClient(create_app(Settings().model_copy(update={**OFFLINE, **changes})))


def test_a_key_that_is_not_ascii_is_a_401() -> None:
    with _api(api_admin_key=KEY) as api:
        for key in ("clé-d'opérateur".encode(), b"\xff\xfe", "ключ".encode()):
            answer = api.post("/admin/recrawl", headers={b"X-API-Key": key},
                              json={"sources": ["dawn"]})
            assert answer.status_code == 401, answer.text


def test_a_key_may_be_any_utf8_text() -> None:
    with _api(api_admin_key="clé") as api:  # accepted, then the queue is unreachable
        answer = api.post("/admin/recrawl", headers={b"X-API-Key": "clé".encode()},
                          json={"sources": ["dawn"]})
    assert answer.status_code == 503, answer.text


def test_without_the_key_the_body_is_never_read() -> None:
    with _api(api_admin_key=KEY) as api:
        for body in (b"{not json", b"[" * (MAX_BODY_BYTES - 1)):
            answer = api.post("/admin/recrawl", content=body,
                              headers={"Content-Type": "application/json"})
            assert answer.status_code == 401, answer.text
        oversized = api.post("/admin/recrawl", content=b"x" * (MAX_BODY_BYTES * 4))
        assert oversized.status_code == 413  # refused on its declared length, key or not


def test_a_body_beyond_the_cap_is_a_413_and_a_malformed_one_a_422() -> None:
    with _api(api_admin_key=KEY) as api:
        big = {"sources": ["dawn"], "entries": ["feeds"] * MAX_BODY_BYTES}
        answer = api.post("/admin/recrawl", json=big, headers={"X-API-Key": KEY})
        assert answer.status_code == 413, answer.text

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
            yield b'{"sources": ["dawn"], "entries": ['
            for _ in range(MAX_BODY_BYTES // 8):
                yield b'"feeds",'
            yield b'"feeds"]}'

        streamed = api.post("/admin/recrawl", content=chunks(), headers={"X-API-Key": KEY})
        assert streamed.status_code == 413, streamed.text
        broken = api.post("/admin/recrawl", content=b"{not json", headers={"X-API-Key": KEY})
        assert broken.status_code == 422 and broken.json()["detail"][0]["loc"][0] == "body"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"source": [f"s{n}" for n in range(MAX_FILTER_VALUES + 1)]}, "at most 50 items"),
        ({"author": ["x" * (MAX_FILTER_VALUE_CHARS + 1)]}, "at most 256 characters"),
        ({"category": ["ok", "y" * 10_000]}, "at most 256 characters"),
    ],
)
def test_filter_lists_and_values_beyond_the_caps_are_a_422(
    params: dict[str, list[str]], message: str
) -> None:
    with _api() as api:
        answer = api.get("/search", params=params)
    assert answer.status_code == 422, answer.text
    assert message in answer.text


def _hits_from(api: TestClient, forwarded: list[str]) -> list[int]:
    return [api.get("/articles/missing!", headers={"X-Forwarded-For": f}).status_code
            for f in forwarded]


def test_only_a_trusted_proxy_names_the_client_the_limit_applies_to() -> None:
    trusted = {"api_rate_limit": "1/minute", "api_trusted_proxies": "10.0.0.0/8"}
    with TestClient(create_app(Settings().model_copy(update={**OFFLINE, **trusted})),
                    client=("10.1.2.3", 40000)) as api:
        assert _hits_from(api, ["203.0.113.1", "203.0.113.2", "203.0.113.1"]) == [422, 422, 429]
    for proxies in ("10.0.0.0/8", ""):  # anyone else's header is ignored: one client
        app = create_app(Settings().model_copy(
            update={**OFFLINE, "api_trusted_proxies": proxies, "api_rate_limit": "1/minute"}))
        with TestClient(app, client=("198.51.100.7", 40000)) as api:
            assert _hits_from(api, ["203.0.113.1", "203.0.113.2"]) == [422, 429]


class _Engine(ThreadingHTTPServer):
    answer: tuple[int, dict[str, object]] = (200, {})


class _EngineStub(BaseHTTPRequestHandler):
    """Answers every request with the status and body of its server's ``answer``."""

    def do_POST(self) -> None:
        assert isinstance(self.server, _Engine)
        status, body = self.server.answer
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    do_GET = do_POST  # noqa: N815 (the name http.server calls)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def engine() -> Iterator[_Engine]:
    server = _Engine(("127.0.0.1", 0), _EngineStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _error(kind: str, reason: str) -> dict[str, object]:
    cause = {"type": kind, "reason": reason}
    return {"error": {"root_cause": [cause], **cause}, "status": 400}


def test_a_request_the_engine_refuses_is_a_400_with_its_reason_and_its_failures_a_503(
    engine: _Engine
) -> None:
    url = f"http://127.0.0.1:{engine.server_address[1]}"
    engine.answer = (400, _error(
        "illegal_argument_exception",
        "Result window is too large [ann-articles-v1]\n" + "detail " * 200))
    with _api(es_url=url) as api:
        answer = api.get("/search", params={"q": "floods"})
        assert answer.status_code == 400, answer.text
        detail = answer.json()["detail"]
        assert detail.startswith("search backend refused the request: "
                                 "illegal_argument_exception: Result window is too large "
                                 "[ann-articles]")
        assert "\n" not in detail and "-v1" not in detail and len(detail) < 400
        for status in (500, 503, 429, 401):  # the engine's failure or the API's credentials
            engine.answer = (status, _error("some_exception", "it broke"))
            answer = api.get("/search", params={"q": "floods"})
            assert answer.status_code == 503, (status, answer.text)
            assert answer.json()["detail"].startswith("search backend unavailable")
