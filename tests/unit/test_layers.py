"""The kernel contract of ``lint-imports`` covers every kernel module (``pyproject.toml``).

import-linter cannot say "all of ``ann`` but ``ann.ops``", so the forbidden contract lists the
kernel's modules; a new module of ``ann`` left off that list would go unchecked.
"""

from __future__ import annotations

import pkgutil
import tomllib
from pathlib import Path

import ann

ROOT = Path(__file__).resolve().parents[2]


def test_the_kernel_contract_lists_every_module_of_ann_but_the_operations() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    [kernel] = [c for c in config["tool"]["importlinter"]["contracts"]
                if c["type"] == "forbidden" and "crawler" in c["forbidden_modules"]]
    listed = set(kernel["source_modules"])
    modules = {name for _, name, _ in pkgutil.walk_packages(ann.__path__, "ann.")}
    kernel_modules = {m for m in modules if not m.startswith(("ann.ops", "ann.__main__"))}
    uncovered = {m for m in kernel_modules
                 if not any(m == s or m.startswith(f"{s}.") for s in listed)}
    assert uncovered == set()
    assert {"ann.ops", "crawler", "indexer", "search_api"} <= set(kernel["forbidden_modules"])
