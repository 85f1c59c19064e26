"""Coined names, one per story: the distinctive word a story's title carries and search finds.

A story's keyword must occur in no other story, in any number of stories. Names are therefore
not drawn at random but computed from the story's slot by a bijection: English names are
consonant-vowel syllables ("Kabatoru"), Chinese names two characters from a set that no template,
place or person name uses, so neither can be spelled by anything else the mirror writes. English
names end in a, o or u, where the Porter stemmer removes nothing: two names never share a stem.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

_ONSETS = "bdghjklmnprstw"
SYLLABLES = tuple(c + v for c in _ONSETS for v in "aeiou")
FINALS = tuple(c + v for c in _ONSETS for v in "aou")
SHORTEST = 3
"""Syllables of the shortest names; longer ones are used once every shorter one is taken."""


def _scatter(size: int, seed: int) -> tuple[int, int]:
    """A multiplier coprime with ``size`` and an offset: ``(n * a + b) % size`` permutes
    ``range(size)``, so neighbouring slots get unrelated names."""
    a = max(1, int(size * 0.6180339887) + 7919 * seed) % size or 1
    while math.gcd(a, size) != 1:
        a = a % size + 1
    return a, (int(size * 0.2718281828) + seed * 104729) % size


def _layer_word(index: int, syllables: int) -> str:
    index, last = divmod(index, len(FINALS))
    parts = [FINALS[last]]
    for _ in range(syllables - 1):
        index, digit = divmod(index, len(SYLLABLES))
        parts.append(SYLLABLES[digit])
    return "".join(reversed(parts))


def _layer_index(word: str) -> tuple[int, int] | None:
    """(syllables, index) of a word that has a coined name's shape, else None."""
    if len(word) < 2 * SHORTEST or len(word) % 2:
        return None
    pieces = [word[i:i + 2] for i in range(0, len(word), 2)]
    if pieces[-1] not in FINALS or any(p not in SYLLABLES for p in pieces[:-1]):
        return None
    index = 0
    for piece in pieces[:-1]:
        index = index * len(SYLLABLES) + SYLLABLES.index(piece)
    return len(pieces), index * len(FINALS) + FINALS.index(pieces[-1])


class EnglishNames:
    """Slot → a capitalised coined word, never one of ``vocabulary`` (the words the writer
    uses elsewhere), distinct for distinct slots."""

    def __init__(self, vocabulary: Iterable[str], seed: int) -> None:
        self._seed = seed
        self._banned: dict[int, list[int]] = {}
        for word in {w.lower() for w in vocabulary}:
            found = _layer_index(word)
            if found is not None:
                self._banned.setdefault(found[0], []).append(found[1])
        for indexes in self._banned.values():
            indexes.sort()

    def name(self, slot: int) -> str:
        rank, syllables = slot, SHORTEST
        while True:
            banned = self._banned.get(syllables, [])
            usable = len(SYLLABLES) ** (syllables - 1) * len(FINALS) - len(banned)
            if rank < usable:
                a, b = _scatter(usable, self._seed)
                index = (rank * a + b) % usable
                for taken in banned:  # the index-th word that is not banned
                    if taken > index:
                        break
                    index += 1
                return _layer_word(index, syllables).capitalize()
            rank -= usable
            syllables += 1


class ChineseNames:
    """Slot → two distinct characters of ``alphabet``, distinct for distinct slots."""

    def __init__(self, alphabet: str, seed: int) -> None:
        self._alphabet = alphabet
        self.capacity = len(alphabet) * (len(alphabet) - 1)
        self._a, self._b = _scatter(self.capacity, seed)

    def name(self, slot: int) -> str:
        if slot >= self.capacity:
            raise ValueError(f"only {self.capacity} coined Chinese names (slot {slot})")
        first, second = divmod((slot * self._a + self._b) % self.capacity,
                               len(self._alphabet) - 1)
        if second >= first:
            second += 1
        return self._alphabet[first] + self._alphabet[second]


def unused_characters(candidates: str, texts: Iterable[str]) -> str:
    """The characters of ``candidates`` (in order, once each) that occur in none of ``texts``."""
    used = set("".join(texts))
    return "".join(dict.fromkeys(c for c in candidates if c not in used))
