"""Chinese stories the mirror writes itself for Sin Chew Daily, when no real prose is configured.

As :mod:`mirror.invent`, in the Chinese of Malaysia's Chinese-language press: Faker's Chinese
family and given names, Malaysian places, ringgit. The coined name is two characters that occur
in nothing else the writer uses, so its bigram (what a CJK analyzer indexes) finds one story.
"""

from __future__ import annotations

import random
from functools import cached_property

from faker.providers.person.zh_CN import Provider as ChinesePeople

from mirror.coined import ChineseNames, unused_characters
from mirror.prose import Document
from mirror.sites.sinchew import SinChew
from mirror.writer import Shape, Slots, compose, load_data, load_topics, subject_slots

NAME_CHARACTERS = (
    "琨峪岚垣崂璋瑜珂岑嵩溪澜翎璐芮蔚馨瑶琪瑾璇琳珏瑛珞琦岱峦嵘崧巍屹岩嶂岫麓涧渚汀泓沅湄"
    "沐潇湘浔滢漪澈濠淇淞洵渭泾汶沂洮渝黔滇桂邕榕柘樟梧桐杉楠榆槐桦楷棠枫椿栎柯檀枞柚"
    "藜蘅芷蘋萱菁蓁茗苓荻苇葭蒲菡萏荷蕙蓉芊芃茵莘蓓蕾薇兰芸茉莉桔橙柑橘杏梅桃李榴枣柿"
    "骐骏骅驹鹭鸥鹤鸾凰雁鹂莺燕鹊鸿鹏翔翱翊翀羿焘炜烨煜熠炫灿烁晖曦旭昊昱晟晔晨暄晗昕"
)
"""Characters that coined names are made of (those used elsewhere are left out)."""
DAYS = "一二三四五六日"
FAMILY = tuple(n.strip() for n in ChinesePeople.last_names)  # weighted dicts: names are keys
GIVEN = tuple(n.strip() for n in ChinesePeople.first_names)


class ChineseWriter:
    """The Chinese pool of generated prose; its size is bounded by the coined names."""

    def __init__(self, seed: int) -> None:
        self._seed = seed
        data = load_data("chinese.yaml")
        self._data = data
        self._topics = load_topics(data)
        self._generic = tuple(data["generic"])
        self._lists: dict[str, tuple[str, ...]] = {
            key: tuple(map(str, data[key])) for key in ("places", "roles", "orgs", "sources")}
        self._currency = str(data["currency"])

    @cached_property
    def _names(self) -> ChineseNames:
        used = [repr(self._data), *FAMILY, *GIVEN,
                *SinChew.staff, *SinChew.agencies]
        return ChineseNames(unused_characters(NAME_CHARACTERS, used), self._seed)

    @property
    def capacity(self) -> int:
        return self._names.capacity

    def document(self, slot: int, country: str) -> Document:
        """Story ``slot`` (``country`` is Malaysia's for the one Chinese-language member)."""
        rng = random.Random(f"{self._seed}/zh/{slot}")
        topic = rng.choice(self._topics)
        name = self._names.name(slot)
        subject = rng.choice(topic.subjects).format(kw=name)
        place = rng.choice(self._lists["places"])
        fixed = {"kw": name, **subject_slots(subject), "place": place,
                 "currency": self._currency}
        slots = Slots(fixed, lambda key: self._draw(key, rng, place, slots))
        title, paragraphs = compose(rng, topic, self._generic, slots, Shape(joiner=""))
        return Document(f"generated/zh/{slot}", title, tuple(paragraphs), name)

    def _draw(self, key: str, rng: random.Random, place: str, slots: Slots) -> str:
        """A fresh value for ``key``: each use of a slot draws again."""
        lists = self._lists
        if key in ("person", "person2"):
            given = rng.choice(GIVEN)
            if len(given) == 1 and rng.random() < 0.7:
                given += rng.choice(GIVEN).strip()[:1]
            return rng.choice(FAMILY) + given
        if key == "place2":
            other = rng.choice(lists["places"])
            while other == place:
                other = rng.choice(lists["places"])
            return other
        if key in ("role", "role2", "org", "source"):
            return rng.choice(lists[key.rstrip("2") + "s"])
        return _number(key, rng)


def _number(key: str, rng: random.Random) -> str:
    """Numbers, amounts and dates as the Chinese-language press writes them."""
    if key in ("n", "n2"):
        return str(rng.randint(2, 48))
    if key == "big":
        return str(rng.randint(120, 98000))
    if key in ("pct", "pct2"):
        return str(rng.randint(5, 95))
    if key == "money":
        return f"{rng.randint(2, 950)}万" if rng.random() < 0.7 else f"{rng.randint(11, 99) / 10}亿"
    if key == "year":
        return str(rng.randint(1998, 2018))
    if key == "future":
        return str(rng.randint(2026, 2032))
    if key == "day":
        return rng.choice(DAYS)
    if key == "month":
        return f"{rng.randint(1, 12)}月"
    if key == "date":
        return f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日"
    raise KeyError(f"unknown slot {{{key}}} in mirror/data/chinese.yaml")
