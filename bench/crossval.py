"""Extraction quality cross-validated by publisher: the full-set figure beside the held-out one.

Both dev sets (WCXB dev articles and the Fundus fixtures, read through the shared
``devset/evaluate.py``, whose loaders and scoring functions are used unchanged) are split by
publisher (the page's host; the Fundus publisher) into ``k`` folds. The extractor runs once with
the production rules and once per alternative value of each rule in
:mod:`indexer.extraction.rules`. For each held-out fold every rule takes the value that scores
best on the other folds (all fields of :data:`FIELDS` summed: ``evaluate.py``'s and the
authors' word F1, the default winning ties); the held-out pages are
then extracted with those values. The cross-validated figure is the mean over held-out pages.
trafilatura has no parameter here, so its two figures agree; it is printed beside ours.

Per rule, the publishers it helps and hurts against each alternative are counted (a publisher
is helped when the rule's default value scores more on its pages, all fields summed): a rule
that helps fewer than three publishers is not a rule.

    .venv/bin/python bench/crossval.py [--folds 5] [--jobs 1] [--baseline] [--rules a,b]
                                       [--misses author]

The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib.util
import json
import statistics
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ann.settings import get_settings
from ann.sources import load_registry
from indexer.extraction import extract_article, rules

FIELDS = ("body_f1", "title_exact", "title_lenient", "author", "author_f1", "date")
"""``evaluate.py``'s figures, and ``author_f1``: the word F1 of the names returned against the
label's. ``author`` counts a page right when half the label's words are among ours, however
many other words come with them, so a rule that keeps a dateline, a section or the paper's
name out of the authors can only lose on it; ``author_f1`` also counts what was returned."""
Case = tuple[str, str, str, str, dict[str, Any]]  # set, page id, html, url, expected
Scores = dict[str, float]  # field -> score of one page (fields the label lacks are absent)
Config = tuple[tuple[str, object], ...]  # rule values differing from the defaults


def load_evaluate(shared: Path) -> ModuleType:
    """The dev set's own loaders and metrics (``devset/evaluate.py``)."""
    spec = importlib.util.spec_from_file_location("devset_evaluate",
                                                  shared / "devset" / "evaluate.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no evaluate.py under {shared}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def publisher(case: Case) -> str:
    """The publisher a page belongs to: the Fundus publisher, else the URL's host."""
    name, page_id, _, url, _ = case
    if name == "fundus":
        return "fundus:" + page_id.rsplit("_", 3)[0]
    host = (urlsplit(url).hostname or page_id).removeprefix("www.")
    return f"{name}:{host}"


def assign_folds(cases: list[Case], k: int) -> dict[str, int]:
    """Publisher -> fold, per set, largest publishers first into the emptiest fold (balanced and
    deterministic)."""
    folds: dict[str, int] = {}
    by_set: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        by_set[case[0]][publisher(case)] += 1
    for counts in by_set.values():
        sizes = [0] * k
        for name, pages in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            fold = min(range(k), key=lambda i: (sizes[i], i))
            folds[name] = fold
            sizes[fold] += pages
    return folds


def page_scores(ev: ModuleType, result: Any, expected: dict[str, Any]) -> Scores:
    """One page's scores with ``evaluate.py``'s metrics (``score()`` averages the same)."""
    out: Scores = {}
    if expected["body"]:
        out["body_f1"] = ev.word_f1(ev.field(result, "body", "text"), expected["body"])
    if expected["title"]:
        returned = ev.field(result, "title")
        out["title_exact"] = float(ev.fold(returned) == ev.fold(expected["title"]))
        out["title_lenient"] = float(ev.title_lenient(returned, expected["title"]))
    if expected["author"]:
        names = ev.field(result, "authors", "author")
        out["author"] = float(ev.author_ok(names, expected["author"]))
        joined = " ".join(names) if isinstance(names, list | tuple) else names
        out["author_f1"] = ev.word_f1(joined or None, expected["author"])
    if expected["date"]:
        out["date"] = float(ev.date_ok(ev.field(result, "published_at", "date"),
                                       expected["date"][:10]))
    return out


def run(ev: ModuleType, fn: Callable[[str, str], Any], cases: Iterable[Case],
        config: Config = ()) -> dict[str, Scores]:
    """Page id -> scores, with the rules of ``config`` in force."""
    out: dict[str, Scores] = {}
    with rules.using(**dict(config)):
        for case in cases:
            _, _, html, url, expected = case
            try:
                result = fn(html, url) or {}
            except Exception:  # evaluate.py scores a raising page as empty
                result = {}
            out[key(case)] = page_scores(ev, result, expected)
    return out


def ours(html: str, url: str) -> Any:
    """The extractor as the dev set's evaluator calls it, ``fn(html, url)``, with the registry
    this script (an entry point) loads."""
    return extract_article(html, url, registry=load_registry())


_STATE: dict[str, Any] = {}
"""The evaluator and the cases, inherited by the forked workers (loaded once)."""


def _run_chunk(task: tuple[Config | str, int, int]) -> dict[str, Scores]:
    config, start, step = task
    cases = _STATE["cases"][start::step]
    if config == "trafilatura":
        return run(_STATE["ev"], _STATE["ev"].trafilatura_baseline, cases)
    assert not isinstance(config, str)
    return run(_STATE["ev"], ours, cases, config)


def _cached(config: Config | str, cases: list[Case], args: argparse.Namespace
            ) -> dict[str, Scores]:
    """One run's page scores: from ``--cache`` when a run of the same code stored them (the
    cache is keyed by the run only: clear it after changing the extractor), else computed in
    ``--jobs`` processes over interleaved slices of the pages."""
    name = config if isinstance(config, str) else (
        "-".join(f"{k}={v}" for k, v in config) or "production")
    path = Path(args.cache) / f"{name}-{len(cases)}.json" if args.cache else None
    if path is not None and path.exists():
        scores: dict[str, Scores] = json.loads(path.read_text())
        return scores
    print(f"run {name}", file=sys.stderr, flush=True)
    _STATE.update(ev=_STATE.get("ev") or load_evaluate(get_settings().shared_dir), cases=cases)
    scores = {}
    with ProcessPoolExecutor(args.jobs, mp_context=get_context("fork")) as pool:
        for part in pool.map(_run_chunk, [(config, i, args.jobs) for i in range(args.jobs)]):
            scores.update(part)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(scores))
    return scores


def key(case: Case) -> str:
    return f"{case[0]}:{case[1]}"


def utility(scores: Scores) -> float:
    return sum(scores.values())


def choose(runs: dict[Config, dict[str, Scores]], training: list[str]) -> Config:
    """Per rule, the value scoring best on the training pages (the default on ties)."""
    chosen: list[tuple[str, object]] = []
    base = runs[()]
    base_total = sum(utility(base[k]) for k in training)
    for config, scores in runs.items():
        if not config:
            continue
        (name, value), = config
        total = sum(utility(scores[k]) for k in training)
        current = next((c for c in chosen if c[0] == name), None)
        best = base_total if current is None else sum(
            utility(runs[(current,)][k]) for k in training)
        if total > best:
            chosen = [c for c in chosen if c[0] != name] + [(name, value)]
    return tuple(sorted(chosen, key=lambda c: c[0]))


def means(scores: Iterable[Scores]) -> dict[str, float | None]:
    columns: dict[str, list[float]] = defaultdict(list)
    for page in scores:
        for name, value in page.items():
            columns[name].append(value)
    return {name: round(statistics.mean(columns[name]), 3) if columns[name] else None
            for name in FIELDS}


def rule_counts(cases: list[Case], runs: dict[Config, dict[str, Scores]]) -> list[dict[str, Any]]:
    """Per rule and alternative: publishers the default value helps and hurts."""
    rows = []
    base = runs[()]
    for config, scores in runs.items():
        if not config:
            continue
        delta: dict[str, float] = defaultdict(float)
        for case in cases:
            delta[publisher(case)] += utility(base[key(case)]) - utility(scores[key(case)])
        (name, value), = config
        default = getattr(rules.Rules(), name)
        rows.append({"rule": name, "default": default, "against": value,
                     "helps": sum(d > 1e-9 for d in delta.values()),
                     "hurts": sum(d < -1e-9 for d in delta.values())})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--baseline", action="store_true", help="also score trafilatura")
    parser.add_argument("--rules", default=",".join(rules.ALTERNATIVES),
                        help="rules to vary (comma-separated; empty: production rules only)")
    parser.add_argument("--jobs", type=int, default=1, help="extractor runs in parallel")
    parser.add_argument("--cache", default="", help="directory keeping each run's page scores")
    parser.add_argument("--limit", type=int, default=0, help="first N pages of each set (smoke)")
    parser.add_argument("--misses", default="", help="print the page ids that miss this field")
    args = parser.parse_args()
    ev = load_evaluate(get_settings().shared_dir)
    limit = args.limit or None
    cases: list[Case] = [*islice(ev.wcxb_cases(), limit), *islice(ev.fundus_cases(), limit)]
    folds = assign_folds(cases, args.folds)
    names = [n for n in args.rules.split(",") if n]
    unknown = set(names) - {f.name for f in dataclasses.fields(rules.Rules)}
    if unknown:
        raise SystemExit(f"unknown rules: {sorted(unknown)}")

    configs: list[Config] = [(), *(((n, v),) for n in names for v in rules.ALTERNATIVES[n])]
    runs = {config: _cached(config, cases, args) for config in configs}
    baseline = _cached("trafilatura", cases, args) if args.baseline else {}
    held_out: dict[str, Scores] = {}
    choices: list[Config] = []
    for fold in range(args.folds):
        inside = [c for c in cases if folds[publisher(c)] == fold]
        config = choose(runs, [key(c) for c in cases if folds[publisher(c)] != fold])
        choices.append(config)
        known = runs.get(config) if len(config) <= 1 else None
        held_out.update({key(c): known[key(c)] for c in inside} if known is not None
                        else run(ev, ours, inside, config))
    report: dict[str, Any] = {"folds": args.folds, "choices": [dict(c) for c in choices]}
    for set_name in ("wcxb", "fundus"):
        keys = [key(c) for c in cases if c[0] == set_name]
        report[set_name] = {
            "pages": len(keys),
            "publishers": len({publisher(c) for c in cases if c[0] == set_name}),
            "ours_full": means(runs[()][k] for k in keys),
            "ours_cv": means(held_out[k] for k in keys),
        }
        if baseline:
            figures = means(baseline[k] for k in keys)
            report[set_name]["trafilatura_full"] = report[set_name]["trafilatura_cv"] = figures
    report["rules"] = rule_counts(cases, runs)
    print_table(report, bool(baseline))
    if args.misses:
        print(" ".join(k for k, s in runs[()].items() if s.get(args.misses) == 0.0))
    print(json.dumps(report))


def print_table(report: dict[str, Any], baseline: bool) -> None:
    columns = ["ours full", "ours cv"] + (["trafilatura full", "trafilatura cv"] if baseline
                                          else [])
    print("| set | metric | " + " | ".join(columns) + " |")
    print("|---|---|" + "---|" * len(columns))
    for set_name in ("wcxb", "fundus"):
        figures = report[set_name]
        label = f"{set_name} ({figures['pages']} pages, {figures['publishers']} publishers)"
        for metric in FIELDS:
            cells = [figures["ours_full"][metric], figures["ours_cv"][metric]]
            if baseline:
                cells += [figures["trafilatura_full"][metric], figures["trafilatura_cv"][metric]]
            print(f"| {label} | {metric} | " + " | ".join(str(c) for c in cells) + " |")
            label = ""
    for row in report["rules"]:
        flag = "" if row["helps"] >= 3 else "  <- helps fewer than three publishers"
        print(f"rule {row['rule']}={row['default']} against {row['against']}: helps "
              f"{row['helps']} publishers, hurts {row['hurts']}{flag}")
    print("held-out choices per fold:", report["choices"])


if __name__ == "__main__":
    main()
