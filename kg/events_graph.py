"""The events graph kept up to date in a store: the canonical events (kg.canonical) of the reports (kg.reports) of
the articles stored, fused by kg.fusion as articles come and go, or rebuilt from all of them.

Where fusion writes, so that removing an article is clean:
- an article's graph stays what extraction made of the article: fusion writes nothing in it;
- the events graph holds the canonical events, each report's gkg:reportOf (which depends on other articles, so it
  lives with the canonical events) and the index;
- the state graph marks each article stored but not yet fused (`<article> gkg:unfused true`): the mark is written
  with the article's graph and removed in the transaction that writes its fusion, so an ingestion stopped in
  between leaves marks that `geokg init` (run by every ingest) or `geokg fuse` finishes.

Adding articles: each new report's candidates are the canonical events filed under the index keys of
kg.fusion.lookup (its parties, places and assets, in the periods its time may overlap), read with index
look-ups; the groups are recomputed over the reports of those it joins (kg.fusion.same_event with one of their
reports) and the new ones; the events that change are rewritten as a difference (the quads that go, the quads that
come) in one update. Reports are read once per store object and kept (kg.reports.Seen; an embedded store keeps them
on disk for the next process too, kg.report_shelf). Removing an article drops its
graph and regroups the reports left in the events it touched, in one update. A rebuild groups every report at
once; since the groups are the connected components of a relation between reports (kg.fusion), both give the same
events, IRIs included. Other writes to article graphs (Graph Store PUT and POST, SPARQL Update) take their reports out
before and fuse them again after (`refusing`); an update whose graphs its text cannot tell marks the events graph out
of date, for `geokg fuse` or the next `geokg init` to rebuild.

Any store with `query`, `has_graph`, `add_graph`, `articles`, `change_events`, `replace_events` and `fusion_lock`
(the embedded store and SPARQL servers, kg.store and kg.sparql_store). Fusion of one store object is serialised by
its lock; other programs writing the same SPARQL server meanwhile are not seen.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from kg import canonical, canonical_rows, fusion, reference, reports, sparql_text, vocab
from kg.canonical_rows import EventRow
from kg.reports import Report
from kg.vocab import gkg

log = logging.getLogger(__name__)

STATE = ox.NamedNode(vocab.STATE_GRAPH)
EVENTS = canonical.EVENTS
UNFUSED = gkg("unfused")
TRUE = ox.Literal("true", datatype=vocab.xsd("boolean"))
# In the state graph: the events graph is complete for this version of the rules and of the reference knowledge.
VERSION = gkg("contentHash")
PER_QUERY = 400  # IRIs per VALUES clause
ARTICLES_PER_FUSION = 200  # articles read and fused at once by `fuse_pending` and `catch_up`
# Graphs that GeoKG writes itself: no user write through `refusing` reaches an article's reports there.
MANAGED = frozenset({vocab.REFERENCE_GRAPH, vocab.ONTOLOGY_GRAPH, vocab.EVENTS_GRAPH, vocab.STATE_GRAPH})
TYPED = " ".join(sparql_text.iri(t) for t in reports.EVENT_TYPES)


class EventStore(Protocol):
    fusion_lock: threading.Lock
    fusing: bool  # whether articles are fused as they are stored
    seen: reports.Seen  # reports read or fused through this object

    def query(self, sparql: str) -> Iterable[ox.QuerySolution]: ...

    def has_graph(self, iri: str) -> bool: ...

    def add_graph(self, quads: Iterable[ox.Quad]) -> int: ...

    def articles(self) -> Iterator[str]: ...

    def change_events(self, removed: list[ox.Quad], added: list[ox.Quad], drop: str | None = None,
                      rows: dict[str, EventRow | None] | None = None) -> None: ...

    def replace_events(self, events: Iterable[list[ox.Quad]], version: ox.Quad) -> None: ...


@dataclass(frozen=True)
class Outcome:
    """What one fusion did: reports fused, and canonical events rewritten and removed."""

    reports: int
    written: int
    removed: int


def unfused(article: str) -> ox.Quad:
    """The mark of an article stored but not yet fused."""
    return ox.Quad(ox.NamedNode(article), UNFUSED, TRUE, STATE)


def version_mark(version: str) -> ox.Quad:
    return ox.Quad(EVENTS, VERSION, ox.Literal(version), STATE)


def _chunks(items: Iterable[str], size: int = PER_QUERY) -> Iterator[list[str]]:
    ordered = sorted(set(items))
    for i in range(0, len(ordered), size):
        yield ordered[i:i + size]


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(sparql_text.iri(i) for i in iris)} }}"


def _rows(store: EventStore, iris: Iterable[str], name: str, pattern: str, *columns: str) -> Iterator[tuple]:
    """The terms of `columns` in the rows of `pattern`, with ?`name` bound to each of `iris` in turn (by chunks)."""
    for chunk in _chunks(iris):
        for row in store.query(f"SELECT {' '.join('?' + c for c in columns)} WHERE {{ {_values(name, chunk)} "
                               f"{pattern} }}"):
            yield tuple(row[c] for c in columns)


def _values_of(rows: Iterable[tuple]) -> Iterator[tuple[str, ...]]:
    for row in rows:
        yield tuple(t.value for t in row)


def _marked(store: EventStore, articles: Iterable[str]) -> set[str]:
    return {a for (a,) in _values_of(_rows(store, articles, "a",
                                           f"GRAPH <{STATE.value}> {{ ?a <{UNFUSED.value}> ?t }}", "a"))}


def _reports_of(store: EventStore, events: Iterable[str]) -> list[tuple[str, str]]:
    """(report, canonical event) for each report of these events."""
    return list(_values_of(_rows(store, events, "e", f"GRAPH <{EVENTS.value}> "
                                                     f"{{ ?r <{canonical.REPORT_OF.value}> ?e }}", "r", "e")))


def _members(store: EventStore, events: Iterable[str]) -> dict[str, list[str]]:
    """The reports of each canonical event."""
    out: dict[str, list[str]] = {}
    for r, e in _reports_of(store, events):
        out.setdefault(e, []).append(r)
    return out


def _event_quads(store: EventStore, events: Iterable[str]) -> set[ox.Quad]:
    """Everything the events graph says of these canonical events, and their reports' gkg:reportOf."""
    chosen = list(events)
    found = {ox.Quad(e, p, o, EVENTS) for e, p, o in _rows(store, chosen, "e", f"GRAPH <{EVENTS.value}> {{ ?e ?p ?o }}",
                                                             "e", "p", "o")}
    return found | {ox.Quad(ox.NamedNode(r), canonical.REPORT_OF, ox.NamedNode(e), EVENTS)
                    for r, e in _reports_of(store, chosen)}


Labels = dict[tuple[str, str], str]  # (article, IRI): what the article calls a participant


def _labels(store: EventStore, groups: list[list[Report]], given: Labels) -> Labels:
    """What the articles of the groups' reports call the participants that the reference does not know: those
    `given`, and the others read from the store."""
    entities = reference.load().entities
    wanted = {(r.article, i) for g in groups for r in g for _, iris in r.roles for i in iris
              if i not in entities and (r.article, i) not in given}
    found = dict(given)
    pairs = sorted(wanted)
    for n in range(0, len(pairs), PER_QUERY):
        values = " ".join(f"({sparql_text.iri(a)} {sparql_text.iri(i)})" for a, i in pairs[n:n + PER_QUERY])
        rows = store.query(f"SELECT ?g ?x ?label WHERE {{ VALUES (?g ?x) {{ {values} }} "
                           f"GRAPH ?g {{ ?x <{vocab.RDFS}label> ?label }} }}")
        for a, i, label in _values_of((row["g"], row["x"], row["label"]) for row in rows):
            found[a, i] = min(label, found.get((a, i), label))
    return found


def _labeller(labels: Labels, group: list[Report]) -> Callable[[str], str]:
    """Labels of a group's participants: the reference's, else the least of those its articles give (so that an
    event's label depends on its reports only), else the end of the IRI."""
    entities = reference.load().entities

    def label(iri: str) -> str:
        e = entities.get(iri)
        if e is not None:
            return e.label
        given = [labels[r.article, iri] for r in group if (r.article, iri) in labels]
        return min(given) if given else iri.rsplit("/", 1)[-1]

    return label


@dataclass(frozen=True)
class Change:
    """A change of the events graph: the quads that go (in the store) and those that come (not in it), and the rows of
    the search index (kg.canonical_rows) of the events it rewrites (None: gone)."""

    removed: list[ox.Quad]
    added: list[ox.Quad]
    outcome: Outcome
    rows: dict[str, EventRow | None]


def _change(store: EventStore, rewrite: set[str], groups: list[list[Report]], fused: int,
            labels: Labels) -> Change:
    """The change that writes `groups` in place of the events `rewrite` (having fused `fused` reports)."""
    before = _event_quads(store, rewrite)
    labels = _labels(store, groups, labels)
    after = {q for g in groups for q in canonical.describe(g, _labeller(labels, g))}
    typed = ox.NamedNode(vocab.RDF + "type")
    gone = {q.subject for q in before if q.predicate == typed} - {q.subject for q in after if q.predicate == typed}
    rows: dict[str, EventRow | None] = {e.value: None for e in gone}
    rows.update(canonical_rows.rows_of(after))
    return Change(list(before - after), list(after - before), Outcome(fused, len(groups), len(gone)), rows)


@dataclass
class _Events:
    """Canonical events read from the store: their reports, and their parts (kg.fusion.components)."""

    members: dict[str, list[Report]]

    @staticmethod
    def read(store: EventStore, events: Iterable[str]) -> _Events:
        ids = _members(store, events)
        kept, missing = store.seen.take({r for rs in ids.values() for r in rs})
        read = reports.read_reports(store.query, missing)
        store.seen.add(read)
        found = {r.iri: r for r in kept + read}
        return _Events({e: [found[r] for r in rs if r in found] for e, rs in ids.items()})

    def parts(self, event: str) -> list[list[Report]]:
        return fusion.components(self.members.get(event, []))


def _key_iris(keys: Iterable[tuple[str, str, str]]) -> set[str]:
    return {canonical.key_iri(*k) for k in keys}


def _filed(store: EventStore, keys: Iterable[str]) -> dict[str, set[str]]:
    """The canonical events filed under each of these index keys."""
    out: dict[str, set[str]] = {}
    for k, e in _values_of(_rows(store, keys, "k", f"GRAPH <{EVENTS.value}> {{ ?e <{canonical.INDEX_KEY.value}> ?k }}",
                                 "k", "e")):
        out.setdefault(k, set()).add(e)
    return out


def _crowded(store: EventStore, keys: set[tuple[str, str, str]], loaded: list[_Events]) -> set[tuple[str, str, str]]:
    """Those of the background keys (kg.fusion.recalled_by) under which more than RECALL_CANDIDATES events other than
    the `loaded` ones are filed: a mention that looks one up recalls none (counted by the store, not read, as a hub's
    keys file thousands of events). The loaded events are filed under the keys of the reports they hold."""
    mine: dict[tuple[str, str, str], set[str]] = {}
    for events in loaded:
        for e, rs in events.members.items():
            for r in rs:
                for k in fusion.background_keys(r) & keys:
                    mine.setdefault(k, set()).add(e)
    by_iri = {canonical.key_iri(*k): k for k in keys}
    crowded = set()
    for chunk in _chunks(by_iri):
        for row in store.query(f"SELECT ?k (COUNT(?e) AS ?n) WHERE {{ {_values('k', chunk)} GRAPH <{EVENTS.value}> "
                               f"{{ ?e <{canonical.INDEX_KEY.value}> ?k }} }} GROUP BY ?k"):
            k = by_iri[row["k"].value]
            if int(row["n"].value) - len(mine.get(k, ())) > fusion.RECALL_CANDIDATES:
                crowded.add(k)
    return crowded


def _settle(store: EventStore, new: list[Report], gone: set[str],
            known: _Events) -> tuple[set[str], list[list[Report]]]:
    """The canonical events a change makes, as kg.fusion.groups would make them from every report: `new` reports come,
    the reports `gone` go, `known` are the events they may join or leave, read. Returns the events to rewrite and the
    groups to write in their place.

    The parts (kg.fusion.components) of the events in `start` and the new reports are regrouped. The dated parts
    that change (given new dated reports, merged, or losing reports) are looked up by the undated parts that may
    recall them (kg.fusion.recalling), whose events join. Every undated part among these then looks up the dated
    events it may recall (kg.fusion.recalled_by): those that may recall at most RECALL_CANDIDATES are attached anew
    (kg.fusion.attach), and a dated event elsewhere that gains mentions is rewritten whole."""
    start = set(known.members)
    before = [part for e in start for part in known.parts(e)]
    broken = [part for part in before if any(r.iri in gone for r in part)]
    regrouped = fusion.components(
        [r for rs in known.members.values() for r in rs if r.iri not in gone] + new,
        linked=[[r.iri for r in part] for part in before if part not in broken],
        probe=[r.iri for r in new] + [r.iri for part in broken for r in part if r.iri not in gone])
    was_dated = {r.iri: n for n, part in enumerate(p for p in before if fusion.anchored(p)) for r in part}
    merged = [g for g in regrouped if len({was_dated[r.iri] for r in g if r.iri in was_dated}) > 1]
    changed = new + [r for g in merged for r in g] + [r for part in broken if fusion.anchored(part) for r in part]
    # a mention recalls a changed report only under its own background keys; where every one of them (of an entity)
    # files too many events already, no mention of that entity can choose it, nor had any chosen an event there
    full = _crowded(store, {k for r in changed for k in fusion.background_keys(r)}, [known])
    recalling = _filed(store, _key_iris(k for r in changed for k in fusion.recalling(r, full)))
    others = _Events.read(store, {e for es in recalling.values() for e in es} - start)
    parts = regrouped + [part for e in others.members for part in others.parts(e)]
    anchors = [g for g in parts if fusion.anchored(g)]
    floats = [g for g in parts if fusion.floating(g)]
    in_memory: dict[tuple[str, str, str], set[int]] = {}
    for n, g in enumerate(anchors):
        for key in {k for r in g for k in fusion.background_keys(r)}:
            in_memory.setdefault(key, set()).add(n)
    recalled = [{k for r in g for k in fusion.recalled_by(r)} for g in floats]
    crowded = _crowded(store, {k for ks in recalled for k in ks}, [known, others])
    hopeful = [n for n, ks in enumerate(recalled) if not ks & crowded]
    stored = _filed(store, _key_iris(k for n in hopeful for k in recalled[n]))
    seen = start | set(others.members)
    hits = {n: ({m for k in recalled[n] for m in in_memory.get(k, ())},
                {e for k in recalled[n] for e in stored.get(canonical.key_iri(*k), ()) if e not in seen})
            for n in hopeful}
    open_floats = [n for n, (here, there) in hits.items() if len(here) + len(there) <= fusion.RECALL_CANDIDATES]
    further = _Events.read(store, {e for n in open_floats for e in hits[n][1]})
    elsewhere = {e: next(p for p in further.parts(e) if fusion.anchored(p)) for e in further.members}
    chosen = fusion.attach([floats[n] for n in open_floats], anchors + list(elsewhere.values()))
    gained: dict[int, list[Report]] = {}
    for k, d in chosen.items():
        gained.setdefault(d, []).extend(floats[open_floats[k]])
    groups = [g + gained.get(n, []) for n, g in enumerate(anchors)]
    rewrite = start | set(others.members)
    for n, e in enumerate(elsewhere, start=len(anchors)):
        if n in gained:
            groups.append(further.members[e] + gained[n])
            rewrite.add(e)
    attached = {open_floats[k] for k in chosen}
    groups += [g for n, g in enumerate(floats) if n not in attached]
    groups += [g for g in parts if not fusion.anchored(g) and not fusion.floating(g)]
    # an event whose reports are those it had is left as it is
    had = {frozenset(r.iri for r in rs): e for loaded in (known, others, further) for e, rs in loaded.members.items()}
    unchanged: set[str] = set()
    changes: list[list[Report]] = []
    for g in groups:
        if had.get(frozenset(r.iri for r in g)) == canonical.event_iri(g):
            unchanged.add(canonical.event_iri(g))
        else:
            changes.append(sorted(g, key=lambda r: r.iri))
    return rewrite - unchanged, changes


def _joined(store: EventStore, new: list[Report]) -> _Events:
    """The canonical events, read, that one of the `new` reports tells (kg.fusion.same_event with one of their reports),
    among those filed under its look-up keys. The others are left as they are, or to the look-ups of background
    mentions like any event: where news of many days come at once, the candidates are most of the store's events."""
    lookups = {r.iri: canonical.lookup_keys(r) for r in new}
    filed = _filed(store, {k for ks in lookups.values() for k in ks})
    candidates = _Events.read(store, {e for es in filed.values() for e in es})
    joined: set[str] = set()
    for r in new:
        for e in {e for k in lookups[r.iri] for e in filed.get(k, ())} - joined:
            if any(fusion.same_event(r, m) for m in candidates.members.get(e, ())):
                joined.add(e)
    return _Events({e: candidates.members[e] for e in joined})


def plan(store: EventStore, new: list[Report], labels: Labels) -> Change:
    """The change that fusing the `new` reports makes, whether or not their articles are stored yet (`labels`: the
    labels their graphs give their participants). The caller holds the store's fusion lock until it is written."""
    rewrite, groups = _settle(store, new, set(), _joined(store, new))
    return _change(store, rewrite, groups, len(new), labels)


def fuse(store: EventStore, new: list[Report], articles: Iterable[str]) -> Outcome:
    """Fuse the reports of articles just stored (`new`, of `articles`), and remove those articles' unfused marks.
    Reports of articles no longer marked (removed meanwhile, or fused already) are left out."""
    with store.fusion_lock:
        marked = _marked(store, articles)
        fused = [r for r in new if r.article in marked]
        change = plan(store, fused, {})
        store.change_events([*change.removed, *(unfused(a) for a in sorted(marked))], change.added, rows=change.rows)
        store.seen.add(fused)
    return change.outcome


def fuse_article(store: EventStore, iri: str, quads: list[ox.Quad]) -> None:
    """Fuse an article just stored with its graph's `quads` (and its unfused mark), if the store fuses as it stores."""
    if store.fusing:
        fuse(store, reports.reports_in(quads), [iri])


def remove(store: EventStore, article: str) -> bool:
    """Remove an article's graph with its reports' place in the events graph: the events they were reports of are
    regrouped from the reports left (an event may split in two, or go, and mentions it held may go elsewhere).
    False if there is no such graph."""
    with store.fusion_lock:
        if not store.has_graph(article):
            return False
        _unfuse(store, [article], drop=article)
    return True


def _unfuse(store: EventStore, articles: list[str], drop: str | None = None) -> None:
    """Take the reports of these articles out of the events graph (the events they were reports of regrouped from
    the reports left) and mark the articles unfused, in one update; or, with `drop` (the one article), drop its graph
    and its mark instead. The caller holds the fusion lock."""
    typed = reports.among("c", reports.EVENT_TYPES)
    mine = {r for (r,) in _values_of(_rows(store, articles, "g", f"GRAPH ?g {{ ?r a ?c {typed} }}", "r"))}
    start = {e for _, e in _values_of(_rows(store, mine, "r", f"GRAPH <{EVENTS.value}> {{ ?r "
                                                               f"<{canonical.REPORT_OF.value}> ?e }}", "r", "e"))}
    rewrite, groups = _settle(store, [], mine, _Events.read(store, start))
    change = _change(store, rewrite, groups, 0, {})
    marked = _marked(store, articles)
    store.seen.forget(articles)  # before the write: the reports kept on disk (kg.report_shelf) must not outlive it
    if drop is None:
        store.change_events(change.removed, [*change.added, *(unfused(a) for a in articles if a not in marked)],
                            rows=change.rows)
    else:
        store.change_events([*change.removed, *(unfused(a) for a in marked)], change.added, drop, change.rows)


def _articles(store: EventStore, graphs: Iterable[str]) -> set[str]:
    """Those of the graphs that hold an article."""
    return {a for (a,) in _values_of(_rows(store, graphs, "g", f"GRAPH ?g {{ ?g a <{vocab.GKG}Article> }}", "g"))}


@contextmanager
def refusing(store: EventStore, graphs: Iterable[str] | None) -> Iterator[None]:
    """Around a write that may change the reports in these graphs (a Graph Store PUT or POST, a SPARQL Update), so
    that the events graph follows it: before the write, the reports of those graphs that hold articles leave the
    events graph (regrouped as by `remove`, the graphs kept) and the articles are marked unfused; after it, done or
    failed, the graphs that hold articles then are fused again from what the store holds (by a store that fuses;
    another leaves them marked). With None (a write that may change any graph), the events graph is marked out of
    date once the write is done, to be rebuilt by the next `geokg init` or `geokg fuse`. The reports kept
    (kg.reports.Seen) of the articles unfused, or of every article with None, are forgotten."""
    if graphs is None:
        store.seen.forget()  # before (a crash in the write must not leave reports kept) and after (fusion meanwhile)
        try:
            yield
        finally:
            store.seen.forget()
        outdate(store)
        return
    chosen = sorted(set(graphs) - MANAGED)
    with store.fusion_lock:
        before = _articles(store, chosen)
        if before:
            _unfuse(store, sorted(before))
    try:
        yield
    finally:
        after = sorted(before | _articles(store, chosen))
        if store.fusing:
            fuse_stored(store, after)
        elif unmarked := sorted(set(after) - _marked(store, after)):
            store.add_graph([unfused(a) for a in unmarked])


def outdate(store: EventStore) -> None:
    """Mark the events graph out of date: the next `geokg init` or `geokg fuse` rebuilds it."""
    with store.fusion_lock:
        marks = [ox.Quad(EVENTS, VERSION, row["v"], STATE) for row in store.query(
            f"SELECT ?v WHERE {{ GRAPH <{STATE.value}> {{ <{EVENTS.value}> <{VERSION.value}> ?v }} }}")]
        store.change_events(marks, [])
    if marks:
        log.warning("a write may have changed any graph's reports: the events graph is out of date until "
                    "'geokg fuse' (or the next 'geokg init') rebuilds it")


def rebuild(store: EventStore, version: str) -> Outcome:
    """Group every report of the store anew and replace the events graph with the result; clears every unfused mark
    and notes `version`."""
    with store.fusion_lock:
        articles = list(store.articles())
        every: list[Report] = []
        for i in range(0, len(articles), ARTICLES_PER_FUSION):
            every += reports.article_reports(store.query, articles[i:i + ARTICLES_PER_FUSION])
        grouped = fusion.groups(every)
        labels = _labels(store, grouped, {})
        store.replace_events((list(canonical.describe(g, _labeller(labels, g))) for g in grouped),
                             version_mark(version))
        store.seen.add(every)  # for the next fusions (and processes, on an embedded store's shelf)
    return Outcome(len(every), len(grouped), 0)


def pending(store: EventStore) -> list[str]:
    """The articles marked as stored but not yet fused."""
    return sorted(row["a"].value for row in store.query(
        f"SELECT ?a WHERE {{ GRAPH <{STATE.value}> {{ ?a <{UNFUSED.value}> ?t }} }}"))


def unreported(store: EventStore) -> list[str]:
    """The articles with a report that is no canonical event's (graphs stored by other programs, e.g. bulk loads of
    `geokg extract` output), read with one scan of the reports."""
    return sorted(row["a"].value for row in store.query(
        f"SELECT DISTINCT ?a WHERE {{ GRAPH ?a {{ ?r a ?c VALUES ?c {{ {TYPED} }} }} "
        f"FILTER NOT EXISTS {{ GRAPH <{EVENTS.value}> {{ ?r <{canonical.REPORT_OF.value}> ?e }} }} }}"))


def fuse_stored(store: EventStore, articles: list[str]) -> Outcome:
    """Fuse articles already in the store, `ARTICLES_PER_FUSION` at a time, reading their reports from it (those
    stored by other means are marked unfused first)."""
    total = Outcome(0, 0, 0)
    for i in range(0, len(articles), ARTICLES_PER_FUSION):
        chunk = articles[i:i + ARTICLES_PER_FUSION]
        unmarked = sorted(set(chunk) - _marked(store, chunk))
        if unmarked:
            store.add_graph([unfused(a) for a in unmarked])
        done = fuse(store, reports.article_reports(store.query, chunk), chunk)
        total = Outcome(total.reports + done.reports, total.written + done.written, total.removed + done.removed)
    return total


def count(store: EventStore) -> int:
    """The number of canonical events."""
    return canonical_rows.count(store.query)


def is_current(store: EventStore, version: str) -> bool:
    """Whether the events graph was built by this version of the rules and reference knowledge."""
    return bool(store.query(f"ASK {{ GRAPH <{STATE.value}> {{ <{EVENTS.value}> <{VERSION.value}> "
                            f"{sparql_text.literal(version)} }} }}"))
