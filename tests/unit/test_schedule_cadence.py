"""The beat schedule's fixed cadences: the source files' own, scaled by a setting, one job per
kind and cadence for every source that shares it."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

import pytest
from pydantic import ValidationError

from ann.messages import CRAWL_SOURCES_TASK
from ann.settings import Settings
from ann.sources import load_registry
from crawler.schedule import beat_schedule

REGISTRY = load_registry()


def _fixed(schedule: dict[str, dict[str, object]]) -> dict[tuple[str, float], list[str]]:
    """(kind, cadence in seconds) -> source ids, from the schedule's crawl entries."""
    fixed: dict[tuple[str, float], list[str]] = {}
    for name, entry in schedule.items():
        if entry["task"] == CRAWL_SOURCES_TASK:
            ids, (kind,) = cast(tuple[list[str], list[str]], entry["args"])
            every = entry["schedule"]
            assert isinstance(every, timedelta)
            assert name == f"crawl:{kind}:{every.total_seconds():g}s"
            fixed[(kind, round(every.total_seconds(), 3))] = ids
    return fixed


def _expected(scale: float) -> dict[tuple[str, float], list[str]]:
    """What the source files say, grouped by kind and cadence."""
    groups: dict[tuple[str, float], list[str]] = {}
    for source in REGISTRY:
        points, recrawl = source.entry_points, source.recrawl
        for kind, every, present in (("sitemaps", recrawl.sitemaps, points.sitemaps),
                                     ("sections", recrawl.sections, points.sections),
                                     ("recheck", recrawl.recheck_every, True)):
            if present:
                key = (kind, round(every.total_seconds() * scale, 3))
                groups.setdefault(key, []).append(source.id)
    return {key: sorted(ids) for key, ids in groups.items()}


def test_each_kind_is_one_job_per_cadence_for_the_sources_sharing_it() -> None:
    fixed = _fixed(beat_schedule(REGISTRY, 5, "crawl"))
    assert fixed == _expected(1.0)
    assert fixed[("recheck", 21600)] == REGISTRY.ids()  # one job, not one per source
    assert len(fixed) < len(REGISTRY)


def test_the_cadence_scale_shortens_every_fixed_cadence_not_the_feed_tick() -> None:
    settings = Settings(ANN_SCHEDULE_CADENCE_SCALE=0.002)
    schedule = beat_schedule(REGISTRY, 5, "crawl", settings.schedule_cadence_scale)
    fixed = _fixed(schedule)
    assert fixed == _expected(0.002)
    assert ("sitemaps", 43.2) in fixed and ("sections", 172.8) in fixed
    assert schedule["poll-due-feeds"]["schedule"] == timedelta(seconds=5)


@pytest.mark.parametrize("scale", [0, -1])
def test_the_cadence_scale_must_be_positive(scale: float) -> None:
    with pytest.raises(ValidationError, match="ANN_SCHEDULE_CADENCE_SCALE"):
        Settings(ANN_SCHEDULE_CADENCE_SCALE=scale)
