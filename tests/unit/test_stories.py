"""The reprint graph's rules, called directly: who is first, what a pair counts, the median."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from search_api.stories import StoryCopy, first_and_pickups, headlines
from search_api.syndication import SyndicationResponse, syndication, to_csv

T0 = datetime(2025, 3, 1, 6, tzinfo=UTC)


def _copy(n: int, source: str, hours: float | None, title: str = "Floods",
          declared: str | None = None) -> StoryCopy:
    return StoryCopy(id=f"id{n}", url=f"https://x/{n}", title=title, source_id=source,
                     published_at=None if hours is None else T0 + timedelta(hours=hours),
                     original_source_id=declared)


def test_the_paper_the_hub_names_is_first_even_when_another_copy_is_dated_earlier() -> None:
    copies = [_copy(1, "thestar", 0), _copy(2, "dawn", 2), _copy(3, "asianews", 8, declared="dawn")]
    first, pickups = first_and_pickups(copies)
    assert first.source_id == "dawn"
    assert [(p.source_id, p.lag_seconds) for p in pickups] == [("thestar", -7200),
                                                               ("asianews", 21600)]


def test_without_a_named_original_the_earliest_is_first_and_undated_copies_have_no_lag() -> None:
    first, pickups = first_and_pickups([_copy(1, "dawn", 0), _copy(2, "thestar", None)])
    assert first.source_id == "dawn" and pickups[0].lag_seconds is None


def test_headline_variants_most_used_first() -> None:
    copies = [_copy(1, "dawn", 0, "A"), _copy(2, "thestar", 1, "B"), _copy(3, "asianews", 2, "B")]
    assert [(h.title, h.sources) for h in headlines(copies)] == [
        ("B", ["thestar", "asianews"]), ("A", ["dawn"])]


def test_pairs_count_stories_once_per_paper_and_take_the_exact_median() -> None:
    stories = [
        [_copy(1, "dawn", 0), _copy(2, "asianews", 1), _copy(3, "asianews", 5)],  # twice: once
        [_copy(4, "dawn", 0), _copy(5, "asianews", 4)],
        [_copy(6, "dawn", 0), _copy(7, "asianews", 10), _copy(8, "dawn", 11)],  # own: no pair
        [_copy(9, "dawn", 0), _copy(10, "asianews", None)],  # undated: counted, no lag
    ]
    answer = syndication(stories, None, None)
    assert answer.stories == 4
    [pair] = answer.pairs
    assert (pair.origin, pair.republisher, pair.stories, pair.dated) == ("dawn", "asianews", 4, 3)
    assert pair.median_lag_seconds == 4 * 3600  # of 1 h, 4 h, 10 h
    assert to_csv(answer).splitlines() == [
        "origin,republisher,stories,dated,median_lag_seconds", "dawn,asianews,4,3,14400.0"]


def test_a_range_keeps_the_stories_first_published_in_it() -> None:
    day = T0.date()
    stories = [[_copy(1, "dawn", -24), _copy(2, "asianews", 30)],  # first the day before
               [_copy(3, "thestar", 17), _copy(4, "asianews", 20)]]  # first at 23:00 that day
    answer: SyndicationResponse = syndication(stories, day, day)
    assert [(p.origin, p.stories) for p in answer.pairs] == [("thestar", 1)]
    assert syndication(stories, date(2025, 3, 3), None).pairs == []


def test_a_member_sees_where_its_stories_went_and_whose_it_carries() -> None:
    stories = [[_copy(1, "dawn", 0), _copy(2, "asianews", 6), _copy(3, "thestar", 9)],
               [_copy(4, "thestar", 0), _copy(5, "asianews", 6)]]
    mine = syndication(stories, None, None, origins={"dawn"})
    assert [(p.origin, p.republisher) for p in mine.pairs] == [("dawn", "asianews"),
                                                                ("dawn", "thestar")]
    carried = syndication(stories, None, None, republishers={"thestar"})
    assert [(p.origin, p.republisher) for p in carried.pairs] == [("dawn", "thestar")]
    assert (mine.stories, carried.stories) == (1, 1)
