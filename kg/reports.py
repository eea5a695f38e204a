"""Reports: the events that articles' graphs tell, as event fusion (kg.fusion) reads them.

A report is an event node of an article's graph (kg.mapping mints them `<article>#event-<hash>`) with what
fusion compares: its classes, roles, date, modality and confidence, and its article's publication date and
publisher. They are read from an article's quads as ingestion is about to write them, or from the store.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import pyoxigraph as ox

import ontology
from kg import sparql_text, vocab

CONTRACT_EVENTS = ("ArmsTransfer", "Deployment", "MilitaryOperation", "Statement")
EVENT_TYPES = tuple(vocab.GKG + c for c in ("Event", *CONTRACT_EVENTS))  # the classes a report is found by
ROLE = {vocab.GKG + r: r for r in vocab.EVENT_ROLES}
TYPE = vocab.RDF + "type"
DATE, QUALIFIER, MODALITY, CONFIDENCE = (vocab.GKG + p for p in ("date", "dateQualifier", "modality", "confidence"))
PUBLISHED, PUBLISHER = vocab.SCHEMA + "datePublished", vocab.SCHEMA + "publisher"
RDFS_LABEL = vocab.RDFS + "label"
# What fusion reads of a report, and of its article.
REPORT_PREDICATES = (TYPE, *ROLE, DATE, QUALIFIER, MODALITY, CONFIDENCE)
ARTICLE_PREDICATES = (PUBLISHED, PUBLISHER)
PER_QUERY = 400  # IRIs per VALUES clause
NONE: frozenset[str] = frozenset()

Query = Callable[[str], Iterable[ox.QuerySolution]]


@dataclass(frozen=True)
class Report:
    iri: str
    article: str
    published: dt.date | None  # the article's publication day
    publisher: str | None  # the article's publisher's IRI
    kind: str  # its contract class: ArmsTransfer, Deployment, MilitaryOperation, Statement, or Event
    cls: str  # its most specific class (AirStrike, Capture, ...)
    modality: str | None  # Planned, Threatened, Denied, Negated, Hypothetical; None: told as having happened
    roles: tuple[tuple[str, frozenset[str]], ...]  # (role, IRIs) in vocab.EVENT_ROLES order, roles it fills
    date: str | None  # lexical xsd:date, xsd:gYearMonth or xsd:gYear
    datatype: str | None  # 'date', 'gYearMonth' or 'gYear'
    qualifier: str | None  # gkg:dateQualifier ('since', 'by', ...)
    confidence: float

    def __hash__(self) -> int:
        # by IRI only (equal reports have equal IRIs): fusion's caches hash reports millions of times
        return hash(self.iri)

    def role(self, name: str) -> frozenset[str]:
        for role, iris in self.roles:
            if role == name:
                return iris
        return NONE


class Shelf(Protocol):
    """Reports kept on disk (kg.report_shelf)."""

    def get(self, iris: list[str]) -> list[Report]: ...

    def put(self, found: Iterable[Report]) -> None: ...

    def drop(self, articles: Iterable[str] | None = None) -> None: ...


class Seen:
    """The reports a store object has read or fused, by IRI (the latest `size` kept), and on its `shelf` if it has
    one (an embedded store's, kept across processes: kg.report_shelf): fusion reads the reports of the events near
    each new one, mostly the same ones batch after batch (at 10,000 articles, reading them back was most of its
    time). A report's IRI is under its article's, whose graph ingestion writes once: the writes that remove or rewrite
    graphs `forget` their reports before they write, a SPARQL Update of unknown graphs all of them."""

    def __init__(self, size: int = 1 << 18, shelf: Shelf | None = None) -> None:
        self.size = size
        self.shelf = shelf
        self._by_iri: OrderedDict[str, Report] = OrderedDict()
        self._lock = threading.Lock()  # fusion runs under the store's lock, but a server's updates forget beside it

    def add(self, found: Iterable[Report]) -> None:
        chosen = list(found)
        with self._lock:
            self._keep(chosen)
            if self.shelf is not None:
                self.shelf.put(chosen)

    def _keep(self, found: list[Report]) -> None:
        for r in found:
            self._by_iri[r.iri] = r
            self._by_iri.move_to_end(r.iri)
        while len(self._by_iri) > self.size:
            self._by_iri.popitem(last=False)

    def take(self, iris: Iterable[str]) -> tuple[list[Report], list[str]]:
        """The reports kept among `iris`, and the IRIs not kept."""
        found, missing = [], []
        with self._lock:
            for iri in iris:
                r = self._by_iri.get(iri)
                if r is None:
                    missing.append(iri)
                else:
                    found.append(r)
            if missing and self.shelf is not None:
                shelved = self.shelf.get(missing)
                self._keep(shelved)
                found += shelved
                got = {r.iri for r in shelved}
                missing = [i for i in missing if i not in got]
        return found, missing

    def forget(self, articles: Iterable[str] | None = None) -> None:
        """Forget the reports of these articles (of every article: None)."""
        with self._lock:
            if articles is None:
                self._by_iri.clear()
            else:
                gone = set(articles)
                for iri in [i for i, r in self._by_iri.items() if r.article in gone]:
                    del self._by_iri[iri]
            if self.shelf is not None:
                self.shelf.drop(None if articles is None else gone)


@lru_cache(maxsize=1)
def event_classes() -> frozenset[str]:
    """Local names of gkg:Event and its subclasses."""
    return frozenset(c for c, supers in ontology.superclasses().items() if "Event" in supers)


def _classes(types: set[str]) -> tuple[str, str] | None:
    """(contract class, most specific class) of an event typed with `types` (local names); None: not an event."""
    known = [t for t in types if t in event_classes()]
    if not known:
        return None
    supers = ontology.superclasses()
    cls = max(known, key=lambda c: (len(supers[c]), c))
    return next((c for c in CONTRACT_EVENTS if c in supers[cls]), "Event"), cls


def _day(term: ox.Term | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(term.value[:10]) if isinstance(term, ox.Literal) else None
    except ValueError:
        return None


def reports_in(quads: Iterable[ox.Quad]) -> list[Report]:
    """The reports among `quads` (each in its article's graph), with their articles' dates and publishers from the
    same quads. Statements other than those fusion reads are passed over."""
    said: dict[str, dict[str, list[ox.Term]]] = {}
    graph_of: dict[str, str] = {}
    for q in quads:
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.graph_name, ox.NamedNode):
            said.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
            graph_of[q.subject.value] = q.graph_name.value
    out = []
    for iri, props in said.items():
        types = {t.value.removeprefix(vocab.GKG) for t in props.get(TYPE, []) if t.value.startswith(vocab.GKG)}
        classes = _classes(types)
        if classes is None:
            continue
        article = said.get(graph_of[iri], {})
        publisher = article.get(PUBLISHER, [None])[0]
        date = props.get(DATE, [None])[0]
        modality, qualifier = props.get(MODALITY, [None])[0], props.get(QUALIFIER, [None])[0]
        confidence = props.get(CONFIDENCE, [None])[0]
        try:
            level = float(confidence.value) if confidence is not None else 0.0
        except ValueError:
            level = 0.0
        roles = tuple((r, frozenset(o.value for o in props[vocab.GKG + r] if isinstance(o, ox.NamedNode)))
                      for r in vocab.EVENT_ROLES if vocab.GKG + r in props)
        out.append(Report(
            iri=iri, article=graph_of[iri], published=_day(article.get(PUBLISHED, [None])[0]),
            publisher=publisher.value if isinstance(publisher, ox.NamedNode) else None,
            kind=classes[0], cls=classes[1],
            modality=modality.value.removeprefix(vocab.GKG) if isinstance(modality, ox.NamedNode) else None,
            roles=tuple((r, iris) for r, iris in roles if iris),
            date=date.value if isinstance(date, ox.Literal) else None,
            datatype=date.datatype.value.removeprefix(vocab.XSD) if isinstance(date, ox.Literal) else None,
            qualifier=qualifier.value if isinstance(qualifier, ox.Literal) else None,
            confidence=min(max(level, 0.0), 1.0)))
    return out


def reports_in_nquads(articles: Iterable[tuple[str, bytes]]) -> tuple[list[Report], dict[tuple[str, str], str]]:
    """The reports of article graphs given as (IRI, N-Quads) (as bulk loads get them), and the rdfs:label of each
    node of theirs that has one, by (article, node) (the least, if several): only the lines of their event nodes,
    their articles' date and publisher, and labels are parsed."""
    label = f"> <{vocab.RDFS}label> ".encode()
    found: list[Report] = []
    labels: dict[tuple[str, str], str] = {}
    for article, nquads in articles:
        events = f"<{article}#event-".encode()
        own = tuple(f"<{article}> <{p}> ".encode() for p in ARTICLE_PREDICATES)
        quads = list(ox.parse(b"\n".join(line for line in nquads.split(b"\n")
                                          if line.startswith(events) or line.startswith(own) or label in line),
                              ox.RdfFormat.N_QUADS))
        found += reports_in(quads)
        for q in quads:
            if q.predicate.value == RDFS_LABEL:
                labels[article, q.subject.value] = min(q.object.value, labels.get((article, q.subject.value),
                                                                                  q.object.value))
    return found, labels


def _values(name: str, iris: Iterable[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(sparql_text.iri(i) for i in iris)} }}"


def among(name: str, iris: Iterable[str]) -> str:
    """A filter of ?`name` to these IRIs. Oxigraph joins a second VALUES clause by scanning the store for each of its
    values: fusion's queries give one VALUES clause (the IRIs they read by) and filter the rest with this (3 to 16
    times faster at 10,000 articles)."""
    return f"FILTER(?{name} IN ({', '.join(sparql_text.iri(i) for i in iris)}))"


def _chunks(items: Iterable[str], size: int = PER_QUERY) -> Iterable[list[str]]:
    ordered = sorted(set(items))
    for i in range(0, len(ordered), size):
        yield ordered[i:i + size]


def _quads(query: Query, sparql: str) -> Iterable[ox.Quad]:
    for row in query(sparql):
        yield ox.Quad(row["s"], row["p"], row["o"], row["g"])


def _article_quads(query: Query, articles: Iterable[str]) -> list[ox.Quad]:
    quads: list[ox.Quad] = []
    for chunk in _chunks(articles):
        quads += _quads(query, f"""SELECT ?s ?p ?o ?g WHERE {{ {_values("g", chunk)} GRAPH ?g {{ ?g ?p ?o }}
                                   {among("p", ARTICLE_PREDICATES)} BIND(?g AS ?s) }}""")
    return quads


def read_reports(query: Query, iris: Iterable[str]) -> list[Report]:
    """The reports with these IRIs, read from the store that `query` queries (IRIs that are none are left out)."""
    quads: list[ox.Quad] = []
    for chunk in _chunks(iris):
        quads += _quads(query, f"""SELECT ?s ?p ?o ?g WHERE {{ {_values("s", chunk)} GRAPH ?g {{ ?s ?p ?o }}
                                   {among("p", REPORT_PREDICATES)} }}""")
    return reports_in(quads + _article_quads(query, {q.graph_name.value for q in quads}))


def article_reports(query: Query, articles: Iterable[str], per_query: int = 50) -> list[Report]:
    """Every report in these articles' graphs."""
    typed = among("c", EVENT_TYPES)
    quads: list[ox.Quad] = []
    chosen = list(articles)
    for chunk in _chunks(chosen, per_query):
        quads += _quads(query, f"""SELECT ?s ?p ?o ?g WHERE {{ {_values("g", chunk)}
                                   GRAPH ?g {{ ?s a ?c {typed} ?s ?p ?o {among("p", REPORT_PREDICATES)} }} }}""")
    return reports_in(quads + _article_quads(query, chosen))
