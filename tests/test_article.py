"""Reading articles: text, JSON, JSONL; bad input gives one clear error per item."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kg.article import Article, ArticleError, read


def items(path: Path) -> list[Article | ArticleError]:
    return list(read(path))


def test_text_file_first_line_is_title(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("\n  Russia sends missiles \r\n\r\nBody text.\n", encoding="utf-8")
    (a,) = items(p)
    assert a.title == "Russia sends missiles" and a.content.startswith("Russia sends missiles")
    assert a.iri.startswith("https://w3id.org/geokg/article/") and a.iri == items(p)[0].iri


def test_json_with_metadata(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"title": "T", "text": "Body.", "date": "2015-09-10T08:00:00Z",
                             "url": "https://example.org/x", "publisher": "Reuters"}), encoding="utf-8")
    (a,) = items(p)
    assert (a.title, a.date, a.url, a.publisher) == ("T", dt.date(2015, 9, 10), "https://example.org/x", "Reuters")
    assert a.content == "T\n\nBody."


def test_rfc2822_dates(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"title": "T", "text": "B", "date": "Thu, 10 Sep 2015 08:00:00 +0000"}), encoding="utf-8")
    assert items(p)[0].date == dt.date(2015, 9, 10)


def test_jsonl_bad_lines_are_reported_and_the_rest_read(tmp_path: Path) -> None:
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join([json.dumps({"title": "One", "text": "a"}), "{not json", json.dumps({"text": "no title"}),
                            json.dumps({"title": "Four", "text": "d", "date": "yesterday-ish"}),
                            json.dumps({"title": "Five", "text": "e"})]), encoding="utf-8")
    got = items(p)
    assert [x.title for x in got if isinstance(x, Article)] == ["One", "Five"]
    errors = [str(x) for x in got if isinstance(x, ArticleError)]
    assert errors[0].endswith("feed.jsonl:2: invalid JSON: Expecting property name enclosed in double quotes")
    assert "feed.jsonl:3: missing 'title'" in errors[1]
    assert "feed.jsonl:4: cannot read date" in errors[2]


def test_empty_binary_non_utf8_and_unsupported(tmp_path: Path) -> None:
    cases = {"empty.txt": b"   \n", "bin.txt": b"\x00\x01\x02", "latin.txt": "Tartous caf\xe9".encode("latin-1"),
             "x.pdf": b"%PDF"}
    expected = {"empty.txt": "empty article", "bin.txt": "binary file", "latin.txt": "not UTF-8",
                "x.pdf": "unsupported file type"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        (err,) = items(tmp_path / name)
        assert isinstance(err, ArticleError) and expected[name] in str(err) and name in str(err)
