"""The prose the mirror writes itself: deterministic, and distinct in any number of stories."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ann.sources import load_registry
from mirror.coined import FINALS, SHORTEST, SYLLABLES, ChineseNames, EnglishNames
from mirror.invent import EnglishWriter
from mirror.invent_zh import ChineseWriter
from mirror.plan import HUB, plan
from mirror.pools import load_pools
from mirror.sites import SITES
from mirror.writer import load_data, load_topics

LAYER = len(SYLLABLES) ** (SHORTEST - 1) * len(FINALS)
"""How many shortest English names there are; slots beyond use longer ones."""


def test_english_names_are_distinct_across_lengths_and_never_a_vocabulary_word() -> None:
    vocabulary = ["Nakamura", "Tanaka", "Kerema", "banana", "the"]
    names = EnglishNames(vocabulary, seed=0)
    slots = [*range(20_000), *range(LAYER - 10_000, LAYER + 10_000)]
    found = [names.name(s).lower() for s in slots]
    assert len(set(found)) == len(slots)
    assert not {w.lower() for w in vocabulary} & set(found)
    assert {len(w) for w in found} == {2 * SHORTEST, 2 * SHORTEST + 2}
    assert all(re.fullmatch(r"([bdghjklmnprstw][aeiou])+", w) and w[-1] in "aou" for w in found)
    assert names.name(7) == EnglishNames(vocabulary, seed=0).name(7)
    assert names.name(7) != EnglishNames(vocabulary, seed=1).name(7)


def test_chinese_names_are_distinct_up_to_their_capacity() -> None:
    names = ChineseNames("甲乙丙丁戊己庚辛", seed=3)
    found = [names.name(s) for s in range(names.capacity)]
    assert len(set(found)) == names.capacity == 8 * 7
    assert all(len(n) == 2 and n[0] != n[1] for n in found)
    with pytest.raises(ValueError, match="only 56"):
        names.name(names.capacity)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_every_title_and_sentence_names_the_subject(language: str) -> None:
    topics = load_topics(load_data("english.yaml" if language == "en" else "chinese.yaml"))
    assert len(topics) >= 8


@pytest.mark.parametrize("writer", [EnglishWriter(0), ChineseWriter(0)],
                         ids=["en", "zh"])
def test_thousands_of_stories_share_no_paragraph_and_no_keyword(
    writer: EnglishWriter | ChineseWriter,
) -> None:
    docs = [writer.document(slot, "MY") for slot in range(3000)]
    paragraphs = [p for d in docs for p in d.paragraphs]
    assert len(paragraphs) == len(set(paragraphs))
    assert all(len(d.paragraphs) >= 4 and d.keyword in d.title.lower() for d in docs)
    texts = [(d.title + " " + " ".join(d.paragraphs)).lower() for d in docs]
    holders = Counter(k for d in docs for k in {d.keyword} if True)
    for doc, text in zip(docs, texts, strict=True):
        assert doc.keyword in text
    for keyword in list(holders)[:300]:  # each keyword is found in its own story only
        assert sum(keyword in text for text in texts) == 1, keyword
    again = type(writer)(0).document(1234, "MY")
    assert again == docs[1234]
    assert type(writer)(1).document(1234, "MY") != docs[1234]


def test_a_reprint_without_a_named_author_renders_without_an_author_box() -> None:
    registry = load_registry()
    stories = plan(load_pools(None, 0), {s.id: s.zone for s in registry},
                   {s.id: s.country or "" for s in registry}, per_site=12, seed=0, extra=0)
    reprint = next(s for s in stories[HUB] if s.original)
    assert reprint.original is not None and reprint.original.authors  # one is preferred
    reprint.people, reprint.agencies = [], ["Staff Correspondent"]  # a bare desk role
    html = SITES[HUB].render_article(reprint)
    assert "About the Author" not in html and reprint.paragraphs[-1] in html
