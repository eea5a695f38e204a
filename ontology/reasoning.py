"""Load the ontology (with data) into owlready2 and check consistency with the HermiT reasoner.

owlready2 reads RDF/XML, OWL/XML and N-Triples but not Turtle, so triples are handed over as N-Triples.
HermiT knows only the OWL 2 datatype map, which lacks xsd:gYear, xsd:gYearMonth, xsd:date and
geo:wktLiteral: such literals are given to it as plain strings and range axioms naming them are left
out (they constrain values, not classes, so consistency of the class and property axioms is unaffected).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import owlready2
import pyoxigraph as ox

from ontology import ontology_triples

_XSD = "http://www.w3.org/2001/XMLSchema#"
OUTSIDE_OWL2_DATATYPE_MAP = {ox.NamedNode(_XSD + d) for d in ("gYear", "gYearMonth", "date")} | {
    ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")}
_RANGE = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#range")


_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_NAMED_INDIVIDUAL = ox.NamedNode("http://www.w3.org/2002/07/owl#NamedIndividual")
_GKG = "https://w3id.org/geokg/ontology#"


def _for_hermit(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    out = []
    individuals = set()
    for t in triples:
        if t.predicate == _TYPE and t.object.value.startswith(_GKG) and not t.subject.value.startswith(_GKG):
            individuals.add(t.subject)
        o = t.object
        if t.predicate == _RANGE and o in OUTSIDE_OWL2_DATATYPE_MAP:
            continue
        if isinstance(o, ox.Literal) and o.datatype in OUTSIDE_OWL2_DATATYPE_MAP:
            t = ox.Triple(t.subject, t.predicate, ox.Literal(o.value))
        out.append(t)
    out += [ox.Triple(i, _TYPE, _NAMED_INDIVIDUAL) for i in individuals]
    return out


@dataclass(frozen=True)
class ReasoningResult:
    consistent: bool
    classes: int
    individuals: int
    message: str


def check(extra: Iterable[ox.Triple] = ()) -> ReasoningResult:
    """Run HermiT over the ontology plus `extra` triples (e.g. the reference knowledge)."""
    triples = _for_hermit([*ontology_triples(), *extra])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "geokg.nt"
        ox.serialize(triples, str(path), ox.RdfFormat.N_TRIPLES)
        world = owlready2.World()
        onto = world.get_ontology(path.as_uri()).load()
        classes = len(list(onto.classes()))
        individuals = len(list(onto.individuals()))
        try:
            with onto:
                owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        except owlready2.OwlReadyInconsistentOntologyError as exc:
            return ReasoningResult(False, classes, individuals, f"inconsistent: {exc}")
        unsatisfiable = list(world.inconsistent_classes())
        if unsatisfiable:
            names = ", ".join(sorted(c.name for c in unsatisfiable))
            return ReasoningResult(False, classes, individuals, f"unsatisfiable classes: {names}")
        return ReasoningResult(True, classes, individuals, "consistent")
