"""Where the mirror's article texts come from: written by the mirror, or read from a directory.

A pool hands out the texts of one language by slot (the k-th text the plan uses). By default the
mirror writes its own (:mod:`mirror.invent`, :mod:`mirror.invent_zh`), in any number; real prose
is read only when a directory laid out like the team's shared material is configured
(``ANN_MIRROR_PROSE_DIR``), and then the pool holds only what that directory has.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Protocol

from mirror.invent import EnglishWriter
from mirror.invent_zh import ChineseWriter
from mirror.prose import Document, load_documents
from mirror.prose_zh import load_chinese


class Pool(Protocol):
    """The texts of one language."""

    @property
    def capacity(self) -> int | None:
        """How many slots there are (None: no limit)."""

    def document(self, slot: int, country: str) -> Document:
        """The text of ``slot``, for a site of ``country`` (ISO code), where that matters."""


class ReadPool:
    """Texts read from a directory, in a seeded order: every part-0 text (a document's own
    title and opening) before any further chunk, so chunks are used only when the pool runs
    short."""

    def __init__(self, documents: list[Document], seed: int | str) -> None:
        rng = random.Random(seed)
        keys = [rng.random() for _ in documents]
        self._documents = documents
        self._order = sorted(range(len(documents)), key=lambda i: (documents[i].part, keys[i]))

    @property
    def capacity(self) -> int:
        return len(self._documents)

    def document(self, slot: int, country: str) -> Document:
        return self._documents[self._order[slot]]


def load_pools(prose_dir: Path | None, seed: int) -> dict[str, Pool]:
    """Pools per language: written ones, or read from ``prose_dir`` when it is given."""
    if prose_dir is None:
        return {"en": EnglishWriter(seed), "zh": ChineseWriter(seed)}
    return {"en": ReadPool(load_documents(prose_dir), seed),
            "zh": ReadPool(load_chinese(prose_dir), f"{seed}/zh")}
