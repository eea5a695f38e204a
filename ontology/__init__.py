"""The GeoKG OWL ontology and SHACL shapes (Turtle files beside this module) and the code that reads them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

ONTOLOGY_DIR = Path(__file__).resolve().parent
ONTOLOGY_FILE = ONTOLOGY_DIR / "geokg.ttl"
SHAPES_FILE = ONTOLOGY_DIR / "shapes.ttl"

_GKG = "https://w3id.org/geokg/ontology#"
_SUBCLASS = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")


def ontology_triples() -> list[ox.Triple]:
    with ONTOLOGY_FILE.open("rb") as f:
        return list(ox.parse(f, format=ox.RdfFormat.TURTLE))


@lru_cache(maxsize=1)
def superclasses() -> dict[str, frozenset[str]]:
    """Local class name -> all its GeoKG superclasses' local names (itself included), from the Turtle file."""
    parents: dict[str, set[str]] = {}
    for t in ontology_triples():
        if t.predicate == _SUBCLASS and isinstance(t.object, ox.NamedNode):
            s, o = t.subject.value, t.object.value
            if s.startswith(_GKG) and o.startswith(_GKG):
                parents.setdefault(s[len(_GKG):], set()).add(o[len(_GKG):])
    closed: dict[str, frozenset[str]] = {}
    for cls in set(parents) | {c for ps in parents.values() for c in ps}:
        seen, todo = {cls}, [cls]
        while todo:
            for p in parents.get(todo.pop(), ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        closed[cls] = frozenset(seen)
    return closed


@lru_cache(maxsize=1)
def class_labels() -> dict[str, str]:
    """Local class name -> its English rdfs:label ("AirStrike" -> "Air strike")."""
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    return {t.subject.value[len(_GKG):]: t.object.value for t in ontology_triples()
            if t.predicate == label and isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(_GKG)
            and isinstance(t.object, ox.Literal) and t.object.language == "en"}


@lru_cache(maxsize=1)
def object_properties() -> tuple[str, ...]:
    """IRIs of every owl:ObjectProperty the ontology declares (its own and the external ones it uses)."""
    kind = ox.NamedNode("http://www.w3.org/2002/07/owl#ObjectProperty")
    return tuple(sorted({t.subject.value for t in ontology_triples()
                         if t.object == kind and isinstance(t.subject, ox.NamedNode)}))


def event_classes() -> list[str]:
    """The ontology's event classes (gkg:Event and its subclasses), local names, the most general first."""
    supers = superclasses()
    classes = [c for c, s in supers.items() if "Event" in s]
    return sorted(classes, key=lambda c: (len(supers[c]), class_labels().get(c, c)))


def event_class_tree() -> list[tuple[str, int]]:
    """The event classes in the order of their hierarchy (each class followed by its subclasses, by label), with
    their depth under gkg:Event (0 for gkg:Event)."""
    supers = superclasses()
    classes = event_classes()

    def children(parent: str) -> list[str]:
        return [c for c in classes if c != parent and specific_class(supers[c] - {c}) == parent]

    def walk(cls: str, depth: int) -> list[tuple[str, int]]:
        below = sorted(children(cls), key=lambda c: class_labels().get(c, c))
        return [(cls, depth), *(item for c in below for item in walk(c, depth + 1))]

    return walk("Event", 0)


def specific_class(classes: Iterable[str]) -> str | None:
    """The most specific of an event's (or entity's) GeoKG classes, local names (AirStrike rather than
    MilitaryOperation); None if none is the ontology's."""
    supers = superclasses()
    known = [c for c in classes if c in supers or c in class_labels()]
    return max(known, key=lambda c: (len(supers.get(c, ())), c), default=None)


@lru_cache(maxsize=1)
def inverses() -> dict[str, str]:
    """Property IRI -> the IRI of its inverse (owl:inverseOf, read both ways): gkg:operates <-> gkg:operatedBy."""
    inverse = ox.NamedNode("http://www.w3.org/2002/07/owl#inverseOf")
    pairs = [(t.subject.value, t.object.value) for t in ontology_triples()
             if t.predicate == inverse and isinstance(t.object, ox.NamedNode)]
    return {**{b: a for a, b in pairs}, **dict(pairs)}


@lru_cache(maxsize=1)
def modalities() -> tuple[str, ...]:
    """The local names of the ontology's modalities (the individuals of gkg:Modality: Planned, Threatened...)."""
    kind = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    return tuple(t.subject.value[len(_GKG):] for t in ontology_triples()
                 if t.predicate == kind and t.object == ox.NamedNode(_GKG + "Modality"))


CORE_TYPES = ("State", "Person", "Organization", "MilitaryAsset", "MilitaryBase", "Place")


@lru_cache(maxsize=256)
def core_type(local_class: str) -> str:
    """The contract's entity type a GeoKG class falls under: 'NavalBase' -> 'MilitaryBase'."""
    supers = superclasses().get(local_class, frozenset({local_class}))
    for t in CORE_TYPES:
        if t in supers:
            return t
    raise ValueError(f"{local_class} is not a subclass of a named-entity class of the ontology")
