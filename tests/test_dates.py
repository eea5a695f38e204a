from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.dates import find_dates


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


def test_qualifiers_are_whole_words_before_the_date() -> None:
    assert dates("The programme began within 2013 budgets.") == []
    assert dates("Strikes have gone on since the 2011 uprising.") == [("2011", "gYear", "since")]
    assert dates("It was agreed as of March 2020.") == [("2020-03", "gYearMonth", None)]
    assert dates("Deliveries are due by 2027.") == [("2027", "gYear", "by")]
    assert dates("Talks resumed until 12 May 2022, officials said.") == [("2022-05-12", "date", "until")]
