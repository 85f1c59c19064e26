"""The one parse: every node of the shared tree is an lxml.html element, classes chosen in C;
the attribute-bomb check finds every stretch long enough to hold one."""

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


@pytest.mark.parametrize("length", [0, 9_999, 10_000, 19_999, 20_000, 20_001, 29_999, 30_001])
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_long_stretch_without_a_tag_end_is_found_wherever_it_is(length: int, where: str) -> None:
    tags = "<p>x</p>" * 3000
    stretch = "a" * length
    text = {"start": stretch + tags, "middle": tags + stretch + tags, "end": tags + stretch}[where]
    exact = max(map(len, text.split(">"))) > decode_module._HUGE_TAG_CHARS
    assert decode_module._long_stretch(text) is exact


def test_text_of_is_text_content() -> None:
    tree = parse("<html><head><title>T</title><script>var a = '<p>x</p>';</script></head><body>"
                 "<p>Caf&eacute; &amp; <b>bold</b> tail<br>next&nbsp;line <!-- gone --> "
                 "<span>東京 <i>和文</i></span> end</p><style>p{}</style><div>a<p>b</p>c</div>"
                 "</body></html>")
    for element in tree.iter():
        assert decode_module.text_of(element) == element.text_content()
