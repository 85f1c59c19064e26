"""Text repair shared by the extractor and the offline mirror's generator."""

from __future__ import annotations

import ftfy
import ftfy.badness


def repair_mojibake(text: str) -> str:
    """The text with mojibake undone ("JOHNSONâ\x80\x99S" back to "JOHNSON’S"): templates that
    decode UTF-8 as Latin-1 before writing it are common; ftfy knows the patterns. Clean text
    (ASCII, or nothing ftfy finds suspicious) is returned as it is, without ftfy's full pass."""
    if text.isascii() or not ftfy.badness.is_bad(text):
        return text
    return ftfy.fix_encoding(text)
