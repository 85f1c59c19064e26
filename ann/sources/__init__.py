"""The source registry: one declarative YAML file per member site, listed explicitly.

Adding a member is adding ``<id>.yaml`` here (and its mirror shape); nothing registers itself.
A deployment (or a test) may add source files of its own in ``ANN_EXTRA_SOURCES_DIR``.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from ann.settings import get_settings
from ann.sources.model import ALL_ENTRY_KINDS, ENTRY_KINDS, EntryKind, Hints, Source

__all__ = [
    "ALL_ENTRY_KINDS", "ENTRY_KINDS", "EntryKind", "Hints", "Registry", "Source", "load_registry",
]

SOURCES_DIR = Path(__file__).resolve().parent


class Registry:
    """All configured sources, by id and by host."""

    def __init__(self, sources: list[Source]) -> None:
        self._by_id = {s.id: s for s in sources}
        if len(self._by_id) != len(sources):
            raise ValueError("two source files share an id")

    def __iter__(self) -> Iterator[Source]:
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def ids(self) -> list[str]:
        return sorted(self._by_id)

    def get(self, source_id: str) -> Source:
        try:
            return self._by_id[source_id]
        except KeyError:
            known = ", ".join(self.ids())
            raise KeyError(f"unknown source {source_id!r}; known: {known}") from None

    def for_url(self, url: str) -> Source | None:
        host = urlsplit(url).hostname or ""
        for source in self._by_id.values():
            if source.owns(host):
                return source
        return None


def load_source(path: Path) -> Source:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    try:
        source = Source.model_validate(data)
    except ValueError as error:
        raise ValueError(f"{path.name}: {error}") from error
    if source.id != path.stem:
        raise ValueError(f"{path.name}: id {source.id!r} must equal the file name")
    return source


def load_registry(directory: Path | None = None) -> Registry:
    """The sources of ``directory``; by default the registry's own files and those of the
    process's ``ANN_EXTRA_SOURCES_DIR``, so that every process of a deployment (crawler,
    indexer, API, ``ann status``) knows the same sources without being told twice."""
    if directory is not None:
        return _load((directory,))
    extra = get_settings().extra_sources_dir
    return _load((SOURCES_DIR,) if extra is None else (SOURCES_DIR, extra))


@lru_cache(maxsize=4)
def _load(directories: tuple[Path, ...]) -> Registry:
    return Registry([load_source(p) for d in directories for p in sorted(d.glob("*.yaml"))])
