"""Word counts that mean the same thing in English and in Chinese or Japanese.

Scripts written without spaces count each ideograph or kana as a word (the usual
convention of CJK word counters); everything else counts whitespace-separated tokens.
"""

from __future__ import annotations

import re

_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def word_count(text: str) -> int:
    spaced, unspaced = _UNSPACED.subn(" ", text)  # one pass: the count and the rest
    return unspaced + len(_WORD.findall(spaced))
