"""Canonical events as rows of the search index (kg.search_index), for their lists: what a list shows of each (label,
classes, date, place, counts of articles and publishers, first and last report, confidence, modality, how many
reports contradict it), the entities its roles name, and when it sorts.

An event sorts at its newest period (the dates its reports give, or for a report that gives none its article's day:
kg.fusion.home, read from its period keys) but not after its last report: an event planned for a later day sorts
at the day it was last reported. A day sorts after its month, a month after its year (their ISO forms compare so).

Rows are read from the quads of each event's description (kg.canonical.describe), whether in hand (a fusion's
change, a rebuild) or read back from a store (the index's catch-up, `read`): one reading, so both agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox

from kg import canonical, fusion, sparql_text, vocab
from kg.index_source import Query

GKG = vocab.GKG
TYPE = vocab.RDF + "type"
CANONICAL = GKG + "CanonicalEvent"
ROLES = frozenset(GKG + r for r in vocab.EVENT_ROLES)
# The predicates a row is read from (besides the roles): each read as one value, the least if several.
SINGLE = {vocab.RDFS + "label": "label", GKG + "date": "date", GKG + "location": "place",
          GKG + "articleCount": "articles", GKG + "publisherCount": "publishers", GKG + "firstReported": "first",
          GKG + "lastReported": "last", GKG + "confidence": "confidence", GKG + "modality": "modality"}
READ = (TYPE, *SINGLE, GKG + "eventClass", GKG + "contradictedBy", canonical.INDEX_KEY.value, *sorted(ROLES))
PER_QUERY = 400  # events per read


@dataclass(frozen=True)
class EventRow:
    iri: str
    sort: str
    label: str
    classes: str  # IRIs apart by spaces
    date: str | None
    place: str | None
    articles: int
    publishers: int
    first: str | None
    last: str | None
    confidence: float
    modality: str | None
    contested: int
    entities: tuple[str, ...]  # named in its roles (actor, target, supplier, recipient, speaker, asset, place)


def row(iri: str, pairs: Iterable[tuple[str, str]]) -> EventRow | None:
    """The row of the event `iri` from (predicate, object) of its description; None if it is no canonical event."""
    single: dict[str, str] = {}
    classes: set[str] = set()
    contested: set[str] = set()
    periods: list[str] = []
    entities: set[str] = set()
    typed = False
    for p, o in pairs:
        if p == TYPE:
            typed = typed or o == CANONICAL
        elif p in SINGLE:
            name = SINGLE[p]
            single[name] = min(o, single.get(name, o))
        elif p == GKG + "eventClass":
            classes.add(o)
        elif p == GKG + "contradictedBy":
            contested.add(o)
        elif p == canonical.INDEX_KEY.value:
            period = o.removeprefix(canonical.KEY)
            if "/" not in period and period != fusion.UNDATED:
                periods.append(period)
        if p in ROLES:
            entities.add(o)
    if not typed or "label" not in single:
        return None
    last = single.get("last")
    sort = max((min(p, last) if last else p for p in periods), default=last or "")
    return EventRow(iri=iri, sort=sort, label=single["label"], classes=" ".join(sorted(classes)),
                    date=single.get("date"), place=single.get("place"), articles=int(single.get("articles", "0")),
                    publishers=int(single.get("publishers", "0")), first=single.get("first"), last=last,
                    confidence=float(single.get("confidence", "0")), modality=single.get("modality"),
                    contested=len(contested), entities=tuple(sorted(entities)))


def rows_of(quads: Iterable[ox.Quad]) -> dict[str, EventRow]:
    """The rows of the canonical events whose whole descriptions are among the quads."""
    by_event: dict[str, list[tuple[str, str]]] = {}
    for q in quads:
        by_event.setdefault(q.subject.value, []).append((q.predicate.value, q.object.value))
    return {iri: r for iri, pairs in by_event.items() if (r := row(iri, pairs)) is not None}


def flattened(events: Iterable[list[ox.Quad]], rows: list[EventRow]) -> Iterator[ox.Quad]:
    """The quads of the events (each event's description), one event after another, adding each one's row to `rows`
    as it goes (a rebuild writes them, then indexes the rows)."""
    for quads in events:
        rows.extend(rows_of(quads).values())
        yield from quads


def read(query: Query) -> Iterator[EventRow]:
    """Every canonical event of a store's events graph, read back (PER_QUERY events a query, by subject)."""
    events = sorted(r["e"].value for r in query(
        f"SELECT ?e WHERE {{ GRAPH <{canonical.EVENTS.value}> {{ ?e a <{CANONICAL}> }} }}"))
    wanted = ", ".join(sparql_text.iri(p) for p in READ)
    for n in range(0, len(events), PER_QUERY):
        chunk = events[n:n + PER_QUERY]
        pairs: dict[str, list[tuple[str, str]]] = {e: [] for e in chunk}
        for r in query(f"SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {' '.join(sparql_text.iri(e) for e in chunk)} }} "
                       f"GRAPH <{canonical.EVENTS.value}> {{ ?e ?p ?o }} FILTER(?p IN ({wanted})) }}"):
            pairs[r["e"].value].append((r["p"].value, r["o"].value))
        for e in chunk:
            found = row(e, pairs[e])
            if found is not None:
                yield found


def count(query: Query) -> int:
    """How many canonical events a store's events graph holds."""
    return int(next(iter(query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{canonical.EVENTS.value}> "
                               f"{{ ?e a <{CANONICAL}> }} }}")))["n"].value)
