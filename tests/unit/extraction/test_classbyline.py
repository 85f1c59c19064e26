"""``class_byline`` answers what ``trafilatura.metadata.extract_author`` answers, from one walk
of the shared tree instead of a pruned copy and four regular-expression XPaths."""

from __future__ import annotations

import gzip
from pathlib import Path

import lxml.html
import pytest
from trafilatura.metadata import extract_author

from indexer.extraction.classbyline import class_byline
from indexer.extraction.decode import decode, parse


@pytest.mark.parametrize("html", [
    # the first expression (author-name classes) before the generic "author" class
    "<div class='author-box'>Jane Roe, Staff</div><span class='authorName'>John Doe</span>",
    # a <time> inside the byline is deleted from trafilatura's copy, its tail kept and joined
    "<p class='byline'>By<time>May 2</time>Ann Lee and <b>Kim Park</b></p>",
    # a byline inside a comment section or a sidebar is not the story's
    "<section class='comments'><span class='author'>Troll</span></section>"
    "<div class='post-author'>Maria Santos</div>",
    "<aside><div class='sidebar'><a rel='author'>Other Writer</a></div></aside>"
    "<span itemprop='author'>Budi Santoso</span>",
    # too short, then too long: the next candidate
    "<span class='writer'>AB</span><div id='author-note'>Lena Ortiz</div>",
    "<author>Li Wei</author>",
    "<p>No byline here at all.</p>",
])
def test_the_same_byline_as_trafilatura(html: str) -> None:
    tree = lxml.html.fromstring(f"<html><body><article>{html}<p>Text.</p></article></body></html>")
    assert class_byline(tree) == extract_author(tree)


@pytest.mark.needs_shared
def test_the_same_byline_as_trafilatura_on_real_pages(shared_dir: Path) -> None:
    """Every 16th WCXB dev page and every Fundus page (all 866 dev pages agreed when the walk
    was written)."""
    wcxb = sorted((shared_dir / "devset" / "wcxb-dev-articles" / "html").glob("*.html.gz"))
    fundus = sorted((shared_dir / "fixtures" / "fundus").glob("*/*.html.gz"))
    differ = []
    for path in [*wcxb[::16], *fundus]:
        tree = parse(decode(gzip.decompress(path.read_bytes()), None))
        if class_byline(tree) != extract_author(tree):
            differ.append(path.name)
    assert differ == []
