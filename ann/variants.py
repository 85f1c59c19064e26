"""Name and place variants: the groups of spellings a search treats as one (Myanmar / Burma).

The project ships a reviewed list (``ann/data/name_variants.txt``); an operator adds groups in a
file of their own (``ANN_VARIANTS_FILE``). Each API process reads both at its start, and
``ann variants load`` writes them to one document of the engine (:func:`as_document`, in the
index ``ANN_VARIANTS_INDEX``) which every running API process reads back
(``search_api/variants.py``): an edit is live everywhere without a restart, and without
reindexing anything, since nothing is expanded at index time.

File format: one group a line, its spellings separated by commas; ``#`` starts a comment. Two
lines sharing a spelling (case aside) are one group.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

Group = tuple[str, ...]
SHIPPED = "name_variants.txt"
"""The project's list, in the ``ann`` package's ``data``."""
DOCUMENT_ID = "current"
"""The one document of the variants index: the groups in force."""
MAPPING: dict[str, Any] = {"dynamic": False, "properties": {}}
"""The variants document is read whole by id, never searched: nothing of it is indexed."""
INDEX_SETTINGS: dict[str, Any] = {"number_of_shards": 1, "auto_expand_replicas": "0-1"}
MAX_SPELLING_CHARS = 100


class VariantsError(ValueError):
    """A line of a variants file that is not a group of spellings."""


def parse(text: str, origin: str = "variants") -> list[Group]:
    """The groups of a file's text; a line with a quote, an operator character or one spelling
    only is refused with its line number (a spelling is put inside a query's quotes)."""
    groups: list[Group] = []
    for number, line in enumerate(text.splitlines(), start=1):
        content = line.split("#", 1)[0].strip()
        if not content:
            continue
        spellings = tuple(" ".join(part.split()) for part in content.split(","))
        if len(spellings) < 2 or not all(spellings):
            raise VariantsError(f"{origin}:{number}: a group needs two or more spellings")
        for spelling in spellings:
            if len(spelling) > MAX_SPELLING_CHARS or any(c in spelling for c in '"\\|()*~'):
                raise VariantsError(f"{origin}:{number}: {spelling!r} is not a plain spelling")
        groups.append(spellings)
    return groups


def merged(groups: Iterable[Group]) -> list[Group]:
    """Groups sharing a spelling (case aside) as one, in first-seen order of spellings."""
    result: list[list[str]] = []
    for group in groups:
        keys = {s.casefold() for s in group}
        overlapping = [g for g in result if keys & {s.casefold() for s in g}]
        into: list[str] = overlapping[0] if overlapping else []
        if not overlapping:
            result.append(into)
        for other in overlapping[1:]:
            into.extend(other)
            result.remove(other)
        into.extend(group)
    return [_unique(g) for g in result]


def _unique(spellings: Sequence[str]) -> Group:
    seen: dict[str, str] = {}
    for spelling in spellings:
        seen.setdefault(spelling.casefold(), spelling)
    return tuple(seen.values())


def shipped_text() -> str:
    return resources.files("ann").joinpath("data", SHIPPED).read_text(encoding="utf-8")


def load(extra: Path | None = None) -> list[Group]:
    """The shipped groups and, when given, the operator's file's, merged."""
    groups = parse(shipped_text(), SHIPPED)
    if extra is not None:
        groups += parse(extra.read_text(encoding="utf-8"), str(extra))
    return merged(groups)


def as_document(groups: Sequence[Group]) -> dict[str, Any]:
    return {"groups": [list(g) for g in groups]}


def from_document(source: Mapping[str, Any]) -> list[Group]:
    return [tuple(str(s) for s in group) for group in source.get("groups", [])]
