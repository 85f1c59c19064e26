"""Typed application state shared by the routes."""

from __future__ import annotations

from dataclasses import dataclass

from elasticsearch import AsyncElasticsearch
from fastapi import Request


@dataclass(frozen=True, slots=True)
class ApiState:
    es: AsyncElasticsearch
    alias: str


def api_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.api
    return state
