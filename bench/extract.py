"""P2: pages/s of ``extract_article`` ÷ pages/s of trafilatura with metadata, same pages, one core.

Two workloads, timed in the same process pinned to one core: real pages (the shared dev set —
WCXB dev articles and the Fundus fixtures — and the other saved pages of ``../shared/fixtures``,
no source hints apply), where body word-F1 of both extractors is also reported, and, for the
record, the offline mirror's article pages (markup the project wrote, where source hints apply).
Time is the process's CPU time (``time.process_time``): on a shared machine another process's
load does not count against either extractor. On real pages each page is extracted by both in
turn, so a burst of load hits both alike. The last line printed is one JSON object:
``{"P2_real": ..., "P2": ..., "f1_ours": ..., "f1_trafilatura": ...}``.

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
        return extract_article(html, url, source, registry=load_registry()).body
    except ExtractionError:
        return ""


def theirs(page: Page) -> str:
    html, url, _ = page
    document = trafilatura.bare_extraction(html, url=url, with_metadata=True,
                                           include_comments=False)
    return str(getattr(document, "text", "") or "")


def timed(fn: Callable[[Page], str], pages: list[Page], rounds: int) -> tuple[float, list[str]]:
    """Best pages/s (CPU time) over ``rounds`` passes, and the outputs of the last pass."""
    best, outputs = 0.0, []
    for _ in range(rounds):
        start = time.process_time()
        outputs = [fn(page) for page in pages]
        best = max(best, len(pages) / (time.process_time() - start))
    return best, outputs


def interleaved(pages: list[Page]) -> tuple[float, float, list[str], list[str]]:
    """Pages/s (CPU time) of ours and trafilatura, each page extracted by both in turn."""
    spent = [0.0, 0.0]
    outputs: tuple[list[str], list[str]] = ([], [])
    for page in pages:
        for side, fn in enumerate((ours, theirs)):
            start = time.process_time()
            outputs[side].append(fn(page))
            spent[side] += time.process_time() - start
    return len(pages) / spent[0], len(pages) / spent[1], outputs[0], outputs[1]


def fixture_pages(shared: Path) -> list[Page]:
    """The saved real pages of ``../shared/fixtures`` outside the dev set (``misc/``), with the
    URL their README gives; no body reference, so they count for speed only."""
    urls = {"chinadaily-cn_chinese_article_001.html":
            "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html",
            "yomiuri-gaza.html": "https://www.yomiuri.co.jp/world/20231102-OYT1T50240/"}
    folder = shared / "fixtures" / "misc"
    return [((folder / name).read_bytes(), url, None) for name, url in urls.items()
            if (folder / name).exists()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-site", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    shared = get_settings().shared_dir
    evaluate = _evaluate_module(shared)

    cases: list[Any] = list(evaluate.wcxb_cases()) + list(evaluate.fundus_cases())
    real: list[Page] = [(html, url, None) for _, _, html, url, _ in cases]
    real += fixture_pages(shared)
    expected = [exp["body"] for *_, exp in cases]
    for page in real[:20]:  # imports, caches and compiled patterns warmed for both
        ours(page), theirs(page)
    rates = [interleaved(real) for _ in range(args.rounds)]
    ours_real, theirs_real = max(r[0] for r in rates), max(r[1] for r in rates)
    our_bodies, their_bodies = rates[-1][2], rates[-1][3]
    scored = [i for i, body in enumerate(expected) if body]
    f1_ours = statistics.mean(evaluate.word_f1(our_bodies[i], expected[i]) for i in scored)
    f1_theirs = statistics.mean(evaluate.word_f1(their_bodies[i], expected[i]) for i in scored)

    mirror = mirror_pages(args.per_site)
    ours_mirror, _ = timed(ours, mirror, args.rounds)
    theirs_mirror, _ = timed(theirs, mirror, args.rounds)

    print(f"real    {len(real):4d} pages  ours {ours_real:7.1f}/s  "
          f"trafilatura {theirs_real:7.1f}/s  body F1 {f1_ours:.3f} vs {f1_theirs:.3f} "
          f"({len(scored)} pages with a reference)")
    print(f"mirror  {len(mirror):4d} pages  ours {ours_mirror:7.1f}/s  "
          f"trafilatura {theirs_mirror:7.1f}/s")
    print(json.dumps({"P2_real": round(ours_real / theirs_real, 2),
                      "P2": round(ours_mirror / theirs_mirror, 2),
                      "f1_ours": round(f1_ours, 3), "f1_trafilatura": round(f1_theirs, 3)}))


if __name__ == "__main__":
    main()
