"""P2: pages/s of ``extract_article`` ÷ pages/s of trafilatura with metadata, same pages, one core.

Two workloads, timed in the same process: the offline mirror's article pages (the pages this
system crawls, where source hints apply) and the shared dev set (generic pages, no hints), where
body word-F1 of both extractors is also reported. The last line printed is one JSON object:
``{"P2": ..., "P2_devset": ..., "f1_ours": ..., "f1_trafilatura": ...}``.

    .venv/bin/python bench/extract.py [--per-site 50] [--rounds 2]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _corpus as corpus

from ann.settings import get_settings
from ann.sources import Source, load_registry
from indexer.extraction import ExtractionError, extract_article

Page = tuple[bytes | str, str, Source | None]


def _evaluate_module(shared: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("evaluate", shared / "devset" / "evaluate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def mirror_pages(per_site: int) -> list[Page]:
    registry = load_registry()
    return [(page.body(), page.url, registry.get(page.source_id))
            for page in corpus.mirror_pages(per_site)]


def ours(page: Page) -> str:
    html, url, source = page
    try:
        return extract_article(html, url, source).body
    except ExtractionError:
        return ""


def theirs(page: Page) -> str:
    html, url, _ = page
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                           include_comments=False)
    return str(getattr(document, "text", "") or "")


def timed(fn: Callable[[Page], str], pages: list[Page], rounds: int) -> tuple[float, list[str]]:
    """Best pages/s over ``rounds`` passes, and the outputs of the last pass."""
    best, outputs = 0.0, []
    for _ in range(rounds):
        start = time.perf_counter()
        outputs = [fn(page) for page in pages]
        best = max(best, len(pages) / (time.perf_counter() - start))
    return best, outputs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-site", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    shared = get_settings().shared_dir
    evaluate = _evaluate_module(shared)

    mirror = mirror_pages(args.per_site)
    ours_mirror, _ = timed(ours, mirror, args.rounds)
    theirs_mirror, _ = timed(theirs, mirror, args.rounds)

    cases: list[Any] = list(evaluate.wcxb_cases()) + list(evaluate.fundus_cases())
    devset: list[Page] = [(html, url, None) for _, _, html, url, _ in cases]
    expected = [exp["body"] for *_, exp in cases]
    ours_dev, our_bodies = timed(ours, devset, 1)
    theirs_dev, their_bodies = timed(theirs, devset, 1)
    scored = [i for i, body in enumerate(expected) if body]
    f1_ours = statistics.mean(evaluate.word_f1(our_bodies[i], expected[i]) for i in scored)
    f1_theirs = statistics.mean(evaluate.word_f1(their_bodies[i], expected[i]) for i in scored)

    print(f"mirror  {len(mirror):4d} pages  ours {ours_mirror:7.1f}/s  "
          f"trafilatura {theirs_mirror:7.1f}/s")
    print(f"dev set {len(devset):4d} pages  ours {ours_dev:7.1f}/s  "
          f"trafilatura {theirs_dev:7.1f}/s  body F1 {f1_ours:.3f} vs {f1_theirs:.3f}")
    print(json.dumps({"P2": round(ours_mirror / theirs_mirror, 2),
                      "P2_devset": round(ours_dev / theirs_dev, 2),
                      "f1_ours": round(f1_ours, 3), "f1_trafilatura": round(f1_theirs, 3)}))


if __name__ == "__main__":
    main()
