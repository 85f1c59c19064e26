"""Date strings to UTC instants, in the source's timezone when the page gives none.

Accepted: ISO 8601 and its common deformations (``2024-10-13 17:41``, ``20241013``), RFC 2822,
and written dates ("July 31, 2019", "31 Jul 2019 10:05 pm", "2019年7月31日"). A date more than a
day in the future or before 1990 is rejected: such values are template defaults or parse errors,
and a wrong date is worse than none.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from dateutil import parser as dateutil_parser

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_CJK_DATE = re.compile(
    r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*[日号]?"
    r"(?:\D{0,6}?(\d{1,2})\s*[:時时]\s*(\d{1,2}))?"
)
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?$")
_NOISE = re.compile(
    r"^(?:published|updated|posted|last updated|modified|date|on)\s*[:：]?\s*", re.IGNORECASE)
_ZONE_ABBREVIATIONS = {"IST": 5.5, "WIB": 7, "KST": 9, "JST": 9, "SGT": 8, "MYT": 8, "PHT": 8,
                       "ICT": 7, "PKT": 5, "NPT": 5.75, "BST": 6, "HKT": 8, "CST": 8}
_BRACKETS = re.compile(r"[()\[\]{}|•●·]")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_TZ_ABBR = re.compile(r"\b(" + "|".join(_ZONE_ABBREVIATIONS) + r")\b")


_DEFAULT = datetime(2000, 1, 1)  # dateutil fills fields the text lacks from this


def _aware(moment: datetime, zone: tzinfo | None) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone or UTC)
    return moment.astimezone(UTC)


def _parse_naive_or_aware(text: str) -> datetime | None:
    text = text.strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        pass
    compact = _COMPACT.match(text)
    if compact:
        y, m, d, hh, mm, ss = compact.groups()
        try:
            return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            return None
    cjk = _CJK_DATE.search(text)
    if cjk:
        y, m, d, hh, mm = cjk.groups()
        try:
            return datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0))
        except ValueError:
            return None
    if re.search(r"[+-]\d{4}$|GMT$|UT$", text) and re.match(r"^[A-Za-z]{3},", text):
        try:
            return parsedate_to_datetime(text)
        except (TypeError, ValueError):
            pass
    return _dateutil(text)


def _dateutil(text: str) -> datetime | None:
    offset: float | None = None
    abbreviation = _TZ_ABBR.search(text)
    if abbreviation:
        offset = _ZONE_ABBREVIATIONS[abbreviation.group(1)]
        text = _TZ_ABBR.sub("", text)
    text = _NOISE.sub("", _BRACKETS.sub(" ", text).strip())
    years = {int(y) for y in _YEAR.findall(text)}
    if not years or len(text) > 80:
        return None
    try:
        moment: datetime = dateutil_parser.parse(text, default=_DEFAULT, fuzzy=True)
    except (ValueError, OverflowError, TypeError):
        return None
    if moment.year not in years:  # fuzzy parsing filled the year in: not this text's date
        return None
    if offset is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone(timedelta(hours=offset)))
    return moment


def plausible(moment: datetime, now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    return EARLIEST <= moment <= now + timedelta(days=1)


def parse_date(
    value: str | None, zone: tzinfo | None = None, now: datetime | None = None
) -> datetime | None:
    """A plausible UTC instant for ``value``, naive values read in ``zone``; else None."""
    if not value:
        return None
    moment = _parse_naive_or_aware(value[:120])
    if moment is None:
        return None
    try:
        moment = _aware(moment, zone)
    except (OverflowError, ValueError):
        return None
    return moment if plausible(moment, now) else None


def from_day(day: date, zone: tzinfo | None) -> datetime:
    """Midnight of ``day`` in ``zone``, as UTC (a date without a time of day)."""
    return _aware(datetime.combine(day, time()), zone)


_TIME_OF_DAY = re.compile(r"\d{1,2}\s*[:時时]\s*\d{2}|\d{1,2}\s*(?:am|pm)\b", re.IGNORECASE)


def has_time(value: str) -> bool:
    """Whether ``value`` states a time of day (a bare date is less precise than one that does)."""
    return bool(_TIME_OF_DAY.search(value))


def same_day(a: datetime, b: datetime, zone: tzinfo | None) -> bool:
    zone = zone or UTC
    return a.astimezone(zone).date() == b.astimezone(zone).date()
