"""Switches of the extraction rules that are chosen by measurement, not by taste.

Each field of :class:`Rules` is one rule (on/off) or one threshold. The defaults are what
production runs. ``bench/crossval.py`` runs the extractor once per alternative value
(:data:`ALTERNATIVES`), picks each value on the training folds of a split of the dev sets by
publisher and scores it on the held-out fold, so a rule fitted to a few publishers shows up as a
gap between the full-set and the cross-validated figure; it also counts the publishers each rule
helps and hurts (a rule that helps fewer than three publishers is not a rule).

The values are read through a context variable so that the runner can switch them without the
cascade taking a parameter it never needs in production.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Rules:
    byline_people_only: bool = True
    """The people model of issue 14's item 2 (``people.py``), one rule measured as a whole: a
    byline candidate that is a place (the story's dateline), a weekday or a month, a date run
    into the byline ("by Jane Roe on Jan 22, 2025", "Dec 17, 2025 · Jane Roe"), a section, a
    web address, a phrase, the site's own name or a desk is no author (the site and desks go
    to ``credit``), but a JSON-LD ``Person`` bearing the site's name is a personal site's
    writer. Off, every candidate but a news agency is a person."""
    organisation_fallback: bool = True
    """No person anywhere: the organisation credited (a desk, the site) is the author, as the
    paper signs an unsigned story; off, only a news agency is."""
    visible_over_metadata: bool = True
    """A metadata author the page never shows yields to a visible byline naming someone else."""
    section_repeats: int = 2
    """A candidate that is the text of this many links or more elsewhere on the page is a
    navigation entry (a section), not a person."""
    page_dates_first: bool = True
    """Issue 14's item 4, one rule: the page's own publication date before a visible date
    labelled "Updated", and the date in the URL only when htmldate finds none on the page."""
    trafilatura_byline: bool = True
    """trafilatura's byline XPaths (``extract_author``, a walk of the whole tree) are asked
    before the page's own byline shapes (microdata, author links, "By" lines)."""
    author_links_on_site: bool = True
    """A link counts as the author's page (``/author/``, ``/profile/``) only when it leads to the
    site itself: ``bsky.app/profile/...`` is the reporter's social profile, its text "Bluesky"."""
    collective_bylines: bool = True
    """A byline naming only a collective ("Staff", "News Desk", "Team") is an organisation's
    credit (and signs a story no person signs), not an empty byline."""
    labelled_meta_author: bool = True
    """A ``twitter:dataN`` whose ``twitter:labelN`` says "Written by" (the label and value pair
    of link previews) names the author, after the author meta tags."""
    interface_words: bool = True
    """Texts of the page's controls and footer ("Full Bio", "View more posts", "Privacy
    Policy", "Member Login", "Written By") are no names."""
    by_label_forms: bool = True
    """A lower-case "by" and "by:" label a byline as "By" does ("by <a>Jane Roe</a>")."""
    trafilatura_weak_words: int = 150
    """Where trafilatura is asked for the body, its first pass is weak under this many words,
    and only then are its fallbacks (readability, jusText) run and compared with it: 0 never
    runs them, a huge number always does (trafilatura's default)."""


ALTERNATIVES: dict[str, tuple[object, ...]] = {
    "byline_people_only": (False,),
    "organisation_fallback": (False,),
    "visible_over_metadata": (False,),
    "section_repeats": (1000,),
    "page_dates_first": (False,),
    "trafilatura_byline": (False,),
    "author_links_on_site": (False,),
    "collective_bylines": (False,),
    "labelled_meta_author": (False,),
    "interface_words": (False,),
    "by_label_forms": (False,),
    "trafilatura_weak_words": (0, 50, 300, 10**9),
}
"""Per rule, the values other than the default that the cross-validation tries."""

_DEFAULTS = Rules()
_CURRENT: ContextVar[Rules | None] = ContextVar("extraction_rules", default=None)


def current() -> Rules:
    """The rules in force (the defaults, unless a runner switched one)."""
    return _CURRENT.get() or _DEFAULTS


@contextmanager
def using(**changes: object) -> Iterator[Rules]:
    """The defaults with ``changes`` in force for the block."""
    rules = replace(Rules(), **changes)  # type: ignore[arg-type]
    token = _CURRENT.set(rules)
    try:
        yield rules
    finally:
        _CURRENT.reset(token)
