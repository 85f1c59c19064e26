"""Queries expanded with name and place variants (:mod:`ann.variants`): ``Burma`` is searched as
``("Burma" | "Myanmar")``, so it finds an article that says only Myanmar.

Expansion is query-time only — nothing is expanded in the index — so a change to the variants
needs no reindex. An API process uses the variants it started with (the shipped list and
``ANN_VARIANTS_FILE``) and those ``ann variants load`` last wrote to the engine (one document of
``ANN_VARIANTS_INDEX``), read back at most every ``ANN_API_VARIANTS_REFRESH`` seconds
(:class:`NameVariants`): the API itself writes nothing.

A spelling is matched in the query's words outside quotes, case aside, its words separated in
the query by spaces or hyphens as in the list; it is replaced by the group of every spelling,
each a phrase, so the operators around it (``-Burma``, ``Burma | Thailand``) apply to the group.
A word followed by ``*`` or ``~`` (prefix, fuzziness) is left as typed. A quoted phrase is the
reader's exact words and is not expanded.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable, Sequence
from functools import lru_cache

from elasticsearch import ApiError, AsyncElasticsearch, Elasticsearch, NotFoundError, TransportError

from ann.variants import DOCUMENT_ID, Group, from_document, merged

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")
_SEPARATOR = re.compile(r"[\s\-]+")


def _key(spelling: str) -> tuple[str, ...]:
    return tuple(word.casefold() for word in _WORD.findall(spelling))


def _group_query(group: Group) -> str:
    return "(" + " | ".join(f'"{spelling}"' for spelling in group) + ")"


_Table = dict[tuple[str, ...], Group]


@lru_cache(maxsize=4)
def _table(groups: tuple[Group, ...]) -> tuple[_Table, int]:
    """Each spelling's words (case folded) → its group, and the most words of a spelling: made
    once per set of groups in force, not per query (the shipped list alone has 55 groups, and
    building their table was 0.1 ms of every request's CPU)."""
    table = {_key(spelling): group for group in groups for spelling in group if _key(spelling)}
    return table, max((len(key) for key in table), default=0)


def expand(q: str, groups: Sequence[Group]) -> str:
    """``q`` with every variant it names replaced by its group (see the module's doc)."""
    if not q:
        return q
    table, longest = _table(tuple(groups))
    if not table:
        return q
    parts = q.split('"')
    # even parts are outside quotes; an odd part is a phrase (or the tail of an unclosed quote)
    return '"'.join(_expand_plain(part, table, longest) if i % 2 == 0 else part
                    for i, part in enumerate(parts))


def _expand_plain(text: str, table: _Table, longest: int) -> str:
    words = list(_WORD.finditer(text))
    out: list[str] = []
    done = 0  # text[:done] is written
    i = 0
    while i < len(words):
        match = _longest_match(text, words, i, table, longest)
        if match is None:
            i += 1
            continue
        n, group = match
        out.append(text[done:words[i].start()])
        out.append(_group_query(group))
        done = words[i + n - 1].end()
        i += n
    out.append(text[done:])
    return "".join(out)


def _longest_match(text: str, words: list[re.Match[str]], i: int,
                   table: _Table, longest: int) -> tuple[int, Group] | None:
    for n in range(min(longest, len(words) - i), 0, -1):
        span = words[i:i + n]
        group = table.get(tuple(w.group().casefold() for w in span))
        if group is None:
            continue
        joined = all(_SEPARATOR.fullmatch(text[a.end():b.start()])
                     for a, b in itertools.pairwise(span))
        after = text[span[-1].end():span[-1].end() + 1]
        if joined and after not in ("*", "~"):
            return n, group
    return None


class NameVariants:
    """The variants in force, as one API process knows them: the ones it started with (the
    shipped list and ``ANN_VARIANTS_FILE``, read at its start) together with the ones
    ``ann variants load`` last put in the engine — read from there, kept for
    ``refresh_seconds``; when the engine cannot answer, the last ones read stay in use."""

    def __init__(self, index: str, refresh_seconds: float, started_with: Sequence[Group] = (),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.index = index
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._started_with = list(started_with)
        self._groups: list[Group] = self._started_with
        self._read_at: float | None = None

    async def groups(self, es: AsyncElasticsearch) -> list[Group]:
        now = self.clock()
        if self._read_at is not None and now - self._read_at < self.refresh_seconds:
            return self._groups
        try:
            found = await es.get(index=self.index, id=DOCUMENT_ID)
            self._groups = merged([*self._started_with, *from_document(found["_source"])])
        except NotFoundError:
            self._groups = self._started_with
        except (ApiError, TransportError) as error:
            logger.warning("name variants unreadable (%s); using the %d groups read before",
                           error, len(self._groups))
        self._read_at = now
        return self._groups



def read_groups(es: Elasticsearch, index: str, started_with: Sequence[Group]) -> list[Group]:
    """The variants in force for a process that reads them once per piece of work (the saved
    searches' runner, once per check): ``started_with`` and what ``ann variants load`` last
    put in the engine, or ``started_with`` alone when the engine has none or cannot answer."""
    try:
        found = es.get(index=index, id=DOCUMENT_ID)
    except NotFoundError:
        return list(started_with)
    except (ApiError, TransportError) as error:
        logger.warning("name variants unreadable (%s); using the %d groups started with",
                       error, len(started_with))
        return list(started_with)
    return merged([*started_with, *from_document(found["_source"])])
