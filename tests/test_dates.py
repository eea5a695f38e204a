from __future__ import annotations

import datetime as dt

import pytest

from kg.dates import find_dates


def dates(text: str, published: dt.date | None = None) -> list[tuple[str, str, str | None]]:
    return [(w.value, w.datatype, w.qualifier) for w in find_dates(text, 0, len(text), published)]


@pytest.mark.parametrize(("text", "expected"), [
    ("It was sent to Syria in 2013.", [("2013", "gYear", None)]),
    ("The campaign has run since September 2014.", [("2014-09", "gYearMonth", "since")]),
    ("It began on 12 January 2024.", [("2024-01-12", "date", None)]),
    ("It began on January 12, 2024.", [("2024-01-12", "date", None)]),
    ("Deliveries started 2019-07-12.", [("2019-07-12", "date", None)]),
    ("More than 30,000 people in a 22-million population.", []),
    ("He said 2013 people died.", []),
])
def test_absolute_dates(text: str, expected: list) -> None:
    assert dates(text) == expected


def test_relative_dates_need_the_article_date() -> None:
    thursday = dt.date(2024, 1, 4)
    assert dates("Obama said on Friday.") == []
    assert dates("Kirby said on Thursday.", thursday) == [("2024-01-04", "date", None)]
    assert dates("Kirby said on Friday.", thursday) == [("2023-12-29", "date", None)]
    assert dates("It happened yesterday.", thursday) == [("2024-01-03", "date", None)]
    assert dates("It happened last year.", thursday) == [("2023", "gYear", None)]
    assert dates("It happened last month.", thursday) == [("2023-12", "gYearMonth", None)]


def test_day_and_month_without_year_take_the_article_year() -> None:
    assert dates("Missiles hit the city on December 30.", dt.date(2024, 1, 10)) == [("2023-12-30", "date", None)]
    assert dates("Missiles hit the city on 2 January.", dt.date(2024, 1, 10)) == [("2024-01-02", "date", None)]
    assert dates("Missiles hit the city on 2 January.") == []
