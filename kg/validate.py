"""SHACL validation of the store (ontology/shapes.ttl) with pySHACL, reported in plain words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pyoxigraph as ox
import pyshacl
import rdflib

import ontology
from kg import vocab
from kg.store import STATE_GRAPH, Store

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str
    message: str
    value: str


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: list[Violation]
    triples: int

    def text(self) -> str:
        if self.conforms:
            return f"conforms: {self.triples} triples checked against {ontology.SHAPES_FILE.name}, no violations"
        lines = [f"{len(self.violations)} violation(s) in {self.triples} triples:"]
        for v in self.violations[:200]:
            value = f" (value: {v.value})" if v.value else ""
            lines.append(f"  {v.focus}  {v.path}: {v.message}{value}")
        if len(self.violations) > 200:
            lines.append(f"  ... and {len(self.violations) - 200} more")
        by_message = Counter(v.message for v in self.violations)
        lines.append("by kind: " + "; ".join(f"{n} × {m}" for m, n in by_message.most_common()))
        return "\n".join(lines)


def _graph(store: Store, graph: str | None) -> rdflib.Graph:
    names = None
    if graph is not None:
        if not store.has_graph(graph):
            raise ValueError(f"no graph {graph} in the store")
        names = {graph, vocab.REFERENCE_GRAPH, vocab.ONTOLOGY_GRAPH}
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()
               if q.graph_name != STATE_GRAPH and (names is None or q.graph_name.value in names))
    data = ox.serialize(triples, None, ox.RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=data.decode("utf-8"), format="nt")
    return g


def validate(store: Store, graph: str | None = None) -> Report:
    data = _graph(store, graph)
    shapes = rdflib.Graph().parse(ontology.SHAPES_FILE, format="turtle")
    conforms, results, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                            allow_warnings=True)
    violations = []
    for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        label = data.value(focus, rdflib.RDFS.label) if focus is not None else None
        violations.append(Violation(
            focus=f"{focus}" + (f" ({label})" if label else ""),
            path=_short(results.value(r, SH.resultPath)),
            message=str(results.value(r, SH.resultMessage) or "constraint violated"),
            value=_short(results.value(r, SH.value)),
        ))
    violations.sort(key=lambda v: (v.message, v.focus))
    return Report(bool(conforms), violations, len(data))


def _short(term: object) -> str:
    if term is None:
        return ""
    text = str(term)
    for prefix, iri in vocab.PREFIXES.items():
        if text.startswith(iri):
            return f"{prefix}:{text[len(iri):]}"
    return text
