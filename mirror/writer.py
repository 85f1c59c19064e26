"""Seeded stories from templates: what the English and the Chinese writers have in common.

A story is a topic's title and paragraphs with their slots filled. Every paragraph opens with one
of the topic's sentences, each naming the story's subject (which carries its coined name): two
stories never share a paragraph, however many are written.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

SUBJECT_SLOTS = ("{subject}", "{Subject}", "{bare}", "{Bare}")
"""The forms of a story's subject (every one carries its coined name)."""


@dataclass(frozen=True)
class Topic:
    name: str
    subjects: tuple[str, ...]
    titles: tuple[str, ...]
    sentences: tuple[str, ...]
    """Each names the subject: a paragraph opens with one of them. Titles name it too."""


def load_data(name: str) -> dict[str, Any]:
    """A YAML file of ``mirror/data`` (package data)."""
    text = resources.files("mirror").joinpath("data", name).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def load_topics(data: Mapping[str, Any]) -> tuple[Topic, ...]:
    topics = tuple(Topic(t["name"], tuple(t["subjects"]), tuple(t["titles"]),
                         tuple(t["sentences"])) for t in data["topics"])
    for topic in topics:
        unnamed = [s for s in (*topic.titles, *topic.sentences)
                   if not any(k in s for k in SUBJECT_SLOTS)]
        unnamed += [s for s in topic.subjects if "{kw}" not in s]
        if unnamed:
            raise ValueError(f"topic {topic.name}: every title and sentence names the subject, "
                             f"every subject the coined name: {unnamed}")
    return topics


def subject_slots(subject: str) -> dict[str, str]:
    """The subject's forms: as it stands, sentence-initial, and without a leading "the"."""
    bare = subject.removeprefix("the ")
    return {"subject": subject, "Subject": subject[:1].upper() + subject[1:],
            "bare": bare, "Bare": bare[:1].upper() + bare[1:]}


class Slots(dict[str, str]):
    """The values of one story's slots: fixed ones (name, subject, place) stay the same all
    through the story; any other slot is drawn afresh at each use."""

    def __init__(self, fixed: Mapping[str, str], draw: Callable[[str], str]) -> None:
        super().__init__(fixed)
        self._draw = draw

    def __missing__(self, key: str) -> str:
        return self._draw(key)


@dataclass(frozen=True)
class Shape:
    """How long stories are: paragraphs per story, further sentences per paragraph."""

    paragraphs: tuple[int, int] = (4, 8)
    further: tuple[int, int] = (1, 2)
    joiner: str = " "


def compose(rng: random.Random, topic: Topic, generic: tuple[str, ...], slots: Slots,
            shape: Shape) -> tuple[str, list[str]]:
    """(title, paragraphs): no template is used twice in a story."""
    title = rng.choice(topic.titles).format_map(slots)
    openers = rng.sample(topic.sentences, min(len(topic.sentences), rng.randint(*shape.paragraphs)))
    spare = [s for s in (*topic.sentences, *generic) if s not in openers]
    rng.shuffle(spare)
    paragraphs: list[str] = []
    for opener in openers:
        chosen = [opener] + [spare.pop() for _ in range(min(len(spare),
                                                            rng.randint(*shape.further)))]
        paragraphs.append(shape.joiner.join(s.format_map(slots) for s in chosen))
    return title[:1].upper() + title[1:], paragraphs
