"""The article's language, detected from its text; the page's declared language is only a hint.

Declared languages are often the CMS default ("en" on a Thai page). py3langid decides; the
declared value wins only when the detector has too little text to be trusted, and CJK scripts
are recognised by their characters before the statistical model runs.
"""

from __future__ import annotations

import re

import py3langid

_HIRAGANA_KATAKANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_MIN_TEXT = 40
_SAMPLE = 400


def _declared(lang: str | None) -> str | None:
    if not lang:
        return None
    code = lang.strip().lower().replace("_", "-").split("-")[0]
    return code if 2 <= len(code) <= 3 and code.isalpha() else None


def detect_language(text: str, declared: str | None = None) -> tuple[str | None, str]:
    """ISO 639-1 code of ``text`` and how it was decided (``py3langid``, ``script``,
    ``declared``)."""
    sample = text[:_SAMPLE]
    if len(sample.strip()) < _MIN_TEXT:
        return _declared(declared), "declared"
    if _HANGUL.search(sample) and len(_HANGUL.findall(sample)) > len(sample) * 0.1:
        return "ko", "script"
    if _HIRAGANA_KATAKANA.search(sample) and len(_HIRAGANA_KATAKANA.findall(sample)) > 10:
        return "ja", "script"
    if len(_HAN.findall(sample)) > len(sample) * 0.2:
        return "zh", "script"
    code, _score = py3langid.classify(sample)
    return str(code), "py3langid"
