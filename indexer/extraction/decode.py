"""Bytes to one parsed lxml tree: the only place that decodes and parses a page.

The charset is taken, in order, from a byte-order mark, the HTTP ``Content-Type`` header, a
``<meta charset>`` / ``http-equiv`` declaration in the first bytes, strict UTF-8, and finally a
statistical guess. Legacy labels are widened to the supersets browsers actually use (EUC-KR →
CP949, GB2312 → GB18030, Shift_JIS → CP932, TIS-620 → CP874), because pages labelled with the
narrow charset routinely contain characters only the superset has.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

import lxml.etree
import lxml.html
from charset_normalizer import from_bytes

from indexer.extraction.errors import NotAnArticle

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SUPERSETS = {
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "big5": "big5hkscs",
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
}
_PARSER = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
# lxml.html picks each element's class in Python (``HtmlElementClassLookup.lookup``, run every
# time a step touches an element: a million calls on 289 dev pages, 6 % of extraction CPU) only
# to give form controls their own classes, which no step uses; the same classes chosen in C.
_PARSER.set_element_class_lookup(lxml.etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
_MAX_BAD_SHARE = 0.2
_TAG_START = re.compile(r"<([a-zA-Z][\w-]{0,20})\b")
_HUGE_TAG_CHARS = 20000
_MAX_ATTRIBUTES = 1000


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    try:
        name = codecs.lookup(_SUPERSETS.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def _declared(data: bytes, headers: Mapping[str, str] | None) -> str | None:
    """The charset the page or server declares; a ``<meta>`` label loses to valid UTF-8.

    Re-saved pages keep their original ``<meta charset=gb2312>`` while the bytes became UTF-8;
    multi-byte legacy text almost never forms valid UTF-8, so valid UTF-8 is taken as such.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    for key, value in (headers or {}).items():
        if key.lower() == "content-type":
            header = _HEADER_CHARSET.search(value)
            if header and (codec := _codec(header.group(1))):
                return codec
    meta = _META_CHARSET.search(data[:4096])
    if meta:
        codec = _codec(meta.group(1).decode("ascii", "replace"))
        if codec and codec != "utf-8" and not data.isascii() and _is_utf8(data):
            return "utf-8"
        return codec
    return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(data: str | bytes, headers: Mapping[str, str] | None = None) -> str:
    """The page's text; raises ``NotAnArticle("undecodable")`` for binary garbage."""
    if isinstance(data, str):
        text = data
    else:
        codec = _declared(data, headers)
        if codec in ("utf-16-le", "utf-16-be"):
            text = data.decode(codec, "replace")
        else:
            try:
                text = data.decode(codec or "utf-8")
            except (UnicodeDecodeError, LookupError):
                text = _guess(data, codec)
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise NotAnArticle("empty")
    bad = text.count("\ufffd") + text.count("\x00")
    if bad > _MAX_BAD_SHARE * len(text):
        raise NotAnArticle("undecodable")
    return text


def _guess(data: bytes, declared: str | None) -> str:
    if declared is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            best = from_bytes(data[:65536]).best()
            if best is not None and (codec := _codec(best.encoding)):
                return data.decode(codec, "replace")
    return data.decode(declared or "utf-8", "replace")


def _window_without_tag_end(text: str) -> bool:
    """Whether ``text`` may hold a stretch without a ``>`` longer than ``_HUGE_TAG_CHARS``.

    Such a stretch holds a whole window of half that length aligned on a multiple of it: when
    every such window has a ``>`` (``str.find`` over a few windows), none can."""
    window = _HUGE_TAG_CHARS // 2
    return not all(text.find(">", start, start + window) >= 0
                   for start in range(0, len(text) - window + 1, window))


def _defuse(text: str) -> str:
    """A tag with thousands of attributes makes libxml2 (and every re-parse) quadratic: keep the
    tag, drop its attributes. A single long attribute (inline JSON props) is left alone.

    One left-to-right pass over the stretches between two ``>``: a tag starting in a stretch
    ends at the ``>`` that closes it, so only the first tag start of a stretch longer than
    ``_HUGE_TAG_CHARS`` can open a huge tag (a later start in it ends at the same ``>``). A
    regex ``<tag[^>]{20000,}>`` would rescan to the end of the page from every unclosed
    ``<letter`` — quadratic on a truncated or crafted page.
    """
    if not _window_without_tag_end(text):
        return text  # no stretch is long enough to hold a huge tag (most pages)
    out: list[str] = []
    done = offset = 0
    for stretch in text.split(">")[:-1]:  # the last one is closed by no ">": no tag ends there
        end = offset + len(stretch)  # the ">" closing this stretch
        if len(stretch) > _HUGE_TAG_CHARS:
            start = _TAG_START.search(text, offset, end)
            if start is not None and end - start.start() > _HUGE_TAG_CHARS and \
                    text.count("=", start.start(), end) >= _MAX_ATTRIBUTES:
                out.append(text[done:start.start()])
                out.append(f"<{start.group(1)}>")
                done = end + 1
        offset = end + 1
    out.append(text[done:])
    return "".join(out)


def parse(text: str) -> lxml.html.HtmlElement:
    """Parse once; the tree is shared by every later step (they must not mutate it)."""
    text = _XML_DECLARATION.sub("", text, count=1).replace("\x00", "")
    text = _defuse(text)
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8", "replace"), parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as error:
        raise NotAnArticle("unparsable") from error
    if tree is None or not isinstance(tree, lxml.html.HtmlElement):
        raise NotAnArticle("unparsable")
    return tree


def text_of(element: lxml.etree._Element) -> str:
    """``element.text_content()``: the same string, serialised by libxml2 in one C call, in
    half the time of the XPath ``string()`` behind ``text_content`` (the scorer and the byline
    evidence read it for most paragraphs and links of a page)."""
    text: str = lxml.etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return text
