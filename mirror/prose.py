"""Real English prose for article bodies, read from the shared dev set and fixtures when generating.

Chinese prose for the vernacular member lives in ``mirror.prose_zh``.

Bodies must be real text so that extraction and search meet real sentences; the third-party
sources stay in the shared directory and are never copied into the repository.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ann.text import repair_mojibake

_STOPWORD_TEXT = (
    "the a an and or of to in on for with at by from as is are was were be been it its that this "
    "these those he she they we you i his her their our not but if so than then there what which "
    "who will would can could has have had do does did about into over after before more most "
    "also just how when where why all any some new one two says said"
)
STOPWORDS = frozenset(_STOPWORD_TEXT.split(" "))
_WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019-]*")
_PROPER = re.compile(r"(?<=[a-z,] )[A-Z][a-z]{4,}")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"])")
_CJK_END = re.compile("[\u3002\uff01\uff1f]")


@dataclass(frozen=True)
class Document:
    """One source text: its cleaned title and body paragraphs, and a distinctive title word."""

    origin: str
    title: str
    paragraphs: tuple[str, ...]
    keyword: str
    part: int = 0
    """0: the text's own opening and title; k > 0: its k-th further chunk, titled by its lead."""


def words(text: str) -> list[str]:
    return [w.lower().strip("'\u2019-") for w in _WORD.findall(text)]


def is_english(text: str) -> bool:
    tokens = words(text)
    if len(tokens) < 40 or sum(ch.isascii() for ch in text) < 0.97 * len(text):
        return False
    return sum(t in STOPWORDS for t in tokens) >= 0.28 * len(tokens)


def _good_paragraph(text: str) -> bool:
    return 80 <= len(text) <= 1500 and text[-1] in ".!?\u201d\")\u2019" and not text.isupper()


def first_sentence(text: str) -> str:
    cjk = _CJK_END.search(text)
    if cjk:
        return text[:cjk.end()]
    return _SENTENCE_END.split(text, maxsplit=1)[0]


def _clean_title(title: str) -> str:
    title = re.sub(r"\s+", " ", title).strip()
    return re.split("\\s+[|\u2013\u2014]\\s+" r"|\s+-\s+(?=[A-Z][\w ]+$)", title)[0].strip()


def _raw_documents(shared_dir: Path) -> list[tuple[str, str, list[str]]]:
    """(origin, title, paragraphs) of every source text, mojibake ("WireGuardÂ®") repaired: a
    mirror page's text is the truth the extractor is held to, and the extractor repairs it."""
    found: list[tuple[str, str, list[str]]] = []
    truth = shared_dir / "devset" / "wcxb-dev-articles" / "ground-truth"
    for path in sorted(truth.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        paragraphs = [p.strip() for p in str(data.get("main_content") or "").split("\n")]
        found.append((f"wcxb/{path.name}", str(data.get("title") or ""), paragraphs))
    for path in sorted((shared_dir / "fixtures" / "fundus").glob("*/*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key in sorted(entries):
            entry = entries[key]
            body = entry.get("body") or {}
            paragraphs = list(body.get("summary") or [])
            for section in body.get("sections") or []:
                paragraphs.extend(section.get("paragraphs") or [])
            origin = f"fundus/{path.parent.name}/{path.stem}/{key}"
            found.append((origin, str(entry.get("title") or ""), paragraphs))
    return [(origin, repair_mojibake(title), [repair_mojibake(p) for p in paragraphs])
            for origin, title, paragraphs in found]


def load_documents(shared_dir: Path, *, max_paragraphs: int = 10) -> list[Document]:
    """English texts with ≥ 3 good paragraphs, unique titles, each with a rare title word.

    A long document yields several texts: its first ``max_paragraphs`` paragraphs under its own
    title (part 0), then each further chunk under a title made from the chunk's lead sentence.
    The shared pool (~700 documents) is smaller than 20+ sites × 50 articles; chunks are disjoint,
    so no two mirror articles share a paragraph. The order is stable (sorted file names).
    """
    candidates: list[tuple[str, str, tuple[str, ...], int]] = []
    seen_titles: set[str] = set()
    for origin, raw_title, raw_paragraphs in _raw_documents(shared_dir):
        good = tuple(p for p in (" ".join(x.split()) for x in raw_paragraphs)
                     if _good_paragraph(p))
        for part, start in enumerate(range(0, len(good), max_paragraphs)):
            paragraphs = good[start:start + max_paragraphs]
            if len(paragraphs) < 3 or not is_english(" ".join(paragraphs)):
                continue
            title = _clean_title(raw_title) if part == 0 else ""
            foreign = not title.isascii() and not is_english(title * 20)
            if foreign or not 4 <= len(title.split()) <= 16:
                title = " ".join(first_sentence(paragraphs[0]).rstrip(".!?").split()[:12])
            key = title.lower()
            if key in seen_titles or len(title.split()) < 3:
                continue
            seen_titles.add(key)
            candidates.append((f"{origin}#{part}", title, paragraphs, part))
    frequency: Counter[str] = Counter()
    for _, title, paragraphs, _ in candidates:
        frequency.update(set(words(title + " " + " ".join(paragraphs))))
    documents: list[Document] = []
    for origin, title, paragraphs, part in candidates:
        keyword = _rarest(words(title), frequency)
        if keyword is None or frequency[keyword] > 6:
            # A headline of common words only: lead with a proper noun the body is about.
            proper = [w for w in _PROPER.findall(" ".join(paragraphs)) if len(w) >= 5]
            keyword = _rarest([w.lower() for w in proper], frequency)
            if keyword is None or frequency[keyword] > 6:
                continue
            label = next(w for w in proper if w.lower() == keyword)
            title = f"{label}: {title}"
            if title.lower() in seen_titles:
                continue
            seen_titles.add(title.lower())
        documents.append(Document(origin, title, paragraphs, keyword, part))
    return documents


def _rarest(candidates: list[str], frequency: Counter[str]) -> str | None:
    usable = [w for w in candidates if len(w) >= 5 and w.isalpha() and w not in STOPWORDS]
    return min(usable, key=lambda w: (frequency[w], w)) if usable else None
