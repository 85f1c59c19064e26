"""A member lives in its source file and its mirror module; every other place that names the
members is derived from those two or checked here against them."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from ann.settings import REPO_ROOT
from ann.sources import load_registry
from mirror.sites import SITES, Site

SITES_DIR = REPO_ROOT / "mirror" / "sites"
SHARED_MODULES = {"__init__", "base", "wordpress"}
"""Modules that serve several sites and are no member's."""
MIRROR_DOC = REPO_ROOT / "docs" / "mirror.md"
TABLE_HEADER = "| Site | URL shape |"


def test_every_source_has_its_mirror_site_and_no_site_is_left_over() -> None:
    assert set(SITES) == {source.id for source in load_registry()}
    for source_id, site in SITES.items():
        assert site.source_id == source_id


def test_every_module_in_mirror_sites_is_a_members_or_shared() -> None:
    modules = {path.stem for path in SITES_DIR.glob("*.py")}
    assert modules - SHARED_MODULES == set(SITES)
    for name in SHARED_MODULES - {"__init__"}:
        module = importlib.import_module(f"mirror.sites.{name}")
        assert not isinstance(getattr(module, "SITE", None), Site), name


def test_every_site_has_staff_to_sign_two_author_stories() -> None:
    thin = {s.source_id: len(s.staff) for s in SITES.values() if len(set(s.staff)) < 2}
    assert not thin, f"sites with fewer than two staff names: {thin}"


def _documented_sites(doc: Path) -> list[str]:
    """The first cell of every row of the per-site table, without a trailing ``(note)``."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(TABLE_HEADER)) + 2
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append(re.sub(r"\s*\(.*\)$", "", line.split("|")[1].strip()))
    return rows


def test_docs_mirror_has_one_row_per_site() -> None:
    rows = _documented_sites(MIRROR_DOC)
    names = {site.name for site in SITES.values()}
    assert len(rows) == len(set(rows)), f"a site with two rows: {sorted(rows)}"
    assert set(rows) == names, (f"no row for {sorted(names - set(rows))}, "
                                f"rows of no site {sorted(set(rows) - names)}")
