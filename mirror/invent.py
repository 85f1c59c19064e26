"""English stories the mirror writes itself, when no real prose is configured.

Story ``slot`` is a pure function of (seed, slot, country): a topic, a coined name (its keyword),
people and places of the site's country, numbers and dates, in sentences from
``data/english.yaml``. Nothing is read but the repository and Faker's word lists, and there is no
limit to how many stories can be written.
"""

from __future__ import annotations

import random
import re
from functools import cached_property

from mirror.coined import EnglishNames
from mirror.names import Country, countries
from mirror.prose import Document
from mirror.writer import Shape, Slots, compose, load_data, load_topics, subject_slots

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DEFAULT_COUNTRY = "SG"


class EnglishWriter:
    """The English pool of generated prose: any slot, never the same paragraph twice."""

    capacity: int | None = None

    def __init__(self, seed: int) -> None:
        self._seed = seed
        data = load_data("english.yaml")
        self._topics = load_topics(data)
        self._generic = tuple(data["generic"])
        self._lists: dict[str, tuple[str, ...]] = {
            key: tuple(map(str, data[key])) for key in ("roles", "sources", "orgs")}
        self._countries = countries(data)
        self._data_text = repr(data)

    @cached_property
    def _names(self) -> EnglishNames:
        vocabulary = re.findall(r"[A-Za-z]+", self._data_text)
        for country in self._countries.values():
            vocabulary += re.findall(r"[A-Za-z]+", " ".join(country.words()))
        return EnglishNames(vocabulary, self._seed)

    def document(self, slot: int, country: str) -> Document:
        rng = random.Random(f"{self._seed}/en/{slot}")
        land = self._countries.get(country) or self._countries[DEFAULT_COUNTRY]
        topic = rng.choice(self._topics)
        name = self._names.name(slot)
        subject = rng.choice(topic.subjects).format(kw=name)
        place = rng.choice(land.places)
        fixed = {"kw": name, **subject_slots(subject), "place": place, "country": land.name,
                 "capital": land.capital, "currency": land.currency}
        slots = Slots(fixed, lambda key: self._draw(key, rng, land, place, slots))
        title, paragraphs = compose(rng, topic, self._generic, slots, Shape())
        return Document(f"generated/en/{slot}", title, tuple(paragraphs), name.lower())

    def _draw(self, key: str, rng: random.Random, land: Country, place: str,
              slots: Slots) -> str:
        """A fresh value for ``key``: each use of a slot draws again."""
        if key in ("person", "person2"):
            return land.person(rng)
        if key == "place2":
            other = rng.choice(land.places)
            while other == place:
                other = rng.choice(land.places)
            return other
        if key in ("role", "role2"):
            return rng.choice(self._lists["roles"])
        if key in ("a_role", "a_role2"):
            role = rng.choice(self._lists["roles"])
            return ("an " if role[0] in "aeiou" else "a ") + role
        if key == "org":
            return rng.choice(self._lists["orgs"])
        if key == "source":
            return rng.choice(self._lists["sources"]).format_map(slots)
        return _number(key, rng)


def _number(key: str, rng: random.Random) -> str:
    """Numbers, amounts and dates, written as the English-language papers write them."""
    if key == "n":
        return str(rng.randint(2, 60))
    if key == "n2":
        return str(rng.randint(2, 48))
    if key == "big":
        return f"{rng.randint(120, 98000):,}"
    if key == "pct":
        return str(rng.randint(5, 95))
    if key == "pct2":
        return f"{rng.uniform(0.5, 9.9):.1f}"
    if key == "money":
        return (f"{rng.randint(2, 950)} million" if rng.random() < 0.8
                else f"{rng.randint(11, 99) / 10} billion")
    if key == "year":
        return str(rng.randint(1998, 2018))
    if key == "future":
        return str(rng.randint(2026, 2032))
    if key == "day":
        return rng.choice(DAYS)
    if key == "month":
        return rng.choice(MONTHS)
    if key == "date":
        return f"{rng.choice(MONTHS)} {rng.randint(1, 28)}"
    raise KeyError(f"unknown slot {{{key}}} in mirror/data")
