"""The ontology: the contract's terms with their exact IRIs, documentation, characteristics, reasoning, shapes."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import rdflib

import ontology
from kg import reference
from ontology import reasoning

GKG = "https://w3id.org/geokg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"

CONTRACT_CLASSES = ["State", "Person", "Organization", "MilitaryAsset", "MilitaryBase", "NavalBase", "AirBase",
                    "Place", "Event", "ArmsTransfer", "Deployment", "MilitaryOperation", "Statement", "Article"]
CONTRACT_PROPERTIES = ["mentions", "leaderOf", "operates", "locatedIn", "alliedWith", "supplier", "recipient",
                       "asset", "actor", "target", "location", "speaker", "date", "reportedBy"]

GRAPH = rdflib.Graph().parse(ontology.ONTOLOGY_FILE, format="turtle")


def types_of(local: str) -> set[str]:
    return {str(o) for o in GRAPH.objects(rdflib.URIRef(GKG + local), rdflib.RDF.type)}


@pytest.mark.parametrize("local", CONTRACT_CLASSES)
def test_contract_classes(local: str) -> None:
    assert OWL + "Class" in types_of(local)


@pytest.mark.parametrize("local", CONTRACT_PROPERTIES)
def test_contract_properties(local: str) -> None:
    assert types_of(local) & {OWL + "ObjectProperty", OWL + "DatatypeProperty"}


def test_event_subclasses_and_base_subclasses() -> None:
    supers = ontology.superclasses()
    for e in ("ArmsTransfer", "Deployment", "MilitaryOperation", "Statement"):
        assert "Event" in supers[e]
    assert "MilitaryBase" in supers["NavalBase"] and "MilitaryBase" in supers["AirBase"]
    for sub in ("AirDefenceSystem", "CombatAircraft", "Helicopter", "Drone", "BallisticMissile", "CruiseMissile",
                "Warship", "Submarine", "ArmouredVehicle", "Artillery"):
        assert "MilitaryAsset" in supers[sub], sub
    for sub in ("ArmedGroup", "MilitaryBranch", "GovernmentBody", "InternationalOrganization",
                "NewsOrganization"):
        assert "Organization" in supers[sub], sub
    for sub in ("City", "Region", "WaterBody"):
        assert "Place" in supers[sub]


def test_every_gkg_class_and_property_is_documented() -> None:
    terms = {s for s in GRAPH.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(GKG)}
    assert len(terms) > 80
    for term in terms:
        labels = list(GRAPH.objects(term, rdflib.RDFS.label))
        comments = list(GRAPH.objects(term, rdflib.RDFS.comment))
        assert labels and all(lab.language == "en" for lab in labels), term
        assert comments, term


def test_property_characteristics_and_inverses() -> None:
    assert OWL + "TransitiveProperty" in types_of("locatedIn")
    assert OWL + "SymmetricProperty" in types_of("alliedWith")
    inverse = rdflib.URIRef(OWL + "inverseOf")
    assert (rdflib.URIRef(GKG + "leaderOf"), inverse, rdflib.URIRef(GKG + "hasLeader")) in GRAPH
    assert (rdflib.URIRef(GKG + "locatedIn"), inverse, rdflib.URIRef(GKG + "contains")) in GRAPH
    for p in CONTRACT_PROPERTIES:
        if p not in ("mentions",):
            assert list(GRAPH.objects(rdflib.URIRef(GKG + p), rdflib.RDFS.domain)), p


def test_alignment_to_standard_vocabularies() -> None:
    sub = rdflib.RDFS.subClassOf
    assert (rdflib.URIRef(GKG + "Article"), sub, rdflib.URIRef("http://schema.org/NewsArticle")) in GRAPH
    assert (rdflib.URIRef(GKG + "Person"), sub, rdflib.URIRef("http://schema.org/Person")) in GRAPH
    assert (rdflib.URIRef(GKG + "State"), sub, rdflib.URIRef("http://schema.org/Country")) in GRAPH
    assert (rdflib.URIRef(GKG + "Event"), sub, rdflib.URIRef("http://www.w3.org/ns/prov#Entity")) in GRAPH


def _reference_triples() -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, q.object) for q in reference.load().quads()]


def test_hermit_finds_ontology_and_reference_knowledge_consistent() -> None:
    result = reasoning.check(_reference_triples())
    assert result.consistent, result.message
    assert result.individuals > 1000


def test_hermit_detects_an_inconsistency() -> None:
    """The consistency test can fail: a state that is also a person violates the disjointness axioms."""
    syria = ox.NamedNode(reference.load().state_by_code["SYR"].iri)
    bad = ox.Triple(syria, ox.NamedNode(RDF_TYPE), ox.NamedNode(GKG + "Person"))
    assert not reasoning.check([*_reference_triples(), bad]).consistent


def test_shapes_parse_and_target_contract_classes() -> None:
    shapes = rdflib.Graph().parse(ontology.SHAPES_FILE, format="turtle")
    targets = {str(o) for o in shapes.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#targetClass"))}
    assert {GKG + "ArmsTransfer", GKG + "Event", GKG + "Article", GKG + "State"} <= targets
