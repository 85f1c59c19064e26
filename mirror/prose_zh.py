"""Real Chinese prose for the vernacular member (Sin Chew Daily), read from the shared fixtures.

Only two Chinese articles are available (~18 usable paragraphs), so each mirror article is a
seeded selection of those paragraphs under a title cut from one of their clauses: every title is
unique and appears verbatim in its own body, so the manifest stays exact.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from itertools import combinations
from pathlib import Path

from mirror.prose import Document

_CLAUSE_SPLIT = re.compile("[\uff0c\u3002\uff1b\uff01\uff1f\uff1a\u3001]")
_CJK = re.compile("[\u4e00-\u9fff]")
_QUOTES = "\u201c\u201d\u300a\u300b\u2018\u2019 "
MAX_TITLES = 600


def _paragraphs(shared_dir: Path) -> list[str]:
    found: list[str] = []
    for path in sorted((shared_dir / "fixtures" / "fundus" / "cn").glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for key in sorted(entries):
            for section in (entries[key].get("body") or {}).get("sections") or []:
                found.extend(section.get("paragraphs") or [])
    for path in sorted((shared_dir / "fixtures" / "misc").glob("*-cn_*.expected.json")):
        found.extend(str(json.loads(path.read_text(encoding="utf-8")).get("text", "")).split("\n"))
    good: list[str] = []
    for text in (" ".join(p.split()) for p in found):
        if len(text) >= 25 and text[-1] in "\u3002\uff01\uff1f\u201d" and text not in good \
                and len(_CJK.findall(text)) >= 0.6 * len(text):
            good.append(text)
    return good


def _keyword(title: str, frequency: Counter[str]) -> str:
    """The title's rarest two-character word (Chinese has no spaces; bigrams are what a CJK
    analyzer indexes)."""
    grams = [title[i:i + 2] for i in range(len(title) - 1) if _CJK.fullmatch(title[i]) and
             _CJK.fullmatch(title[i + 1])]
    return min(grams, key=lambda g: (frequency[g], grams.index(g)))


def load_chinese(shared_dir: Path) -> list[Document]:
    """Chinese texts in a stable order: single-clause titles first, then two-clause ones."""
    paragraphs = _paragraphs(shared_dir)
    clauses: list[tuple[str, int]] = []
    for index, text in enumerate(paragraphs):
        for piece in _CLAUSE_SPLIT.split(text):
            clause = piece.strip(_QUOTES)
            if 8 <= len(clause) <= 22 and clause not in {c for c, _ in clauses}:
                clauses.append((clause, index))
    titles = [(c, [i]) for c, i in clauses]
    for (a, i), (b, j) in combinations(clauses, 2):
        if len(titles) >= MAX_TITLES:
            break
        if i != j and len(a) + len(b) <= 26:
            titles.append((f"{a}\uff0c{b}", [i, j]))
    frequency: Counter[str] = Counter()
    for text in paragraphs:
        frequency.update({text[k:k + 2] for k in range(len(text) - 1)})
    documents: list[Document] = []
    for number, (title, own) in enumerate(titles):
        rng = random.Random(f"zh/{number}")
        others = [i for i in range(len(paragraphs)) if i not in own]
        chosen = own + rng.sample(others, rng.randint(2, 4))
        documents.append(Document(f"zh/{number}", title, tuple(paragraphs[i] for i in chosen),
                                  _keyword(title, frequency), 0 if len(own) == 1 else 1))
    return documents
