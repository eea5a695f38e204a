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


def test_only_http_urls_are_kept(tmp_path: Path) -> None:
    """A javascript: URL was stored and shown as the article's "source" link; the scheme and host are read with
    urllib.parse."""
    refused = ["javascript:alert(9)//", " javascript:alert(9)", "java\tscript:alert(9)", "data:text/html,<b>x</b>",
               "file:///etc/passwd", "ftp://example.org/a", "//example.org/a", "http:example.org", "example.org/a",
               "https://", "http://[::1"]
    accepted = ["https://example.org/a?b=c#d", "HTTP://EXAMPLE.ORG/", "http://127.0.0.1:8080/x"]
    p = tmp_path / "a.jsonl"
    p.write_text("".join(json.dumps({"title": "T", "text": "Body.", "url": url}) + "\n" for url in refused + accepted),
                 encoding="utf-8")
    got = items(p)
    errors = got[:len(refused)]
    assert all(isinstance(e, ArticleError) and "'url' must be an http:// or https:// URL" in str(e) for e in errors)
    assert "a.jsonl:1: 'url' must be an http:// or https:// URL, not 'javascript:alert(9)//'" in str(errors[0])
    assert [a.url for a in got[len(refused):] if isinstance(a, Article)] == accepted


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


def test_html_page_main_text_without_scripts_and_styles(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    p.write_text("""<html><head><title>Russia sends S-400 to Turkey</title><style>p{color:red}</style>
<script>alert("x")</script><meta property="og:site_name" content="Reuters"><meta name="date" content="2019-07-12">
</head><body><nav>Home | World | Business</nav><article><h1>Russia sends S-400 to Turkey</h1>
<p>The first parts of the Russian S-400 air defence system were delivered to Turkey on Friday, the ministry said.</p>
<p>A Russian military cargo plane landed at Murted air base near Ankara.</p></article>
<footer>Copyright</footer></body></html>""", encoding="utf-8")
    (a,) = items(p)
    assert a.title == "Russia sends S-400 to Turkey" and a.publisher == "Reuters" and a.date == dt.date(2019, 7, 12)
    assert "Murted air base" in a.content
    assert "alert" not in a.content and "color:red" not in a.content and "Home | World" not in a.content


def test_html_without_text_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "empty.html"
    p.write_text("<html><head><script>x()</script></head><body></body></html>", encoding="utf-8")
    (err,) = items(p)
    assert isinstance(err, ArticleError) and "no article text" in str(err)


def test_very_large_file_is_refused_with_a_reason(tmp_path: Path) -> None:
    p = tmp_path / "dump.txt"
    p.write_text("Title\n" + "Russia sends missiles to Syria. " * 1_000_000, encoding="utf-8")  # ~32 MB
    (err,) = items(p)
    assert isinstance(err, ArticleError) and "too large for one article" in str(err) and "dump.txt" in str(err)


def test_csv_with_a_text_column(tmp_path: Path) -> None:
    p = tmp_path / "news.csv"
    p.write_text('title,Body,date,url\n"Russia sends S-400","Russia sends S-400 systems to Turkey, officials said.",'
                 '2019-07-12,https://example.org/1\n,"No title here",,\n"Second","Iran sends drones to Russia.",,\n',
                 encoding="utf-8")
    got = items(p)
    assert [x.title for x in got if isinstance(x, Article)] == ["Russia sends S-400", "Second"]
    assert got[0].date == dt.date(2019, 7, 12) and got[0].url == "https://example.org/1"
    assert isinstance(got[1], ArticleError) and "news.csv:3: missing 'title'" in str(got[1])
    bad = tmp_path / "bad.csv"
    bad.write_text("headline,summary\nx,y\n", encoding="utf-8")
    (err,) = items(bad)
    assert "CSV needs a text column" in str(err)


def test_rss_and_atom_feeds(tmp_path: Path) -> None:
    rss = tmp_path / "feed.rss"
    rss.write_text("""<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Defence Daily</title>
<item><title>Iran sends drones to Russia</title><link>https://example.org/a</link>
<pubDate>Thu, 20 Oct 2022 08:00:00 +0000</pubDate>
<description>&lt;p&gt;Iran has sent &lt;b&gt;Shahed-136&lt;/b&gt; drones to Russia.&lt;/p&gt;
&lt;script&gt;x()&lt;/script&gt;</description></item>
<item><title></title><description>no title</description></item>
</channel></rss>""", encoding="utf-8")
    got = items(rss)
    a = got[0]
    assert (a.title, a.url, a.publisher, a.date) == ("Iran sends drones to Russia", "https://example.org/a",
                                                     "Defence Daily", dt.date(2022, 10, 20))
    assert "Iran has sent Shahed-136 drones to Russia." in a.content and "x()" not in a.content
    assert isinstance(got[1], ArticleError)
    atom = tmp_path / "feed.atom"
    atom.write_text("""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Wire</title><entry><title>US strikes Houthi targets</title><link href="https://example.org/b"/>
<published>2024-01-12T03:00:00Z</published><content type="html">The US struck Houthi targets in Yemen.</content>
</entry></feed>""", encoding="utf-8")
    (b,) = items(atom)
    assert (b.title, b.url, b.publisher, b.date) == ("US strikes Houthi targets", "https://example.org/b", "Wire",
                                                     dt.date(2024, 1, 12))


def test_atom_text_constructs_and_links_and_rss_permalinks(tmp_path: Path) -> None:
    """Atom content of type xhtml (a div of elements), html (escaped) and text (as it is); an entry's URL is its
    alternate link (a link without rel), not an enclosure before it; an RSS item without <link> has its
    permalink <guid>, and none from a guid that is not one."""
    atom = tmp_path / "feed.atom"
    atom.write_text("""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Agency</title>
<entry><title type="html">Russia sends &lt;em&gt;S-400&lt;/em&gt; to Turkey</title>
<link rel="enclosure" href="https://example.org/img.jpg"/><link rel="alternate" href="https://example.org/a1"/>
<published>2019-07-12T10:00:00Z</published><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
<p>Russia delivered the first parts of the S-400 system to Turkey.</p><p>A <b>second</b> paragraph.</p></div>
</content></entry>
<entry><title>Plain &lt;text&gt; title</title><link rel="self" href="https://example.org/feed/2"/>
<link href="https://example.org/a2"/><updated>2019-07-13T10:00:00Z</updated>
<summary>Turkey said 2 &lt; 3 and &amp;amp; stays.</summary></entry>
<entry><title>No page</title><link rel="related" href="https://example.org/other"/>
<content type="text">Text.</content></entry></feed>""", encoding="utf-8")
    a, b, c = items(atom)
    assert (a.title, a.url) == ("Russia sends S-400 to Turkey", "https://example.org/a1")
    assert a.content.endswith("\n\nRussia delivered the first parts of the S-400 system to Turkey.\n"
                              "A second paragraph.")
    assert (b.title, b.url) == ("Plain <text> title", "https://example.org/a2")
    assert b.content.endswith("\n\nTurkey said 2 < 3 and &amp; stays.")
    assert c.url is None
    rss = tmp_path / "feed.rss"
    rss.write_text("""<?xml version="1.0"?><rss version="2.0"><channel><title>Daily</title>
<item><title>One</title><guid>https://example.org/r1</guid><description>Text one.</description></item>
<item><title>Two</title><guid isPermaLink="false">tag:example.org,2024:2</guid><description>Two.</description></item>
</channel></rss>""", encoding="utf-8")
    one, two = items(rss)
    assert (one.url, two.url) == ("https://example.org/r1", None)


def test_feed_with_entity_expansion_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "bomb.xml"
    p.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                 "<rss><channel><title>&lol2;</title></channel></rss>", encoding="utf-8")
    (err,) = items(p)
    assert isinstance(err, ArticleError) and "bomb.xml" in str(err)


def test_jsonl_is_read_a_line_at_a_time(tmp_path: Path) -> None:
    """Lines split at line feeds only (U+2028 may stand unescaped in JSON), a line that is not UTF-8 is one
    error, and the bytes read are reported as reading goes on (the progress of a single large file)."""
    lines = [json.dumps({"title": "One", "text": "a\u2028b"}, ensure_ascii=False).encode(), b'{"title": "caf\xe9"}',
             json.dumps({"title": "Three", "text": "c"}).encode()]
    p = tmp_path / "news.jsonl"
    p.write_bytes(b"\xef\xbb\xbf" + b"\n".join(lines) + b"\n")
    seen: list[int] = []
    reading = read(p, seen.append)
    first = next(reading)
    assert isinstance(first, Article) and first.content == "One\n\na\u2028b"
    assert sum(seen) == len(lines[0]) + 4  # the byte order mark and the line feed
    rest = list(reading)
    assert isinstance(rest[0], ArticleError)
    assert "news.jsonl:2: not UTF-8 text (invalid byte at column 15)" in str(rest[0])
    assert isinstance(rest[1], Article) and rest[1].title == "Three" and sum(seen) == p.stat().st_size


def test_csv_is_read_a_row_at_a_time(tmp_path: Path) -> None:
    long_text = "Russia sends missiles to Syria. " * 5_000  # 160,000 characters: over csv's default field limit
    p = tmp_path / "news.csv"
    p.write_bytes(f'title,text\nLong,"{long_text}"\n'.encode() + b"Bad,caf\xe9\nShort,Iran sends drones.\n")
    seen: list[int] = []
    got = list(read(p, seen.append))
    assert [x.title for x in got if isinstance(x, Article)] == ["Long", "Short"]
    assert len(got[0].content) > 160_000 and len(seen) >= 2
    assert isinstance(got[1], ArticleError) and "news.csv:3: not UTF-8 text" in str(got[1])
    huge = tmp_path / "huge.csv"
    huge.write_text(f'title,text\nFine,"Short text."\nHuge,"{"x" * 1_000_001}"\n', encoding="utf-8")
    fine, err = read(huge)
    assert isinstance(fine, Article) and isinstance(err, ArticleError)
    assert "huge.csv:3: a field of over 1,000,000 characters" in str(err)


def test_unreadable_and_binary_files_of_every_kind_are_one_error(tmp_path: Path) -> None:
    for suffix in (".txt", ".json", ".jsonl", ".csv"):
        folder = tmp_path / f"folder{suffix}"  # opening a directory fails: the file's one error
        folder.mkdir()
        binary = tmp_path / f"bin{suffix}"
        binary.write_bytes(b"title,text\x00\x01\x02")
        for path, expected in ((folder, "cannot read: Is a directory"), (binary, "binary file, not text")):
            (err,) = items(path)
            assert isinstance(err, ArticleError) and f"{path}: {expected}" in str(err)
