"""Articles and the files they come in: plain text (first line the title), JSON, JSON Lines, CSV, feeds, HTML."""

from __future__ import annotations

import csv
import datetime as dt
import email.utils
import hashlib
import io
import json
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

from kg import feeds
from kg.vocab import ARTICLE

TEXT_SUFFIXES = {".txt", ".text", ".md"}
JSON_SUFFIXES = {".json"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
HTML_SUFFIXES = {".html", ".htm"}
CSV_SUFFIXES = {".csv"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}
SUFFIXES = TEXT_SUFFIXES | JSON_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES | CSV_SUFFIXES | FEED_SUFFIXES
# Column names accepted for a CSV file's article text.
TEXT_COLUMNS = ("text", "body", "content", "article")
# A news article is at most tens of thousands of characters; beyond this it is a dump, not an article.
MAX_CHARS = 1_000_000
csv.field_size_limit(max(csv.field_size_limit(), MAX_CHARS))  # the default, 131,072, is below it
# Python's JSON parser recurses once per level of nesting (RecursionError at about 1,000); an article is flat.
TOO_DEEP = "invalid JSON: nested too deeply for an article (arrays or objects within each other)"


class ArticleError(ValueError):
    """An article cannot be read; the message names the file (and line)."""


@dataclass(frozen=True)
class Article:
    title: str
    content: str  # the text that is analysed and stored; it starts with the title
    date: dt.date | None = None
    url: str | None = None
    publisher: str | None = None
    origin: str = ""  # file (and line) it came from

    @cached_property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content.encode("utf-8")).hexdigest()

    @property
    def iri(self) -> str:
        return ARTICLE + self.content_hash[:24]


def _check_size(content: str, origin: str) -> None:
    if len(content) > MAX_CHARS:
        raise ArticleError(f"{origin}: too large for one article ({len(content):,} characters; the limit is "
                           f"{MAX_CHARS:,}): split it into articles, e.g. as JSON Lines")


def from_text(raw: str, origin: str = "", **meta: object) -> Article:
    """A plain-text article: the first non-empty line is the title."""
    content = raw.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not content:
        raise ArticleError(f"{origin}: empty article")
    _check_size(content, origin)
    title = content.split("\n", 1)[0].strip()
    return Article(title=title, content=content, origin=origin, **meta)  # type: ignore[arg-type]


def from_record(record: object, origin: str) -> Article:
    """A JSON object with `title`, `text` and optional `date`, `url`, `publisher`."""
    if not isinstance(record, dict):
        raise ArticleError(f"{origin}: expected a JSON object with 'title' and 'text'")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise ArticleError(f"{origin}: missing or empty 'text'")
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise ArticleError(f"{origin}: 'title' must be a string")
    title = (title or "").strip()
    if not title:
        raise ArticleError(f"{origin}: missing 'title'")
    url, publisher = record.get("url"), record.get("publisher")
    for key, value in (("url", url), ("publisher", publisher)):
        if value is not None and not isinstance(value, str):
            raise ArticleError(f"{origin}: '{key}' must be a string")
    if url and not is_web_url(url):
        raise ArticleError(f"{origin}: 'url' must be an http:// or https:// URL, not {url!r}")
    body = text.replace("\r\n", "\n").strip()
    content = body if body.startswith(title) else f"{title}\n\n{body}"
    _check_size(content, origin)
    return Article(title=title, content=content, date=parse_date(record.get("date"), origin),
                   url=url or None, publisher=publisher or None, origin=origin)


def is_web_url(value: str) -> bool:
    """Whether `value` is an absolute http(s) URL with a host: the only URLs articles keep and pages link to
    (a javascript: or data: URL would run in the reader's browser)."""
    try:
        parts = urllib.parse.urlsplit(value)
    except ValueError:  # e.g. an unclosed [ of an IPv6 address
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def parse_date(value: object, origin: str) -> dt.date | None:
    """ISO 8601 dates and date-times, and RFC 2822 dates as feeds write them."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        raise ArticleError(f"{origin}: 'date' must be a string")
    text = value.strip()
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError):
        raise ArticleError(f"{origin}: cannot read date {value!r} (use ISO 8601, e.g. 2015-09-10)") from None


Record = tuple[str, object]  # (origin, a JSON-like record or the ArticleError it gave)


def read(path: Path, advance: Callable[[int], None] | None = None) -> Iterator[Article | ArticleError]:
    """The articles in one file; an unreadable file or record yields an ArticleError in its place.

    JSON Lines and CSV files are read a record at a time (a file may hold years of news), the others
    whole. `advance`, if given, is told how many more bytes of the file have been read, as reading goes on."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield ArticleError(f"{path}: unsupported file type {suffix or '(none)'}; "
                           f"use one of {', '.join(sorted(SUFFIXES))}")
        return
    advance = advance or (lambda n: None)
    if suffix in STREAMED_READERS:
        records: Iterable[Record] = STREAMED_READERS[suffix](path, advance)
    else:
        try:
            data = _decode(path)
            if suffix in TEXT_SUFFIXES:
                yield from_text(data, str(path))
                return
            if suffix in HTML_SUFFIXES:
                yield from_html(data, str(path))
                return
            records = WHOLE_READERS[suffix](data, path)
        except ArticleError as exc:
            yield exc
            return
        finally:
            advance(path.stat().st_size if path.exists() else 0)
    for origin, record in records:
        if isinstance(record, ArticleError):
            yield record
            continue
        try:
            yield from_record(record, origin)
        except ArticleError as exc:
            yield exc


def _json_records(data: str, path: Path) -> list[Record]:
    try:
        doc = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ArticleError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ArticleError(f"{path}: {TOO_DEEP}") from None
    if isinstance(doc, list):
        return [(f"{path}[{i}]", r) for i, r in enumerate(doc)]
    return [(str(path), doc)]


def _jsonl_records(path: Path, advance: Callable[[int], None]) -> Iterator[Record]:
    """One record per line (split at line feeds only: U+2028 may stand unescaped inside a JSON string)."""
    try:
        with _open_text_file(path) as f:
            for lineno, raw in enumerate(f, 1):
                advance(len(raw))
                origin = f"{path}:{lineno}"
                try:
                    line = raw.decode("utf-8-sig" if lineno == 1 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield origin, ArticleError(f"{origin}: not UTF-8 text (invalid byte at column {exc.start + 1})")
                    continue
                if line.strip():
                    try:
                        yield origin, json.loads(line)
                    except json.JSONDecodeError as exc:
                        yield origin, ArticleError(f"{origin}: invalid JSON: {exc.msg}")
                    except RecursionError:
                        yield origin, ArticleError(f"{origin}: {TOO_DEEP}")
    except ArticleError as exc:
        yield str(path), exc
    except OSError as exc:
        yield str(path), _cannot_read(path, exc)


def _feed_records(data: str, path: Path) -> list[Record]:
    try:
        return [(f"{path}[{i}]", r) for i, r in enumerate(feeds.records(data))]
    except feeds.FeedError as exc:
        raise ArticleError(f"{path}: {exc}") from None


def from_html(html: str, origin: str) -> Article:
    """A saved web page: main text, title, date, URL and site name extracted with trafilatura
    (navigation, scripts and styles are left out)."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, include_tables=False)
    text = getattr(doc, "text", None) if doc is not None else None
    if not text or not text.strip():
        raise ArticleError(f"{origin}: no article text found in the HTML page")
    record = {"title": getattr(doc, "title", None) or text.strip().split("\n", 1)[0][:200], "text": text,
              "date": getattr(doc, "date", None), "url": getattr(doc, "url", None),
              "publisher": getattr(doc, "sitename", None)}
    return from_record(record, origin)


def _csv_records(path: Path, advance: Callable[[int], None]) -> Iterator[Record]:
    """One record per row; a `text` (or body/content/article) column is required, `title` too."""
    line = 0
    try:
        with (_open_text_file(path) as raw,
              io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="") as text):
            reader = csv.DictReader(text)
            columns = {c.strip().lower(): c for c in reader.fieldnames or []}
            text_col = next((columns[c] for c in TEXT_COLUMNS if c in columns), None)
            if text_col is None:
                raise ArticleError(f"{path}: CSV needs a text column ({', '.join(TEXT_COLUMNS)}); "
                                   f"found {', '.join(columns) or 'none'}")
            done = 0
            for row in reader:
                line = reader.line_num
                record = {k: row.get(columns[k]) for k in ("title", "date", "url", "publisher") if k in columns}
                record["text"] = row.get(text_col)
                yield f"{path}:{line}", record if _is_utf8(record) else ArticleError(f"{path}:{line}: not UTF-8 text")
                advance(raw.tell() - done)
                done = raw.tell()
    except ArticleError as exc:
        yield str(path), exc
    except OSError as exc:
        yield str(path), _cannot_read(path, exc)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            yield str(path), ArticleError(f"{path}:{line + 1}: a field of over {MAX_CHARS:,} characters, too large "
                                          "for one article; the rest of the file is not read")
        else:
            yield str(path), ArticleError(f"{path}:{line + 1}: malformed CSV: {exc}")


def _is_utf8(record: dict[str, str | None]) -> bool:
    """Whether no value holds a byte that is not UTF-8 (decoded as a lone surrogate by surrogateescape)."""
    try:
        "".join(v for v in record.values() if v).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


WHOLE_READERS = {**dict.fromkeys(JSON_SUFFIXES, _json_records), **dict.fromkeys(FEED_SUFFIXES, _feed_records)}
STREAMED_READERS = {**dict.fromkeys(JSONL_SUFFIXES, _jsonl_records), **dict.fromkeys(CSV_SUFFIXES, _csv_records)}


def _open_text_file(path: Path) -> BinaryIO:
    """The file opened for reading in binary, after checking that it does not start like a binary file.
    Callers turn OSError, here or while reading, into `_cannot_read`."""
    f = path.open("rb")
    if b"\x00" in f.peek(8192)[:8192]:
        f.close()
        raise ArticleError(f"{path}: binary file, not text")
    return f


def _cannot_read(path: Path, exc: OSError) -> ArticleError:
    return ArticleError(f"{path}: cannot read: {exc.strerror}")


def _decode(path: Path) -> str:
    try:
        with _open_text_file(path) as f:
            raw = f.read()
    except OSError as exc:
        raise _cannot_read(path, exc) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); "
                           "convert it with e.g. iconv -t UTF-8") from None
