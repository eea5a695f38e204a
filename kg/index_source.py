"""What the search index (kg.search_index) takes from the store: the articles, events and entity names of graphs,
read with SPARQL (any store with `query`: the embedded one or a SPARQL server)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

import ontology
from kg import vocab
from kg.sparql_text import iri as sparql_iri

Query = Callable[[str], Iterable[ox.QuerySolution]]
P = vocab.SPARQL_PREFIXES


def _values(iris: Iterable[str]) -> str:
    return " ".join(sparql_iri(i) for i in iris)


def _value(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


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


def read_articles(query: Query, graphs: list[str]) -> dict[str, dict[str, str | None]]:
    rows = query(P + f"""SELECT ?g ?title ?text ?date ?pub ?publisher WHERE {{ VALUES ?g {{ {_values(graphs)} }}
        GRAPH ?g {{ ?g a gkg:Article ; schema:headline ?title ; gkg:textContext/nif:isString ?text
                   OPTIONAL {{ ?g schema:datePublished ?date }} }}
        OPTIONAL {{ GRAPH ?g {{ ?g schema:publisher ?pub }} OPTIONAL {{ ?pub rdfs:label ?publisher }} }} }}""")
    articles = {r["g"].value: {k: _value(r[k]) for k in ("title", "text", "date", "pub", "publisher")} for r in rows}
    for r in query(P + f"""SELECT ?g ?e WHERE {{ VALUES ?g {{ {_values(articles)} }} GRAPH ?g {{ ?g gkg:mentions ?e }}
                           }}""") if articles else ():
        articles[r["g"].value].setdefault("mentions", [])  # type: ignore[arg-type]
        articles[r["g"].value]["mentions"].append(r["e"].value)  # type: ignore[union-attr]
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
        e = events[r["e"].value]
        p, o = r["p"].value, r["o"].value
        local = p.rsplit("#", 1)[-1]
        if p == vocab.RDFS + "label":
            e.label = o
        elif local == "date":
            e.date = o
        elif local == "dateQualifier":
            e.qualifier = o
        elif local == "modality":
            e.modality = o.removeprefix(vocab.GKG)
        elif local == "confidence":
            e.confidence = float(o)
        else:
            e.roles.add((local, o))
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


def read_names(query: Query, graphs: list[str]) -> Iterator[tuple[str, str, str, str, bool]]:
    """(graph, entity, class, name, whether it is the label) for each name (label or alias) of every named entity
    typed in the graphs."""
    entity_classes = " ".join(f"gkg:{c}" for c in sorted(set(ontology.CORE_TYPES) | {
        c for c, s in ontology.superclasses().items() if s & set(ontology.CORE_TYPES)}))
    for r in query(P + f"""SELECT ?g ?x ?c ?name ?label WHERE {{ VALUES ?g {{ {_values(graphs)} }}
            VALUES ?c {{ {entity_classes} }}
            GRAPH ?g {{ ?x a ?c . {{ ?x rdfs:label ?name BIND(true AS ?label) }}
                       UNION {{ ?x skos:altLabel ?name BIND(false AS ?label) }} }} }}"""):
        yield (r["g"].value, r["x"].value, r["c"].value.removeprefix(vocab.GKG), r["name"].value,
               r["label"].value == "true")
