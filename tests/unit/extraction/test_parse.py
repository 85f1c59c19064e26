"""The one parse: every node of the shared tree is an lxml.html element, classes chosen in C;
the attribute-bomb scan finds the same tags as a scan of every tag."""

from __future__ import annotations

import copy

import lxml.etree
import lxml.html
import pytest

from indexer.extraction import decode as decode_module
from indexer.extraction.decode import parse

PAGE = ("<html><head><title>Form page</title></head><body><form action='/s'>"
        "<label for='q'>Search</label><input id='q' name='q'><select name='s'>"
        "<option>a</option></select><textarea>t</textarea></form>"
        "<p>Some <b>bold</b> text &amp; more.</p></body></html>")


def test_every_node_is_an_html_element_and_copies_keep_the_class() -> None:
    tree = parse(PAGE)
    assert isinstance(tree, lxml.html.HtmlElement)
    elements = list(tree.iter())
    assert {e.tag for e in elements} >= {"form", "label", "input", "select", "textarea", "p"}
    # form controls are plain HtmlElement (lxml.html's Python lookup gave them classes of
    # their own, which no extraction step uses)
    assert all(type(e) is lxml.html.HtmlElement for e in elements)
    paragraph = tree.find(".//p")
    assert paragraph is not None and paragraph.text_content() == "Some bold text & more."
    copied = copy.deepcopy(paragraph)  # trafilatura and the scorer work on copies
    assert type(copied) is lxml.html.HtmlElement and copied.text_content() == \
        paragraph.text_content()
    assert lxml.html.tostring(copied, encoding="unicode").startswith("<p>Some <b>bold</b>")


def test_a_comment_element_made_later_is_still_an_html_comment() -> None:
    tree = parse(PAGE)
    body = tree.find("body")
    assert body is not None
    body.append(lxml.etree.Comment("later"))
    assert isinstance(body[-1], lxml.html.HtmlComment)


def _defused_by_scanning_every_tag(text: str) -> str:
    """The attribute-bomb scan as it was: every tag start matched to the next ``>``."""
    out: list[str] = []
    done = position = 0
    while (start := decode_module._TAG_START.search(text, position)) is not None:
        end = text.find(">", start.end())
        if end < 0:
            break
        if end - start.start() > 20_000 and text.count("=", start.start(), end) >= 1000:
            out.append(text[done:start.start()])
            out.append(f"<{start.group(1)}>")
            done = end + 1
        position = end + 1
    out.append(text[done:])
    return "".join(out)


_BOMB = "<div " + " ".join(f'a{i}="x"' for i in range(3000)) + ">"
_PROPS = "<script data-props='" + "x" * 30_000 + "'>"
_UNCLOSED = "<p class=x " * 3000


@pytest.mark.parametrize("stretch", [
    "", "a" * 9_999, "a" * 19_999, "a" * 20_001, "b" * 29_999, _BOMB, _PROPS, _BOMB + _BOMB,
    _UNCLOSED, _PROPS + _BOMB, "text " + _BOMB[:-1] + " <b " + "c=d " * 2000 + ">",
])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_the_bomb_scan_reads_only_long_stretches_and_finds_the_same_tags(
    stretch: str, where: str
) -> None:
    tags = "<p>x</p>" * 3000
    text = {"start": stretch + tags, "middle": tags + stretch + tags, "end": tags + stretch}[where]
    assert decode_module._defuse(text) == _defused_by_scanning_every_tag(text)


def test_text_of_is_text_content() -> None:
    tree = parse("<html><head><title>T</title><script>var a = '<p>x</p>';</script></head><body>"
                 "<p>Caf&eacute; &amp; <b>bold</b> tail<br>next&nbsp;line <!-- gone --> "
                 "<span>東京 <i>和文</i></span> end</p><style>p{}</style><div>a<p>b</p>c</div>"
                 "</body></html>")
    for element in tree.iter():
        assert decode_module.text_of(element) == element.text_content()
