"""The search index kept beside the store: full-text search over entities (names and aliases), articles (title and
text) and events (label and sentence) with SQLite's FTS5, and the events with their classes, roles, dates and
articles for listing them filtered and newest first; and the canonical events (kg.canonical_rows) with the entities
their roles name, for their lists (the latest, an entity's), which read no more rows than a page holds.

Oxigraph has no full-text index: a search over every label in SPARQL took 0.8-1.1 s on 187 articles. This index
is a SQLite file (`geokg-index.sqlite` in the store's directory; for a SPARQL server as store, in the user's cache
directory) that every GeoKG write updates in the same call, replacing the rows of the graphs written: bulk loads
with the rows that extraction took from the quads in hand (kg.index_source.from_quads), other writes with those
they read back from the store with SPARQL (`index_graphs`). `sync` (run by `geokg init`, `ingest`
and `serve`) indexes the articles a store holds and the index lacks, and drops those it no longer holds, so that
articles written by other programs, or by a process killed between its two writes, are found too. A SPARQL
Update may change anything: it marks the index for a full rebuild at the next `sync`. The canonical events' rows are
replaced with each change of the events graph (from the quads fusion writes, `events_written`; a rebuild's,
`events_replaced`); `sync` reads them all back from the store when the index does not hold as many as the store.

Readers open the file read-only (the query workers of `geokg serve`); SQLite's write-ahead log lets them read
while the server writes.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import ontology
from kg import canonical_rows, vocab
from kg.canonical_rows import EventRow
from kg.index_source import (
    IndexedArticle,
    IndexedEvent,
    IndexRows,
    Query,
    read_containers,
    read_graphs,
    read_labels,
    read_names,
)

log = logging.getLogger(__name__)

INDEX_FILE = "geokg-index.sqlite"
SCHEMA_VERSION = "3"
# A marker around each match in snippets: control characters, which no article text holds (see kg.article).
MARK_START, MARK_END = "\x02", "\x03"
DATE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
TOKEN = re.compile(r"\w+")

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS term(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS graph(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS entity(id INTEGER PRIMARY KEY REFERENCES term(id), label TEXT NOT NULL,
    class TEXT NOT NULL, core TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mention(term INTEGER NOT NULL, article INTEGER NOT NULL, PRIMARY KEY(term, article))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS mention_article ON mention(article);
CREATE INDEX IF NOT EXISTS entity_core ON entity(core);
CREATE TABLE IF NOT EXISTS name(id INTEGER PRIMARY KEY, entity INTEGER NOT NULL, graph INTEGER NOT NULL,
    name TEXT NOT NULL, folded TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS name_entity ON name(entity);
CREATE INDEX IF NOT EXISTS name_graph ON name(graph);
CREATE VIRTUAL TABLE IF NOT EXISTS name_fts USING fts5(name, content='name', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TABLE IF NOT EXISTS article(id INTEGER PRIMARY KEY REFERENCES graph(id), title TEXT NOT NULL,
    date TEXT, publisher INTEGER, publisher_label TEXT);
CREATE INDEX IF NOT EXISTS article_date ON article(date DESC, id);
CREATE INDEX IF NOT EXISTS article_publisher ON article(publisher, date DESC);
CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(title, text, tokenize='unicode61 remove_diacritics 2',
    prefix='2 3');
CREATE TABLE IF NOT EXISTS event(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE,
    article INTEGER NOT NULL, label TEXT NOT NULL, class TEXT NOT NULL, modality TEXT, date TEXT,
    qualifier TEXT, sort TEXT NOT NULL, start TEXT, end TEXT, sentence TEXT, sources TEXT, confidence REAL);
CREATE INDEX IF NOT EXISTS event_sort ON event(sort DESC, article, id);
CREATE INDEX IF NOT EXISTS event_article ON event(article);
CREATE TABLE IF NOT EXISTS event_class(event INTEGER NOT NULL, class TEXT NOT NULL, PRIMARY KEY(class, event))
    WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_class_event ON event_class(event);
CREATE TABLE IF NOT EXISTS event_role(term INTEGER NOT NULL, role TEXT NOT NULL, event INTEGER NOT NULL,
    PRIMARY KEY(term, role, event)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_role_event ON event_role(event);
CREATE TABLE IF NOT EXISTS pair(a INTEGER NOT NULL, b INTEGER NOT NULL, class TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY(a, b, class)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS event_fts USING fts5(label, sentence, content='event', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TABLE IF NOT EXISTS canonical(id INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, sort TEXT NOT NULL,
    label TEXT NOT NULL, classes TEXT NOT NULL, date TEXT, place TEXT, articles INTEGER NOT NULL,
    publishers INTEGER NOT NULL, first TEXT, last TEXT, confidence REAL NOT NULL, modality TEXT,
    contested INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS canonical_sort ON canonical(sort DESC, iri DESC);
CREATE TABLE IF NOT EXISTS canonical_entity(term INTEGER NOT NULL, sort TEXT NOT NULL, iri TEXT NOT NULL,
    event INTEGER NOT NULL, PRIMARY KEY(term, sort, iri)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS canonical_entity_event ON canonical_entity(event);
"""
# The columns of a canonical event's row (kg.canonical_rows.EventRow) that lists show.
CANONICAL_COLUMNS = ("iri", "sort", "label", "classes", "date", "place", "articles", "publishers", "first", "last",
                     "confidence", "modality", "contested")

# The roles an event filter means: who acts (carries out, supplies, speaks), whom it is aimed at or who receives,
# where (the location, or a place or state containing it), which asset, and any of them.
FILTER_ROLES = {
    "actor": ("actor", "supplier", "speaker"),
    "target": ("target", "recipient"),
    "place": ("location", "within"),
    "asset": ("asset",),
    "entity": (*vocab.EVENT_ROLES, "within"),
}


# ------------------------------------------------------------------------------------------ dates and words
def date_range(date: str | None) -> tuple[str, str] | None:
    """The first and last day of an xsd:date, gYearMonth or gYear ('2016-03' -> ('2016-03-01', '2016-03-31'))."""
    m = DATE.match(date or "")
    if not m:
        return None
    year, month, day = m.groups()
    if day:
        return date, date  # type: ignore[return-value]
    if month:
        last = 29 if month == "02" else 30 if month in ("04", "06", "09", "11") else 31
        return f"{year}-{month}-01", f"{year}-{month}-{last}"
    return f"{year}-01-01", f"{year}-12-31"


def _fold(text: str) -> str:
    return " ".join(TOKEN.findall(vocab.fold(text)))


def match_expression(text: str) -> str | None:
    """An FTS5 query for `text`: each word of it (accents and case folded) as a prefix, all of them required.
    Only word characters reach the expression (quoted), so nothing in `text` is read as FTS5 syntax."""
    tokens = TOKEN.findall(vocab.fold(text))
    return " ".join(f'"{t}"*' for t in tokens) or None


# ------------------------------------------------------------------------------------------ the index
@dataclass(frozen=True)
class EventFilter:
    """What /events lists: events of a class (or its subclasses) with these entities in these roles (FILTER_ROLES;
    IRIs), reported by a publisher, in a date range (ISO dates, inclusive), of a modality ("asserted": none),
    whose label or sentence has the words of `text`."""

    cls: str | None = None
    roles: tuple[tuple[str, str], ...] = ()  # (filter name, entity IRI)
    publisher: str | None = None
    start: str | None = None
    end: str | None = None
    modality: str | None = None
    text: str | None = None
    article: str | None = None


class SearchIndex:
    """The SQLite file; writable (`SearchIndex(path)`) or read-only (`SearchIndex(path, read_only=True)`)."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        self._lock = threading.RLock()
        self._ids: dict[tuple[str, str], int] = {}
        if read_only:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = self._open()
            if self._meta("schema") not in (None, SCHEMA_VERSION):  # written by another version: made anew
                self.db.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                self.db = self._open()
            self.db.executescript(SCHEMA)
            self._set_meta("schema", SCHEMA_VERSION)
        self.db.row_factory = sqlite3.Row

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        return db

    @staticmethod
    def for_url(url: str, cache_dir: Path) -> Path:
        """Where the index of a SPARQL server as store is kept: a file per endpoint URL in the cache directory."""
        return cache_dir / f"index-{hashlib.sha256(url.encode()).hexdigest()[:16]}.sqlite"

    def close(self) -> None:
        with self._lock:
            self.db.close()

    # ------------------------------------------------------------------ meta
    def _meta(self, key: str) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # no such table: a new file
            return None
        return row[0] if row else None

    def _set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.db.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def mark_stale(self) -> None:
        """Something may have changed any graph (a SPARQL Update): the next `sync` rebuilds the whole index."""
        with self._lock:
            self._set_meta("stale", "1")

    # ------------------------------------------------------------------ writing
    def _id(self, table: str, iri: str) -> int:
        """The row of an IRI in `table` (term or graph), added if new. Such rows are never removed, so their ids are
        remembered (half the index's SQL statements looked them up)."""
        known = self._ids.get((table, iri))
        if known is not None:
            return known
        row = self.db.execute(f"SELECT id FROM {table} WHERE iri = ?", (iri,)).fetchone()
        found = int(row[0]) if row else int(self.db.execute(f"INSERT INTO {table}(iri) VALUES (?)", (iri,)).lastrowid
                                            or 0)
        self._ids[table, iri] = found
        return found

    def sync(self, query: Query, articles: Iterable[str], reference_version: str) -> int:
        """Bring the index up to the store: the reference knowledge's names if its version changed, every article
        graph the store holds and the index lacks (all of them after a SPARQL Update), none it no longer holds.
        Returns how many article graphs it indexed."""
        held = set(articles)
        with self._lock:
            if self._meta("stale"):
                self.db.execute("BEGIN")
                for table in ("name", "entity", "mention", "article", "article_fts", "event", "event_class",
                              "event_role", "pair", "canonical", "canonical_entity"):
                    self.db.execute(f"DELETE FROM {table}")
                for table in ("name_fts", "event_fts"):  # their text is in name and event
                    self.db.execute(f"INSERT INTO {table}({table}) VALUES('delete-all')")
                self._set_meta("reference", None)
                self._set_meta("stale", None)
                self.db.execute("COMMIT")
            if self._meta("reference") != reference_version:
                self.index_reference(query)
                self._set_meta("reference", reference_version)
            indexed = {r[0] for r in self.db.execute("SELECT g.iri FROM article a JOIN graph g ON g.id = a.id")}
        if indexed - held:
            self.remove_graphs(sorted(indexed - held))
        missing = sorted(held - indexed)
        if missing:
            log.info("indexing %d articles for search", len(missing))
            for i in range(0, len(missing), 200):
                self.index_graphs(query, missing[i:i + 200])
        with self._lock:
            listed = int(self.db.execute("SELECT COUNT(*) FROM canonical").fetchone()[0])
        if listed != canonical_rows.count(query):  # events fused by another program, or not indexed (a crash, a fault)
            log.info("indexing the canonical events for their lists")
            self.events_replaced(canonical_rows.read(query))
        return len(missing)

    def index_reference(self, query: Query) -> None:
        """The names of the reference knowledge's entities (replacing those indexed before)."""
        with self._lock:
            self.db.execute("BEGIN")
            try:
                self._remove_names([vocab.REFERENCE_GRAPH])
                self._add_names(read_names(query, [vocab.REFERENCE_GRAPH]))
                self.db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def index_graphs(self, query: Query, graphs: list[str], chunk: int = 200) -> None:
        """(Re)index the graphs (article graphs; others are only removed from the index), read from the store."""
        graphs = [g for g in graphs if g not in (vocab.REFERENCE_GRAPH, vocab.ONTOLOGY_GRAPH)]
        for i in range(0, len(graphs), chunk):
            part = graphs[i:i + chunk]
            self.index_rows(query, part, read_graphs(query, part))

    def index_rows(self, query: Query, graphs: list[str], rows: dict[str, IndexRows]) -> None:
        """Replace what the index holds of the graphs by `rows` (those of the article graphs among them). The store
        is asked only for what an article graph does not hold: the places that contain its events' locations, and
        its publisher's label when the publisher is one of the reference knowledge's."""
        places = {o for r in rows.values() for e in r.events for role, o in e.roles if role == "location"}
        containers = read_containers(query, places) if places else {}
        unlabelled = {r.article.pub for r in rows.values() if r.article.pub and r.article.publisher is None}
        labels = read_labels(query, unlabelled) if unlabelled else {}
        for r in rows.values():
            if r.article.pub in labels:
                r.article.publisher = labels[r.article.pub]
        with self._lock:
            self.db.execute("BEGIN")
            try:
                self._remove(graphs)
                self._add_names(n for r in rows.values() for n in r.names)
                for iri, r in rows.items():
                    self._add_article(iri, r.article)
                self._add_events([(e, r.article) for r in rows.values() for e in r.events], containers)
                self.db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _rollback(self) -> None:
        self.db.execute("ROLLBACK")
        self._ids.clear()  # rows added in the transaction are gone

    def written(self, query: Query, graphs: list[str], removed: bool = False,
                rows: dict[str, IndexRows] | None = None) -> None:
        """Bring the index up to graphs just written to the store (or removed from it), taking the `rows` given
        for graphs (kg.index_source.from_quads), reading those of the others from the store; GeoKG's events and state
        graphs are none of its. Should that fail (a full disk), the store keeps what was written, and the
        index is rebuilt whole at the next `sync`."""
        graphs = [g for g in graphs if g not in (vocab.EVENTS_GRAPH, vocab.STATE_GRAPH)]
        if not graphs:
            return
        try:
            if removed:
                self.remove_graphs(graphs)
            elif rows is not None:
                missing = [g for g in graphs if g not in rows]
                self.index_rows(query, graphs, {**rows, **(read_graphs(query, missing) if missing else {})})
            else:
                self.index_graphs(query, graphs)
        except sqlite3.Error as exc:
            log.warning("could not update the search index %s: %s", self.path, exc)
            with contextlib.suppress(sqlite3.Error):
                self.mark_stale()

    def events_written(self, rows: dict[str, EventRow | None]) -> None:
        """Replace the rows of these canonical events (None: the event is gone), as fusion changed them."""
        if rows:
            self._write_events(lambda: (self._remove_canonical(sorted(rows)),
                                        self._add_canonical(r for r in rows.values() if r is not None)))

    def events_replaced(self, rows: Iterable[EventRow]) -> None:
        """The canonical events become `rows` (a rebuild of the events graph, or the index's catch-up)."""
        self._write_events(lambda: (self.db.execute("DELETE FROM canonical"),
                                    self.db.execute("DELETE FROM canonical_entity"), self._add_canonical(rows)))

    def _write_events(self, write: Callable[[], object]) -> None:
        """Run `write` in a transaction. Should that fail (a full disk), the store keeps what was written, and the
        index is rebuilt whole at the next `sync` (as in `written`)."""
        try:
            with self._lock:
                self.db.execute("BEGIN")
                try:
                    write()
                    self.db.execute("COMMIT")
                except BaseException:
                    self._rollback()
                    raise
        except sqlite3.Error as exc:
            log.warning("could not update the search index %s: %s", self.path, exc)
            with contextlib.suppress(sqlite3.Error):
                self.mark_stale()

    def _remove_canonical(self, iris: list[str]) -> None:
        for iri in iris:
            found = self.db.execute("SELECT id FROM canonical WHERE iri = ?", (iri,)).fetchone()
            if found is not None:
                self.db.execute("DELETE FROM canonical_entity WHERE event = ?", (found[0],))
                self.db.execute("DELETE FROM canonical WHERE id = ?", (found[0],))

    def _add_canonical(self, rows: Iterable[EventRow]) -> None:
        marks = ", ".join("?" * len(CANONICAL_COLUMNS))
        insert = f"INSERT INTO canonical({', '.join(CANONICAL_COLUMNS)}) VALUES ({marks})"
        for r in rows:
            event = self.db.execute(insert, [getattr(r, c) for c in CANONICAL_COLUMNS]).lastrowid
            self.db.executemany("INSERT OR IGNORE INTO canonical_entity(term, sort, iri, event) VALUES (?, ?, ?, ?)",
                                [(self._id("term", e), r.sort, r.iri, event) for e in r.entities])

    def remove_graphs(self, graphs: list[str]) -> None:
        with self._lock:
            self.db.execute("BEGIN")
            try:
                self._remove(graphs)
                self.db.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise

    def _remove(self, graphs: list[str]) -> None:
        ids = [r[0] for g in graphs for r in self.db.execute("SELECT id FROM graph WHERE iri = ?", (g,))]
        for gid in ids:
            pairs: Counter[tuple[int, int, str]] = Counter()
            for e in self.db.execute("SELECT id, label, sentence, class FROM event WHERE article = ?",
                                     (gid,)).fetchall():
                self.db.execute("INSERT INTO event_fts(event_fts, rowid, label, sentence) VALUES('delete', ?, ?, ?)",
                                (e[0], e[1], e[2]))
                terms = [r[0] for r in self.db.execute(
                    "SELECT DISTINCT term FROM event_role WHERE event = ? AND role != 'within'", (e[0],))]
                pairs.update((a, b, e[3]) for a in terms for b in terms if a != b)
                self.db.execute("DELETE FROM event_class WHERE event = ?", (e[0],))
                self.db.execute("DELETE FROM event_role WHERE event = ?", (e[0],))
            self._count_pairs(pairs, -1)
            self.db.execute("DELETE FROM event WHERE article = ?", (gid,))
            self.db.execute("DELETE FROM mention WHERE article = ?", (gid,))
            self.db.execute("DELETE FROM article WHERE id = ?", (gid,))
            self.db.execute("DELETE FROM article_fts WHERE rowid = ?", (gid,))
        self._remove_names(graphs)

    def _remove_names(self, graphs: list[str]) -> None:
        for g in graphs:
            gid = self.db.execute("SELECT id FROM graph WHERE iri = ?", (g,)).fetchone()
            if gid is None:
                continue
            entities = set()
            for n in self.db.execute("SELECT id, entity, name FROM name WHERE graph = ?", (gid[0],)).fetchall():
                self.db.execute("INSERT INTO name_fts(name_fts, rowid, name) VALUES('delete', ?, ?)", (n[0], n[2]))
                entities.add(n[1])
            self.db.execute("DELETE FROM name WHERE graph = ?", (gid[0],))
            for entity in entities:
                if self.db.execute("SELECT 1 FROM name WHERE entity = ? LIMIT 1", (entity,)).fetchone() is None:
                    self.db.execute("DELETE FROM entity WHERE id = ?", (entity,))

    def _add_names(self, names: Iterable[tuple[str, str, str, str, bool]]) -> None:
        classes: dict[int, set[str]] = {}
        labels: dict[int, str] = {}
        seen: set[tuple[int, int, str]] = set()
        for graph, iri, cls, name, is_label in names:
            entity, gid = self._id("term", iri), self._id("graph", graph)
            classes.setdefault(entity, set()).add(cls)
            if is_label:
                labels.setdefault(entity, name)
            if (entity, gid, name) in seen:
                continue
            seen.add((entity, gid, name))
            rowid = self.db.execute("INSERT INTO name(entity, graph, name, folded) VALUES (?, ?, ?, ?)",
                                    (entity, gid, name, _fold(name))).lastrowid
            self.db.execute("INSERT INTO name_fts(rowid, name) VALUES (?, ?)", (rowid, name))
        for entity, found in classes.items():
            row = self.db.execute("SELECT label, class FROM entity WHERE id = ?", (entity,)).fetchone()
            cls = ontology.specific_class(found | ({row[1]} if row else set())) or sorted(found)[0]
            label = row[0] if row else labels.get(entity) or next(iter(
                self.db.execute("SELECT name FROM name WHERE entity = ? LIMIT 1", (entity,))))[0]
            self.db.execute("INSERT OR REPLACE INTO entity(id, label, class, core) VALUES (?, ?, ?, ?)",
                            (entity, label, cls, ontology.core_type(cls)))

    def _add_article(self, iri: str, a: IndexedArticle) -> None:
        gid = self._id("graph", iri)
        publisher = self._id("term", a.pub) if a.pub else None
        self.db.execute("INSERT OR REPLACE INTO article(id, title, date, publisher, publisher_label) "
                        "VALUES (?, ?, ?, ?, ?)", (gid, a.title or "", a.date, publisher, a.publisher))
        self.db.execute("INSERT INTO article_fts(rowid, title, text) VALUES (?, ?, ?)",
                        (gid, a.title or "", a.text or ""))
        self.db.executemany("INSERT OR IGNORE INTO mention(term, article) VALUES (?, ?)",
                            [(self._id("term", e), gid) for e in a.mentions])

    def _add_events(self, events: list[tuple[IndexedEvent, IndexedArticle]], containers: dict[str, set[str]]) -> None:
        """Add events (each with its article), their classes (with superclasses), roles (with the places that contain
        their locations: "within") and the pairs of their participants, a statement per table for them all."""
        if not events:
            return
        supers = ontology.superclasses()
        first = int(self.db.execute("SELECT COALESCE(MAX(id), 0) FROM event").fetchone()[0]) + 1
        rows, texts, classes, roles = [], [], [], []
        pairs: Counter[tuple[int, int, str]] = Counter()
        for row, (e, article) in enumerate(events, start=first):
            effective = e.date or article.date
            span = date_range(effective)
            if span and e.qualifier == "since":  # ongoing from its date: to the report at least
                last = date_range(article.date)
                span = (span[0], max(span[1], last[1] if last else span[1]))
            sentence = e.sentences[min(e.sentences)] if e.sentences else None
            cls = ontology.specific_class(e.classes) or "Event"
            rows.append((row, e.iri, self._id("graph", e.graph), e.label, cls, e.modality, e.date, e.qualifier,
                         effective or "", span[0] if span else None, span[1] if span else None, sentence,
                         "; ".join(sorted(e.sources)) or None, e.confidence))
            texts.append((row, e.label, sentence))
            classes += [(row, c) for c in {s for c in e.classes for s in supers.get(c, {c})}]
            terms = {self._id("term", o) for _, o in e.roles}
            roles += [(self._id("term", o), role, row) for role, o in set(e.roles) | {
                ("within", c) for role, o in e.roles if role == "location" for c in containers.get(o, ())}]
            pairs.update((a, b, cls) for a in terms for b in terms if a != b)
        self.db.executemany(
            "INSERT OR REPLACE INTO event(id, iri, article, label, class, modality, date, qualifier, sort, start, end, "
            "sentence, sources, confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        self.db.executemany("INSERT INTO event_fts(rowid, label, sentence) VALUES (?, ?, ?)", texts)
        self.db.executemany("INSERT OR IGNORE INTO event_class(event, class) VALUES (?, ?)", classes)
        self.db.executemany("INSERT OR IGNORE INTO event_role(term, role, event) VALUES (?, ?, ?)", roles)
        self._count_pairs(pairs, 1)

    def _count_pairs(self, pairs: Counter[tuple[int, int, str]], sign: int) -> None:
        """Count events (`sign` 1) or uncount them (-1) for each two of their participants (a place that merely
        contains an event's location is none), by the event's class: what `counterparts` reads."""
        self.db.executemany("INSERT INTO pair(a, b, class, n) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT(a, b, class) DO UPDATE SET n = n + excluded.n",
                            [(a, b, c, sign * n) for (a, b, c), n in pairs.items()])
        if sign < 0:
            self.db.executemany("DELETE FROM pair WHERE a = ? AND b = ? AND class = ? AND n <= 0", list(pairs))

    # ------------------------------------------------------------------ reading
    def _rows(self, sql: str, args: Iterable[object] = ()) -> list[dict[str, object]]:
        with self._lock:
            return [dict(r) for r in self.db.execute(sql, tuple(args))]

    def search_entities(self, text: str, core: str | None = None, limit: int = 12) -> list[dict[str, object]]:
        """Entities whose name or alias has words starting with those of `text`: those named so first, then those
        whose label, then an alias, starts with it, then the others; the most mentioned first, then shorter names."""
        match = match_expression(text)
        if match is None:
            return []
        folded = _fold(text)
        where = "AND e.core = ?" if core else ""
        return self._rows(f"""
            SELECT t.iri, e.label, e.class, e.core,
                   MIN(CASE WHEN n.folded = ? THEN 0 WHEN substr(n.folded, 1, length(?)) = ?
                            THEN (CASE WHEN n.name = e.label THEN 1 ELSE 2 END) ELSE 3 END) AS rank
            FROM name_fts f JOIN name n ON n.id = f.rowid JOIN entity e ON e.id = n.entity JOIN term t ON t.id = e.id
            WHERE name_fts MATCH ? {where}
            GROUP BY e.id ORDER BY rank, (SELECT COUNT(*) FROM mention m WHERE m.term = e.id) DESC, length(e.label),
                                   e.label LIMIT ?""",
                          [folded, folded, folded, match, *([core] if core else []), int(limit)])

    def resolve(self, name: str, cores: tuple[str, ...] = ()) -> str | None:
        """The IRI of the entity with this name or alias (case and accents folded; an exact match)."""
        where = f"AND e.core IN ({', '.join('?' * len(cores))})" if cores else ""
        rows = self._rows(f"""SELECT t.iri FROM name n JOIN entity e ON e.id = n.entity JOIN term t ON t.id = e.id
                              WHERE n.folded = ? {where}
                              ORDER BY (SELECT COUNT(*) FROM mention m WHERE m.term = e.id) DESC LIMIT 1""",
                          [_fold(name), *cores])
        return str(rows[0]["iri"]) if rows else None

    def labels(self, iris: Iterable[str]) -> dict[str, str]:
        iris = list(iris)
        out: dict[str, str] = {}
        for i in range(0, len(iris), 500):
            part = iris[i:i + 500]
            out.update({str(r["iri"]): str(r["label"]) for r in self._rows(
                f"""SELECT t.iri, e.label FROM term t JOIN entity e ON e.id = t.id
                    WHERE t.iri IN ({', '.join('?' * len(part))})""", part)})
        return out

    def search_articles(self, text: str, limit: int = 20) -> list[dict[str, object]]:
        """Articles whose title or text has the words of `text`, best first (BM25, the title weighing more),
        with an excerpt of the text around the matches (marked by MARK_START and MARK_END)."""
        match = match_expression(text)
        if match is None:
            return []
        return self._rows(f"""
            SELECT g.iri, a.title, a.date, a.publisher_label AS publisher,
                   snippet(article_fts, 1, '{MARK_START}', '{MARK_END}', '…', 16) AS excerpt
            FROM article_fts f JOIN article a ON a.id = f.rowid JOIN graph g ON g.id = a.id
            WHERE article_fts MATCH ? ORDER BY bm25(article_fts, 5.0, 1.0) LIMIT ?""", [match, int(limit)])

    def _event_where(self, f: EventFilter) -> tuple[str, list[object]]:
        clauses: list[str] = []
        args: list[object] = []
        for value, clause in ((f.cls, "e.id IN (SELECT event FROM event_class WHERE class = ?)"),
                              (f.publisher, "a.publisher = (SELECT id FROM term WHERE iri = ?)"),
                              (f.article, "e.article = (SELECT id FROM graph WHERE iri = ?)"),
                              (f.start, "e.end >= ?"), (f.end, "e.start <= ?"),
                              (f.modality if f.modality != "asserted" else None, "e.modality = ?")):
            if value:
                clauses.append(clause)
                args.append(value)
        if f.modality == "asserted":
            clauses.append("e.modality IS NULL")
        for name, iri in f.roles:
            roles = FILTER_ROLES[name]
            clauses.append(f"""e.id IN (SELECT r.event FROM event_role r JOIN term t ON t.id = r.term
                                        WHERE t.iri = ? AND r.role IN ({', '.join('?' * len(roles))}))""")
            args += [iri, *roles]
        if f.text is not None:
            match = match_expression(f.text)
            clauses.append("e.id IN (SELECT rowid FROM event_fts WHERE event_fts MATCH ?)" if match else "0")
            args += [match] if match else []
        return " AND ".join(clauses) or "1", args

    def events(self, f: EventFilter, offset: int = 0, limit: int = 20) -> tuple[list[dict[str, object]], int]:
        """The events that pass the filter, newest first (by their date, else their article's; then by article),
        from `offset`; and how many pass it."""
        where, args = self._event_where(f)
        base = f"FROM event e JOIN article a ON a.id = e.article JOIN graph g ON g.id = a.id WHERE {where}"
        total = int(self._rows(f"SELECT COUNT(*) AS n {base}", args)[0]["n"])  # type: ignore[arg-type]
        rows = self._rows(f"""SELECT e.iri, e.label, e.class, e.modality, e.date, e.qualifier, e.sort, e.sentence,
                                     e.sources, e.confidence, g.iri AS article, a.title, a.date AS published,
                                     a.publisher_label AS publisher {base}
                              ORDER BY e.sort DESC, e.article, e.id LIMIT ? OFFSET ?""",
                          [*args, int(limit), int(offset)])
        return rows, total

    def articles(self, offset: int = 0, limit: int = 50, publisher: str | None = None
                 ) -> tuple[list[dict[str, object]], int]:
        """The articles, newest first (undated last), from `offset`; and how many there are."""
        where, args = ("WHERE a.publisher = (SELECT id FROM term WHERE iri = ?)", [publisher]) if publisher \
            else ("", [])
        total = int(self._rows(f"SELECT COUNT(*) AS n FROM article a {where}", args)[0]["n"])  # type: ignore[arg-type]
        rows = self._rows(f"""SELECT g.iri, a.title, a.date, a.publisher_label AS publisher
                              FROM article a JOIN graph g ON g.id = a.id {where}
                              ORDER BY a.date IS NULL, a.date DESC, a.title LIMIT ? OFFSET ?""",
                          [*args, int(limit), int(offset)])
        return rows, total

    def canonical_events(self, entities: list[str] | None = None, offset: int = 0, limit: int = 50
                         ) -> tuple[list[dict[str, object]], bool]:
        """The latest canonical events (kg.canonical_rows: by when they sort, newest first), or those that name one of
        `entities` in a role, from `offset`; and whether more follow. Each entity's are read newest first by the
        index and merged: no more rows are read than the page needs, however many events the store holds."""
        columns = ", ".join(f"c.{c}" for c in CANONICAL_COLUMNS)
        wanted = int(offset) + int(limit) + 1
        if entities is None:
            rows = self._rows(f"SELECT {columns} FROM canonical c ORDER BY c.sort DESC, c.iri DESC LIMIT ? OFFSET ?",
                              [int(limit) + 1, int(offset)])
        else:
            merged: dict[object, dict[str, object]] = {}
            for iri in dict.fromkeys(entities):
                for r in self._rows(f"""SELECT {columns} FROM canonical_entity x JOIN canonical c ON c.id = x.event
                                        WHERE x.term = (SELECT id FROM term WHERE iri = ?)
                                        ORDER BY x.sort DESC, x.iri DESC LIMIT ?""", [iri, wanted]):
                    merged[r["iri"]] = r
            ordered = sorted(merged.values(), key=lambda r: (str(r["sort"]), str(r["iri"])), reverse=True)
            rows = ordered[int(offset):wanted]
        return rows[:int(limit)], len(rows) > int(limit)

    def counterparts(self, iri: str, limit: int = 10) -> list[dict[str, object]]:
        """The entities that share the most events with this one (in any role; not the places that merely contain
        an event's location), with how many events, and the most frequent class of those events: from the pairs
        of participants counted as events are indexed (counting the roles of Russia's events when asked took
        3.5 s at 10,000 articles)."""
        rows = self._rows("""SELECT t.iri, COALESCE(e.label, t.iri) AS label, e.class AS type, p.b, SUM(p.n) AS events
                             FROM pair p JOIN term t ON t.id = p.b LEFT JOIN entity e ON e.id = p.b
                             WHERE p.a = (SELECT id FROM term WHERE iri = ?)
                             GROUP BY p.b ORDER BY events DESC, label LIMIT ?""", [iri, int(limit)])
        if not rows:
            return []
        classes: dict[object, tuple[int, str]] = {}
        for r in self._rows(f"""SELECT b, class, n FROM pair WHERE a = (SELECT id FROM term WHERE iri = ?)
                                AND b IN ({', '.join('?' * len(rows))})""", [iri, *(r["b"] for r in rows)]):
            classes[r["b"]] = max(classes.get(r["b"], (0, "")), (int(r["n"]), str(r["class"])))  # type: ignore[call-overload]
        return [{**{k: v for k, v in r.items() if k != "b"}, "class": classes[r["b"]][1]} for r in rows]
