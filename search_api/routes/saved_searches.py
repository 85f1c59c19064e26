"""Saved searches: create, list and delete them with a client key; read each one's Atom feed.

The key travels in ``X-Client-Key``. ``POST`` without one makes a key and returns it, once;
with one it files the search under that key. Only the key's SHA-256 is stored
(:mod:`search_api.alerts.keys`), so a lost key is lost: its searches can be neither listed nor
deleted. ``GET`` (list) and ``DELETE`` need the key: without it, or with one no key can be, a 401
(``POST`` answers a malformed key of the client's with a 422); a search another key owns
answers 404 as one that does not exist (a key learns nothing
of others' searches). The feed is read by the search's id alone — a feed reader sends no
header — and the id is 128 random bits, given only to the key's holder: a capability URL.

The query is the filter model of ``/search`` (:class:`search_api.params.Filters`), validated
the same way: a bad query is a 422 naming the field. The routes are plain functions, run in
FastAPI's thread pool, since the store speaks to Redis synchronously (the runner shares it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field, field_validator

from search_api.alerts.feed import render
from search_api.alerts.keys import (
    KEY_RULE,
    key_hash,
    new_key,
    new_search_id,
    new_webhook_secret,
    valid_key,
)
from search_api.alerts.models import SavedSearch
from search_api.alerts.webhook import PermanentFailure, check_url
from search_api.errors import Responses, error_answer, invalid
from search_api.params import Filters
from search_api.state import State

router = APIRouter(tags=["saved searches"])

ATOM = "application/atom+xml"
MAX_URL_CHARS = 2048
KEY_ERRORS: Responses = {401: error_answer("No X-Client-Key header, or a malformed one")}
NOT_FOUND: Responses = {404: error_answer("No saved search with this id (for this key)")}


class SavedSearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200, description="What the client calls it")
    query: Filters = Field(default_factory=Filters,
                           description="q and filters, as /search takes them")
    webhook_url: str | None = Field(
        default=None, max_length=MAX_URL_CHARS, pattern=r"^https?://[^/?#\s:@]+",
        description="Called (POST, signed) once per new story; http or https")
    webhook_secret: str | None = Field(
        default=None, min_length=16, max_length=256,
        description="Signs the webhook's calls; made and returned once when not given")

    @field_validator("query", mode="before")
    @classmethod
    def _json_types(cls, query: object) -> object:
        """The JSON types the schema states: the filter model reads query strings too, where it
        takes ``0`` for false and for 1970-01-01 (pydantic's lax mode), and a body must not."""
        if isinstance(query, dict):
            if not isinstance(query.get("has_byline"), bool | None):
                raise ValueError("has_byline must be true, false or null")
            for bound in ("from", "to"):
                if not isinstance(query.get(bound), str | None):
                    raise ValueError(f"'{bound}' must be a date written YYYY-MM-DD, or null")
        return query

    @field_validator("webhook_url")
    @classmethod
    def _http(cls, url: str | None) -> str | None:
        if url is not None:
            try:
                check_url(url)
            except PermanentFailure as error:
                raise ValueError(str(error)) from error
        return url


class SavedSearchView(BaseModel):
    id: str
    name: str
    query: Filters
    webhook_url: str | None
    created_at: datetime
    feed_url: str


class SavedSearchCreated(SavedSearchView):
    client_key: str | None = Field(
        description="The key this search was filed under, when the API made it: shown once")
    webhook_secret: str | None = Field(
        description="The webhook's signing secret, when the API made it: shown once")


def _view(request: Request, search: SavedSearch) -> SavedSearchView:
    return SavedSearchView(
        id=search.id, name=search.name, query=search.query, webhook_url=search.webhook_url,
        created_at=search.created_at,
        feed_url=str(request.url_for("saved_search_feed", search_id=search.id)))


def _owner(key: str | None) -> str:
    """The hash of the request's key: 401 without one or with one that no key can be (it owns
    nothing, like a wrong one)."""
    if key is None or not valid_key(key):
        raise HTTPException(401, f"a valid X-Client-Key header is required: {KEY_RULE}",
                            headers={"WWW-Authenticate": "X-Client-Key"})
    return key_hash(key)


def _new_owner(key: str | None) -> tuple[str, str | None]:
    """The hash of the key ``POST`` files a search under, and the key when made here; a
    malformed key of the client's is a 422 (the request, not the client, is at fault)."""
    if key is None:
        made = new_key()
        return key_hash(made), made
    if not valid_key(key):
        raise invalid(("header", "x-client-key"), KEY_RULE, "<hidden>")
    return key_hash(key), None


ClientKey = Annotated[str | None, Header(alias="X-Client-Key", description=KEY_RULE)]


@router.post("/saved-searches", status_code=status.HTTP_201_CREATED,
             response_model=SavedSearchCreated, summary="Save a search",
             responses={400: error_answer("The body is not JSON"),
                        409: error_answer("This key holds ANN_ALERTS_PER_CLIENT searches"),
                        413: {"description": "The body is over 16 KiB (plain text, sent before "
                                             "the body is read)",
                              "content": {"text/plain": {}}}})
def create_saved_search(state: State, request: Request, body: SavedSearchRequest,
                        x_client_key: ClientKey = None) -> SavedSearchCreated:
    owner, made_key = _new_owner(x_client_key)
    store = state.saved_searches
    if store.count_owned(owner) >= state.alerts_per_client:
        raise HTTPException(409, f"this key holds {state.alerts_per_client} saved searches "
                                 "already: delete one first")
    made_secret = (new_webhook_secret() if body.webhook_url and not body.webhook_secret
                   else None)
    now = datetime.now(UTC)
    search = SavedSearch(
        id=new_search_id(), name=body.name, query=body.query, key_hash=owner, created_at=now,
        watermark=now, webhook_url=body.webhook_url,
        webhook_secret=(made_secret or body.webhook_secret) if body.webhook_url else None)
    store.add(search)
    return SavedSearchCreated(**dict(_view(request, search)), client_key=made_key,
                              webhook_secret=made_secret)


@router.get("/saved-searches", response_model=list[SavedSearchView],
            summary="List this key's saved searches", responses=KEY_ERRORS)
def list_saved_searches(state: State, request: Request,
                        x_client_key: ClientKey = None) -> list[SavedSearchView]:
    owner = _owner(x_client_key)
    return [_view(request, s) for s in state.saved_searches.owned(owner)]


@router.delete("/saved-searches/{search_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a saved search", responses={**KEY_ERRORS, **NOT_FOUND})
def delete_saved_search(state: State, search_id: str,
                        x_client_key: ClientKey = None) -> Response:
    owner = _owner(x_client_key)
    if not state.saved_searches.delete(search_id, owner):
        raise HTTPException(404, "no saved search with this id for this key")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/saved-searches/{search_id}/feed", name="saved_search_feed",
            summary="The saved search's new stories (Atom)", response_class=Response,
            responses={200: {"content": {ATOM: {}}}, **NOT_FOUND})
def saved_search_feed(state: State, request: Request, search_id: str) -> Response:
    store = state.saved_searches
    search = store.get(search_id)
    if search is None:
        raise HTTPException(404, "no saved search with this id")
    body = render(search, store.feed(search_id), str(request.url))
    return Response(body, media_type=ATOM)
