"""Dates in article text, as precisely as the text gives them: xsd:date, xsd:gYearMonth or xsd:gYear.

Relative expressions ("on Friday", "yesterday", "last year") are resolved against the article's
publication date when it is known, and dropped when it is not.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH = r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|" \
         r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?"
_QUAL = r"(?:(?P<qual>since|in|on|by|from|during|until|before|after|as of|early|late|mid-?)\s+(?:the\s+)?)"
_YEAR = r"(?P<year>(?:19|20)\d{2})(?![\d\-])"

_NEEDS_YEAR = re.compile(r"(?:19|20)\d{2}")
_NEEDS_MONTH = re.compile(_MONTH, re.I)
_NEEDS_WORD = re.compile(r"day\b|yesterday|week|month|year", re.I)
# A qualifier right before a date ("since September 2014", "in the 2013"); looked for behind each match,
# since an optional group at the start of a pattern makes the regular expression engine try it everywhere.
_QUALIFIER = re.compile(r"\b(?P<qual>since|in|on|by|from|during|until|before|after|as of|early|late|mid-?)\s+"
                        r"(?:the\s+)?$", re.I)
_QUALIFIER_REACH = 20
OPTIONAL, REQUIRED, OWN = "optional", "required", "own"

# (a cheap search that must succeed for the pattern to match anything, the pattern, its qualifier)
PATTERNS = [
    # 10 September 2015 / September 10, 2015 / September 2015
    (_NEEDS_YEAR, re.compile(r"\b(?:(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+)?" + _MONTH
                             + r"\s+(?:(?P<day2>\d{1,2})(?:st|nd|rd|th)?,?\s+)?" + _YEAR, re.I), OPTIONAL),
    # 2015-09-10
    (_NEEDS_YEAR, re.compile(r"\b(?P<iso>(?:19|20)\d{2}-\d{2}-\d{2})\b"), OPTIONAL),
    # on December 30 / on 30 December (the year is the article's, or the one before if that is later)
    (_NEEDS_MONTH, re.compile(r"\b" + _MONTH + r"\s+(?P<day2>\d{1,2})(?:st|nd|rd|th)?\b(?!,?\s*\d)", re.I), OPTIONAL),
    (_NEEDS_MONTH, re.compile(r"\b(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+" + _MONTH + r"(?!,?\s*\d)", re.I), OPTIONAL),
    # in August (the article's year, or the one before if that is later)
    (_NEEDS_MONTH, re.compile(r"\b(?P<qual>in|since|by|until|during|from|last)\s+" + _MONTH + r"(?![\w,]|\s+\d)",
                              re.I), OWN),
    # in 2013, since 2011 (a bare year needs a preposition before it)
    (_NEEDS_YEAR, re.compile(r"\b" + _YEAR), REQUIRED),
    # on Friday, last year, yesterday
    (_NEEDS_WORD, re.compile(r"\b(?:(?P<qual>on|since|by|last|this|earlier this|late|early)\s+)?"
                             r"(?P<rel>monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|today|"
                             r"week|month|year)\b", re.I), OWN),
]


@dataclass(frozen=True)
class When:
    value: str  # lexical form: 2015-09-11, 2014-09 or 2013
    datatype: str  # 'date', 'gYearMonth' or 'gYear'
    qualifier: str | None
    start: int
    end: int


# Every date expression contains a digit, a month name or one of these words; most sentences have none.
HINT = re.compile(r"\d|day\b|yesterday|week|month|year|\b(?:" + "|".join(MONTHS) + r")\b", re.I)


def find_dates(text: str, start: int, end: int, published: dt.date | None) -> list[When]:
    """Date expressions in text[start:end], left to right, without overlaps."""
    found: list[When] = []
    if not HINT.search(text, start, end):
        return found
    for guard, pattern, qualified in PATTERNS:
        if not guard.search(text, start, end):
            continue
        for m in pattern.finditer(text, start, end):
            begin, groups = m.start(), m.groupdict()
            if qualified != OWN:
                q = _QUALIFIER.search(text, max(start, begin - _QUALIFIER_REACH), begin)
                if q is None and qualified == REQUIRED:
                    continue
                if q is not None:
                    begin, groups["qual"] = q.start(), q.group("qual")
            if any(w.start < m.end() and begin < w.end for w in found):
                continue
            when = _interpret(groups, begin, m.end(), published)
            if when is not None:
                found.append(when)
    return sorted(found, key=lambda w: w.start)


def _interpret(groups: dict[str, str | None], start: int, end: int, published: dt.date | None) -> When | None:
    qual = (groups.get("qual") or "").lower() or None
    if qual in ("in", "on", "during", "as of", "last"):
        qual = None
    if groups.get("iso"):
        try:
            value = dt.date.fromisoformat(groups["iso"]).isoformat()
        except ValueError:
            return None
        return When(value, "date", qual, start, end)
    if groups.get("rel"):
        return _relative(groups["rel"].lower(), (groups.get("qual") or "").lower(), start, end, published)
    month_name = groups.get("month")
    if groups.get("year") is None:
        return _without_year(MONTHS[month_name.lower().rstrip(".")], groups.get("day") or groups.get("day2"),
                             qual, start, end, published)
    year = int(groups["year"])
    if not month_name:
        return When(f"{year:04d}", "gYear", qual if qual in ("since", "by", "until", "before", "after") else None,
                    start, end)
    month = MONTHS[month_name.lower().rstrip(".")]
    day = groups.get("day") or groups.get("day2")
    if day:
        try:
            return When(dt.date(year, month, int(day)).isoformat(), "date", qual, start, end)
        except ValueError:
            return None
    return When(f"{year:04d}-{month:02d}", "gYearMonth", qual, start, end)


def _without_year(month: int, day: str | None, qual: str | None, start: int, end: int,
                  published: dt.date | None) -> When | None:
    if published is None:
        return None
    if day is None:
        year = published.year if month <= published.month else published.year - 1
        return When(f"{year:04d}-{month:02d}", "gYearMonth", qual, start, end)
    try:
        when = dt.date(published.year, month, int(day))
        if when > published:
            when = dt.date(published.year - 1, month, int(day))
    except ValueError:
        return None
    return When(when.isoformat(), "date", qual, start, end)


def _relative(rel: str, qual: str, start: int, end: int, published: dt.date | None) -> When | None:
    if published is None:
        return None
    if rel in WEEKDAYS:
        back = (published.weekday() - WEEKDAYS.index(rel)) % 7
        return When((published - dt.timedelta(days=back)).isoformat(), "date", None, start, end)
    if rel == "yesterday":
        return When((published - dt.timedelta(days=1)).isoformat(), "date", None, start, end)
    if rel == "today":
        return When(published.isoformat(), "date", None, start, end)
    if rel == "year" and qual in ("last", "this", "earlier this"):
        year = published.year - (qual == "last")
        return When(f"{year:04d}", "gYear", None, start, end)
    if rel == "month" and qual in ("last", "this", "earlier this"):
        first = published.replace(day=1)
        if qual == "last":
            first = (first - dt.timedelta(days=1)).replace(day=1)
        return When(f"{first.year:04d}-{first.month:02d}", "gYearMonth", None, start, end)
    return None
