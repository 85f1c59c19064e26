"""Decide every article of the mirror (prose, title, byline, date, URL) from the seed alone.

Each article draws from its own RNG keyed by (seed, site, index) and from its own prose text,
so adding ``extra`` articles never changes an existing one. Sites draw from the pool of their
language (:mod:`mirror.pools`), slot after slot; the hub reprints articles of members that share
its language.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from mirror.pools import Pool
from mirror.prose import Document, first_sentence
from mirror.sites import SITES, Site
from mirror.story import Story

HUB = "asianews"
MEMBERS = sorted(s for s in SITES if s != HUB)
START = datetime(2019, 1, 1)
BASE_SPAN = timedelta(days=6 * 365 + 180)  # base articles: 2019-01 .. 2025-06
EXTRA_START = datetime(2025, 7, 1)  # extra articles are newer than every base one
CREDITS = ["PHOTO: {p} FILE", "PHOTO: REUTERS", "PHOTO: AFP", "PHOTO: {p}"]
MAX_COPY_LAG_HOURS = 47
"""A member's copy appears 2 to 48 hours after the original: within the three days in which
clustering joins copies (``indexer/clusters.py``)."""


def _published(site: Site, rng: random.Random, zone: ZoneInfo,
               extra_index: int | None) -> datetime:
    if extra_index is None:
        naive = START + timedelta(seconds=rng.randrange(int(BASE_SPAN.total_seconds())))
    else:
        naive = EXTRA_START + timedelta(days=extra_index, minutes=rng.randrange(600, 1200))
    if site.date_only:  # the page shows a date only: the truth is local midnight
        naive = naive.replace(hour=0, minute=0)
    return naive.replace(second=0, tzinfo=zone)


def _story(site: Site, zone: ZoneInfo, doc: Document, index: int, seed: int,
           extra_index: int | None) -> Story:
    rng = random.Random(f"{seed}/{site.source_id}/{index}")
    section = rng.choice(site.sections)
    people, agencies = site.pick_byline(rng)
    paragraphs = list(doc.paragraphs)
    if site.dateline and rng.random() < 0.6:
        paragraphs[0] = site.dateline + paragraphs[0]
    credit = rng.choice(CREDITS).format(p=site.name.upper().removeprefix("THE "))
    return Story(source_id=site.source_id, index=index, title=doc.title, keyword=doc.keyword,
                 paragraphs=paragraphs, standfirst=first_sentence(doc.paragraphs[0])[:240],
                 people=people, agencies=agencies,
                 published=_published(site, rng, zone, extra_index),
                 section_slug=section.slug, section_name=section.name, photo_credit=credit,
                 paper=site.name, language=site.language, extra=extra_index is not None)


def _place(site: Site, story: Story, taken: set[str], rng: random.Random) -> None:
    path = site.article_path(story, rng)
    if path in taken:
        stem, dot, ext = path.rpartition(".") if path.endswith(".html") else (path, "", "")
        path = f"{stem.rstrip('/')}-{story.index}{dot}{ext}" + ("/" if path.endswith("/") else "")
    taken.add(path)
    story.path, story.url = path, site.base() + path


def _reprinted(original: Story) -> Document:
    return Document(original.url, original.title, tuple(original.paragraphs), original.keyword)


def _copy(site: Site, zone: ZoneInfo, original: Story, index: int, seed: int,
          lag: timedelta) -> Story:
    """``original`` as another paper republishes it: its title, text and byline, later."""
    story = _story(site, zone, _reprinted(original), index, seed, None)
    story.paragraphs, story.standfirst = original.paragraphs, original.standfirst
    story.people, story.agencies = original.people, original.agencies
    story.published = (original.published + lag).astimezone(zone)
    story.original = original
    return story


def _member_copies(stories: dict[str, list[Story]], zones: dict[str, ZoneInfo], *,
                   per_site: int, seed: int, copies: int) -> None:
    """Append ``copies`` member-to-member republications (ANN papers carry each other's
    stories, as Borneo Bulletin credits "ANN/The Star"), in turn over the English members that
    date their pages to the minute, each from another member, at lags from 2 to 48 hours; every
    other one is of a story the hub reprinted too, so some stories have three copies or more."""
    members = [m for m in MEMBERS if SITES[m].language == SITES[HUB].language
               and not SITES[m].date_only]
    travelled = {s.original.url for s in stories[HUB] if s.original}
    for k in range(copies):
        copier = members[k % len(members)]
        origin = members[(k + 1 + k // len(members)) % len(members)]
        if origin == copier:
            origin = members[(k + 1) % len(members)]
        base = stories[origin][:per_site]
        candidates = [base[(k * 7 + i) % per_site] for i in range(per_site)]
        if k % 2:  # every other copy is of a story the hub carried too: stories travel
            candidates.sort(key=lambda s: s.url not in travelled)
        original = next((s for s in candidates if s.authors), base[0])
        site, index = SITES[copier], len(stories[copier])
        lag = timedelta(hours=2 + (k * 13) % MAX_COPY_LAG_HOURS, minutes=(k * 17) % 60)
        story = _copy(site, zones[copier], original, index, seed, lag)
        taken = {s.path for s in stories[copier]}
        _place(site, story, taken, random.Random(f"{seed}/{copier}/{index}/path"))
        stories[copier].append(story)


def plan(pools: dict[str, Pool], zones: dict[str, ZoneInfo], countries: dict[str, str], *,
         per_site: int, seed: int, extra: int, copies: int = 0) -> dict[str, list[Story]]:
    hub = SITES[HUB]
    reprinted = [m for m in MEMBERS if SITES[m].language == hub.language]
    n_reprints = min(per_site, max(10, per_site // 4))
    reprint_at = {round(j * per_site / n_reprints): j for j in range(n_reprints)}
    sites = [*MEMBERS, HUB]
    own = {s: per_site - (n_reprints if s == HUB else 0) for s in sites}
    needed: dict[str, int] = {}
    for source_id in sites:
        language = SITES[source_id].language
        needed[language] = needed.get(language, 0) + own[source_id] + extra
    for language, count in needed.items():
        if language not in pools:
            raise ValueError(f"no {language} texts")
        capacity = pools[language].capacity
        if capacity is not None and count > capacity:
            raise ValueError(f"only {capacity} {language} texts for {count}")
    base_total = {lang: sum(own[s] for s in sites if SITES[s].language == lang)
                  for lang in needed}
    used = dict.fromkeys(needed, 0)
    stories: dict[str, list[Story]] = {}
    for source_id in sites:
        site, taken = SITES[source_id], set[str]()
        pool, country = pools[site.language], countries[source_id]
        items: list[Story] = []
        for i in range(per_site):
            if source_id == HUB and i in reprint_at:
                j = reprint_at[i]
                member = stories[reprinted[j % len(reprinted)]]
                # a member story with a named author (a bare desk role has none to credit)
                candidates = [member[(j * 7 + k) % per_site] for k in range(per_site)]
                original = next((s for s in candidates if s.authors), candidates[0])
                story = _copy(site, zones[HUB], original, i, seed, timedelta(hours=6))
            else:
                doc = pool.document(used[site.language], country)
                used[site.language] += 1
                story = _story(site, zones[source_id], doc, i, seed, None)
            _place(site, story, taken, random.Random(f"{seed}/{source_id}/{i}/path"))
            items.append(story)
        stories[source_id] = items
    position = dict.fromkeys(needed, 0)
    for source_id in sites:
        site, taken = SITES[source_id], {s.path for s in stories[source_id]}
        pool, country = pools[site.language], countries[source_id]
        for j in range(extra):
            slot = base_total[site.language] + position[site.language] * extra + j
            doc = pool.document(slot, country)
            story = _story(site, zones[source_id], doc, per_site + j, seed, j)
            _place(site, story, taken, random.Random(f"{seed}/{source_id}/{per_site + j}/path"))
            stories[source_id].append(story)
        position[site.language] += 1
    _member_copies(stories, zones, per_site=per_site, seed=seed, copies=copies)
    for source_id, items in stories.items():
        base = items[:per_site]
        for story in items:
            rng = random.Random(f"{seed}/{source_id}/{story.index}/related")
            # Related lists only name base articles, so extra never edits an old page.
            story.related = rng.sample([s for s in base if s is not story], min(4, len(base) - 1))
    return stories
