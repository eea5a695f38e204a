"""What the search index (kg.search_index) takes of article graphs: each article, its events and its entities'
names. Read back from a store with SPARQL (any store with `query`: the embedded one or a SPARQL server), or taken
from an article's quads while they are in hand (`from_quads`: extraction processes do it beside the N-Quads they
send, so that the storing process need not read back what it has just loaded). Both give the same rows
(tests/test_search_index.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

import ontology
from kg import vocab
from kg.sparql_text import iri as sparql_iri

Query = Callable[[str], Iterable[ox.QuerySolution]]
P = vocab.SPARQL_PREFIXES
GKG, NIF, SCHEMA = vocab.GKG, vocab.NIF, vocab.SCHEMA
RDF_TYPE, RDFS_LABEL, SKOS_ALT_LABEL = vocab.RDF + "type", vocab.RDFS + "label", vocab.SKOS + "altLabel"


def _values(iris: Iterable[str]) -> str:
    return " ".join(sparql_iri(i) for i in iris)


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


@dataclass
class IndexedArticle:
    title: str
    text: str
    date: str | None = None
    pub: str | None = None  # the publisher's IRI
    publisher: str | None = None  # its label
    mentions: list[str] = field(default_factory=list)


@dataclass
class IndexedEvent:
    iri: str
    graph: str
    classes: set[str] = field(default_factory=set)
    label: str = ""
    modality: str | None = None
    date: str | None = None
    qualifier: str | None = None
    confidence: float | None = None
    sentences: dict[int, str] = field(default_factory=dict)
    sources: set[str] = field(default_factory=set)
    roles: set[tuple[str, str]] = field(default_factory=set)

    def take(self, predicate: str, value: str) -> bool:
        """Take a statement's value if its predicate is the label, date, date qualifier, modality, confidence or a
        role; False if it is none of them."""
        local = predicate.removeprefix(GKG)
        if predicate == RDFS_LABEL:
            self.label = value
        elif local == "date":
            self.date = value
        elif local == "dateQualifier":
            self.qualifier = value
        elif local == "modality":
            self.modality = value.removeprefix(GKG)
        elif local == "confidence":
            self.confidence = float(value)
        elif local in vocab.EVENT_ROLES:
            self.roles.add((local, value))
        else:
            return False
        return True


# (graph, entity, class, name, whether it is the label rather than an alias)
Name = tuple[str, str, str, str, bool]


@dataclass
class IndexRows:
    """What the search index holds of one article graph."""

    article: IndexedArticle
    events: list[IndexedEvent]
    names: list[Name]


def read_graphs(query: Query, graphs: list[str]) -> dict[str, IndexRows]:
    """The index rows of the article graphs among `graphs`, read from the store."""
    articles = read_articles(query, graphs)
    rows = {g: IndexRows(a, [], []) for g, a in articles.items()}
    for e in read_events(query, list(articles)) if articles else ():
        rows[e.graph].events.append(e)
    for name in read_names(query, list(articles)) if articles else ():
        rows[name[0]].names.append(name)
    return rows


def read_articles(query: Query, graphs: list[str]) -> dict[str, IndexedArticle]:
    rows = query(P + f"""SELECT ?g ?title ?text ?date ?pub ?publisher WHERE {{ VALUES ?g {{ {_values(graphs)} }}
        GRAPH ?g {{ ?g a gkg:Article ; schema:headline ?title ; gkg:textContext/nif:isString ?text
                   OPTIONAL {{ ?g schema:datePublished ?date }} }}
        OPTIONAL {{ GRAPH ?g {{ ?g schema:publisher ?pub }} OPTIONAL {{ ?pub rdfs:label ?publisher }} }} }}""")
    articles = {r["g"].value: IndexedArticle(**{k: _value(r[k]) for k in ("title", "text", "date", "pub",
                                                                          "publisher")}) for r in rows}
    for r in query(P + f"""SELECT ?g ?e WHERE {{ VALUES ?g {{ {_values(articles)} }} GRAPH ?g {{ ?g gkg:mentions ?e }}
                           }}""") if articles else ():
        articles[r["g"].value].mentions.append(r["e"].value)
    return articles


def read_events(query: Query, graphs: list[str]) -> list[IndexedEvent]:
    """The events of the graphs with their classes, label, date, modality, confidence, roles, sentences and sources.
    The events are found by their classes in the graphs, then read by their IRIs (naming the properties in VALUES
    against the graphs read them per graph and property: 9 s per 200 articles instead of 0.4)."""
    classes = ", ".join(f"gkg:{c}" for c in ontology.event_classes())
    events: dict[str, IndexedEvent] = {}
    for r in query(P + f"""SELECT ?g ?e ?c WHERE {{ VALUES ?g {{ {_values(graphs)} }} GRAPH ?g {{ ?e a ?c }}
                           FILTER(?c IN ({classes})) }}"""):
        e = events.setdefault(r["e"].value, IndexedEvent(r["e"].value, r["g"].value))
        e.classes.add(r["c"].value.removeprefix(vocab.GKG))
    if not events:
        return []
    iris = _values(sorted(events))
    wanted = ", ".join(["rdfs:label", "gkg:date", "gkg:dateQualifier", "gkg:modality", "gkg:confidence",
                        *(f"gkg:{r}" for r in vocab.EVENT_ROLES)])
    for r in query(P + f"SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {iris} }} ?e ?p ?o FILTER(?p IN ({wanted})) }}"):
        events[r["e"].value].take(r["p"].value, r["o"].value)
    for r in query(P + f"""SELECT ?e ?b ?text WHERE {{ VALUES ?e {{ {iris} }}
                           ?e gkg:sentence ?s . ?s nif:anchorOf ?text ; nif:beginIndex ?b }}"""):
        events[r["e"].value].sentences[int(r["b"].value)] = r["text"].value
    for r in query(P + f"""SELECT ?e ?source WHERE {{ VALUES ?e {{ {iris} }}
                           ?e gkg:reportedBy ?s . ?s rdfs:label ?source }}"""):
        events[r["e"].value].sources.add(r["source"].value)
    return list(events.values())


def read_containers(query: Query, places: set[str]) -> dict[str, set[str]]:
    """The places and states of the reference knowledge that contain each place (gkg:locatedIn, at any depth),
    read a level at a time (Virtuoso cannot follow `gkg:locatedIn+` from places given in VALUES)."""
    parents: dict[str, set[str]] = {}
    seen: set[str] = set()
    frontier = set(places)
    while frontier:
        seen |= frontier
        ordered = sorted(frontier)
        frontier = set()
        for i in range(0, len(ordered), 500):
            for r in query(P + f"""SELECT ?x ?in WHERE {{ VALUES ?x {{ {_values(ordered[i:i + 500])} }}
                    GRAPH <{vocab.REFERENCE_GRAPH}> {{ ?x gkg:locatedIn ?in }} }}"""):
                parents.setdefault(r["x"].value, set()).add(r["in"].value)
                frontier.add(r["in"].value)
        frontier -= seen

    def above(place: str) -> set[str]:
        found: set[str] = set()
        todo = list(parents.get(place, ()))
        while todo:
            p = todo.pop()
            if p not in found:
                found.add(p)
                todo += parents.get(p, ())
        return found

    return {p: up for p in places if (up := above(p))}


def _entity_classes() -> list[str]:
    return sorted(set(ontology.CORE_TYPES) | {c for c, s in ontology.superclasses().items()
                                              if s & set(ontology.CORE_TYPES)})


def read_labels(query: Query, nodes: set[str]) -> dict[str, str]:
    """The rdfs:label of each node that has one in the store (the least, if several)."""
    labels: dict[str, str] = {}
    for r in query(P + f"SELECT ?x ?l WHERE {{ VALUES ?x {{ {_values(sorted(nodes))} }} ?x rdfs:label ?l }}"):
        x, label = r["x"].value, r["l"].value
        labels[x] = min(label, labels.get(x, label))
    return labels


def read_names(query: Query, graphs: list[str]) -> Iterator[Name]:
    """(graph, entity, class, name, whether it is the label) for each name (label or alias) of every named entity
    typed in the graphs."""
    entity_classes = " ".join(f"gkg:{c}" for c in _entity_classes())
    for r in query(P + f"""SELECT ?g ?x ?c ?name ?label WHERE {{ VALUES ?g {{ {_values(graphs)} }}
            VALUES ?c {{ {entity_classes} }}
            GRAPH ?g {{ ?x a ?c . {{ ?x rdfs:label ?name BIND(true AS ?label) }}
                       UNION {{ ?x skos:altLabel ?name BIND(false AS ?label) }} }} }}"""):
        yield (r["g"].value, r["x"].value, r["c"].value.removeprefix(vocab.GKG), r["name"].value,
               r["label"].value == "true")


def from_quads(graph: str, quads: Iterable[ox.Quad]) -> IndexRows | None:
    """The index rows of one article graph from its quads: what `read_graphs` reads of it from a store, but for
    the label of a publisher that the graph does not hold (one of the reference knowledge's: the index looks it up).
    None if the graph holds no article."""
    props: dict[str, dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    for q in quads:
        if q.graph_name.value == graph:
            props.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)

    def values(node: str, predicate: str) -> list[str]:
        return [o.value for o in props.get(node, {}).get(predicate, ())]

    def one(node: str, predicate: str) -> str | None:
        found = values(node, predicate)
        return found[-1] if found else None

    title = one(graph, SCHEMA + "headline")
    text = next((t for c in values(graph, GKG + "textContext") for t in values(c, NIF + "isString")), None)
    if title is None or text is None or GKG + "Article" not in values(graph, RDF_TYPE):
        return None
    pub = one(graph, SCHEMA + "publisher")
    article = IndexedArticle(title, text, one(graph, SCHEMA + "datePublished"), pub,
                             one(pub, RDFS_LABEL) if pub else None, values(graph, GKG + "mentions"))
    event_classes, entity_classes = set(ontology.event_classes()), set(_entity_classes())
    events, names = [], []
    for node, p in props.items():
        classes = {c.removeprefix(GKG) for c in values(node, RDF_TYPE) if c.startswith(GKG)}
        if classes & event_classes:
            events.append(_event_from(graph, node, p, classes & event_classes, values))
        for cls in sorted(classes & entity_classes):
            names += [(graph, node, cls, name, True) for name in values(node, RDFS_LABEL)]
            names += [(graph, node, cls, name, False) for name in values(node, SKOS_ALT_LABEL)]
    return IndexRows(article, events, names)


def _event_from(graph: str, node: str, props: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]],
                classes: set[str], values: Callable[[str, str], list[str]]) -> IndexedEvent:
    e = IndexedEvent(node, graph, classes)
    for p, objects in props.items():
        for o in (o.value for o in objects):
            if e.take(p, o):
                continue
            local = p.removeprefix(GKG)
            if local == "sentence":
                for begin in values(o, NIF + "beginIndex"):
                    for text in values(o, NIF + "anchorOf"):
                        e.sentences[int(begin)] = text
            elif local == "reportedBy":
                e.sources.update(values(o, RDFS_LABEL))
    return e
