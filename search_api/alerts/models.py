"""What a saved search is, and what one alert says: the records the store keeps (JSON)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from search_api.params import Filters


class SavedSearch(BaseModel):
    """A saved search as stored. ``webhook_secret`` signs its webhook's calls; it never leaves
    the store but in the answer that created it."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    query: Filters
    key_hash: str
    created_at: datetime
    watermark: datetime
    """The start of its last check (at first, its creation): the next check reads the stories
    clustered since then, less ``ANN_ALERTS_OVERLAP``."""
    webhook_url: str | None = None
    webhook_secret: str | None = None


class Story(BaseModel):
    """One new story of a saved search: what its feed entry and its webhook call say. The copy
    shown is the story's original when it matched, else the first copy that did."""

    model_config = ConfigDict(frozen=True)

    cluster_id: str
    article_id: str
    title: str | None = None
    url: str
    source_id: str | None = None
    source_name: str | None = None
    published_at: datetime | None = None
    standfirst: str | None = None
    copies: int
    """Copies of the story that matched in the check that found it."""
    alerted_at: datetime


class WebhookCall(BaseModel):
    """The body of a webhook call (and of its dead letter): one story of one saved search."""

    saved_search: str
    name: str
    story: Story
