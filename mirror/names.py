"""People and places of each member's country, for the prose the mirror writes.

Faker's locale data supplies the long lists (romanised Indian, Indonesian, Japanese and Chinese
names; Indian and Indonesian cities; Vietnamese provinces); ``data/english.yaml`` the rest. Only
Faker's word lists are read, never its generators: the mirror's own seeded RNG picks from them.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from faker.providers.address.en_IN import Provider as IndianAddresses
from faker.providers.address.id_ID import Provider as IndonesianAddresses
from faker.providers.address.vi_VN import Provider as VietnameseAddresses
from faker.providers.person.en_IN import Provider as IndianPeople
from faker.providers.person.id_ID import Provider as IndonesianPeople
from faker.providers.person.ja_JP import Provider as JapanesePeople
from faker.providers.person.vi_VN import Provider as VietnamesePeople
from faker.providers.person.zh_CN import Provider as ChinesePeople

_FAKER_PEOPLE: dict[str, tuple[Sequence[str], Sequence[str], bool]] = {
    # country: (given names, family names, family name first)
    "IN": (IndianPeople.first_names, IndianPeople.last_names, False),
    "ID": (IndonesianPeople.first_names, IndonesianPeople.last_names, False),
    "JP": (JapanesePeople.first_romanized_names, JapanesePeople.last_romanized_names, False),
    "CN": (ChinesePeople.first_romanized_names, ChinesePeople.last_romanized_names, True),
    "VN": ([f"{m} {g}" for m in VietnamesePeople.middle_names
            for g in (*VietnamesePeople.first_names_male, *VietnamesePeople.first_names_female)],
           VietnamesePeople.last_names, True),
}
_FAKER_PLACES: dict[str, Sequence[str]] = {
    "IN": IndianAddresses.cities,
    "ID": IndonesianAddresses.cities,
    "VN": VietnameseAddresses.provinces,
}
_FAMILY_FIRST = frozenset({"CN", "KR", "KH", "VN", "MN"})


@dataclass(frozen=True)
class Country:
    name: str
    capital: str
    currency: str
    places: tuple[str, ...]
    given: tuple[str, ...]
    family: tuple[str, ...]
    family_first: bool

    def person(self, rng: random.Random) -> str:
        given, family = rng.choice(self.given), rng.choice(self.family)
        return f"{family} {given}" if self.family_first else f"{given} {family}"

    def words(self) -> list[str]:
        return [self.name, self.capital, self.currency, *self.places, *self.given, *self.family]


def countries(data: Mapping[str, Any]) -> dict[str, Country]:
    """Every country of ``data["countries"]``, with its people and places."""
    found: dict[str, Country] = {}
    for code, info in data["countries"].items():
        if code in _FAKER_PEOPLE:
            given, family, family_first = _FAKER_PEOPLE[code]
        else:
            own = data["people"][code]
            given, family, family_first = own["given"], own["family"], code in _FAMILY_FIRST
        places = _clean([*info["places"], *_FAKER_PLACES.get(code, ())])
        found[code] = Country(info["name"], info["capital"], info["currency"], places,
                              _clean(given), _clean(family), family_first)
    return found


def _clean(words: Sequence[str]) -> tuple[str, ...]:
    """Once each, in order, with single spaces (a few of Faker's entries carry stray spaces)."""
    return tuple(dict.fromkeys(" ".join(w.split()) for w in words if w.strip()))
