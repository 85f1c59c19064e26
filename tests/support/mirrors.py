"""The mirror as the tests generate it: ``generate(out_dir, per_site=...)`` with the sources'
registry, which a test (an entry point of its own) loads; the mirror's command line does the
same. (Not ``mirror.py``: ``wild.py`` runs as a script from this directory and
imports the ``mirror`` package.)"""

from __future__ import annotations

from pathlib import Path

from ann.sources import load_registry
from mirror.generate import generate as generate_mirror
from mirror.manifest import Manifest


def generate(out_dir: Path, *, per_site: int = 50, seed: int = 0, extra: int = 0,
             prose_dir: Path | None = None, copies: int = 0) -> Manifest:
    return generate_mirror(out_dir, load_registry(), per_site=per_site, seed=seed,
                           extra=extra, prose_dir=prose_dir, copies=copies)
