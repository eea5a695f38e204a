"""Reports kept on disk beside an embedded store: the second level of kg.reports.Seen, so that a new process (a
daily `geokg ingest`) does not read back from the store, with SPARQL, the reports of the events near each new one.

A fresh process fusing 500 articles into 10,000 read 75,000 reports back (0.3 ms each, most of fusion's time). The
shelf is a SQLite file (`geokg-reports.sqlite` in the store's directory) holding, by report IRI, what fusion reads
of a report (kg.reports.Report). It is a cache of what the article graphs say, right as long as every write to an
article graph forgets its reports first; the writes of kg.store do (kg.events_graph.refusing, `remove`, and a
SPARQL Update of unknown graphs forgets every report), and a report is kept only after its article's graph is
written. Only the process that holds the store for writing uses it (Oxigraph's lock makes it the only one). A
shelf written for another ontology (the classes a report's kind and class come from) or format is emptied on
opening; a lost or removed file only costs reading the reports again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable
from pathlib import Path

import ontology
from kg.reports import Report

SHELF_FILE = "geokg-reports.sqlite"
FORMAT = "1"  # of the rows: changes with Report's fields
PER_STATEMENT = 500  # IRIs per IN list (SQLite allows 32,766 parameters)


def version() -> str:
    """The shelf's format and the ontology's classes, which a report's kind and class are read by."""
    classes = sorted((c, sorted(s)) for c, s in ontology.superclasses().items())
    return hashlib.sha256(json.dumps([FORMAT, classes]).encode()).hexdigest()


def encode(r: Report) -> str:
    return json.dumps([r.published.isoformat() if r.published else None, r.publisher, r.kind, r.cls, r.modality,
                       [[role, sorted(iris)] for role, iris in r.roles], r.date, r.datatype, r.qualifier,
                       r.confidence], separators=(",", ":"))


def decode(iri: str, article: str, data: str) -> Report:
    published, publisher, kind, cls, modality, roles, date, datatype, qualifier, confidence = json.loads(data)
    return Report(iri=iri, article=article, published=dt.date.fromisoformat(published) if published else None,
                  publisher=publisher, kind=kind, cls=cls, modality=modality,
                  roles=tuple((role, frozenset(iris)) for role, iris in roles), date=date, datatype=datatype,
                  qualifier=qualifier, confidence=confidence)


class ReportShelf:
    """The reports kept in a SQLite file; kg.reports.Seen calls it under its lock (`_lock` guards the connection for
    other callers)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, check_same_thread=False)  # `with self.db` commits
        self._lock = threading.Lock()
        with self._lock:
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.db.execute("CREATE TABLE IF NOT EXISTS report(iri TEXT PRIMARY KEY, article TEXT NOT NULL, "
                            "data TEXT NOT NULL) WITHOUT ROWID")
            self.db.execute("CREATE INDEX IF NOT EXISTS report_article ON report(article)")
            row = self.db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row is None or row[0] != version():
                with self.db:
                    self.db.execute("DELETE FROM report")
                    self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('version', ?)", (version(),))

    def get(self, iris: list[str]) -> list[Report]:
        """The reports kept among `iris`."""
        found: list[Report] = []
        with self._lock:
            for i in range(0, len(iris), PER_STATEMENT):
                chunk = iris[i:i + PER_STATEMENT]
                found += (decode(*row) for row in self.db.execute(
                    f"SELECT iri, article, data FROM report WHERE iri IN ({', '.join('?' * len(chunk))})", chunk))
        return found

    def put(self, found: Iterable[Report]) -> None:
        rows = [(r.iri, r.article, encode(r)) for r in found]
        if rows:
            with self._lock, self.db:
                self.db.executemany("INSERT OR REPLACE INTO report(iri, article, data) VALUES (?, ?, ?)", rows)

    def drop(self, articles: Iterable[str] | None = None) -> None:
        """Forget the reports of these articles (of every article: None)."""
        with self._lock, self.db:
            if articles is None:
                self.db.execute("DELETE FROM report")
                return
            chosen = sorted(set(articles))
            for i in range(0, len(chosen), PER_STATEMENT):
                chunk = chosen[i:i + PER_STATEMENT]
                self.db.execute(f"DELETE FROM report WHERE article IN ({', '.join('?' * len(chunk))})", chunk)

    def count(self) -> int:
        with self._lock:
            return int(self.db.execute("SELECT COUNT(*) FROM report").fetchone()[0])

    def close(self) -> None:
        with self._lock:
            self.db.close()
