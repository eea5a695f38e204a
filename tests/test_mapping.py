"""Provenance in the RDF of an article: spans point at the right text, events and facts at their sentence."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from kg import article, mapping, pipeline, reference

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
GKG = "https://w3id.org/geokg/ontology#"
PROV = "http://www.w3.org/ns/prov#"

TEXT = ("Russia sends missiles to Syria\n\nTwo Western officials said that Russia is providing Pantsir-S1 systems "
        "to Syria. Syrian President Bashar al-Assad thanked Moscow.")


def graph() -> tuple[article.Article, ox.Store]:
    a = article.from_text(TEXT, "t", date=dt.date(2015, 9, 10), publisher="Reuters", url="https://example.org/a")
    store = ox.Store()
    store.extend(mapping.article_quads(pipeline.extract(a), reference.load()))
    return a, store


def objects(store: ox.Store, s: ox.NamedNode, p: str) -> list:
    return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(p), None, None)]


def test_everything_is_in_the_article_graph() -> None:
    a, store = graph()
    assert {q.graph_name.value for q in store} == {a.iri}


def test_article_metadata() -> None:
    a, store = graph()
    node = ox.NamedNode(a.iri)
    assert objects(store, node, "http://schema.org/headline")[0].value == "Russia sends missiles to Syria"
    assert objects(store, node, "http://schema.org/datePublished")[0].value == "2015-09-10"
    assert objects(store, node, "http://schema.org/publisher")[0].value == "https://w3id.org/geokg/resource/organization/reuters"


def test_spans_carry_offsets_that_match_the_text() -> None:
    a, store = graph()
    spans = [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(NIF + "anchorOf"), None, None)]
    assert len(spans) > 5
    for span in spans:
        begin = int(objects(store, span, NIF + "beginIndex")[0].value)
        end = int(objects(store, span, NIF + "endIndex")[0].value)
        assert a.content[begin:end] == objects(store, span, NIF + "anchorOf")[0].value
        assert span.value == f"{a.iri}#char={begin},{end}"


def test_events_and_facts_point_to_their_sentence() -> None:
    a, store = graph()
    (transfer,) = [q.subject for q in store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(GKG + "ArmsTransfer"),
        None) if "providing" in _sentence_text(store, q.subject)]
    assert ox.NamedNode(a.iri) in objects(store, transfer, PROV + "wasDerivedFrom")
    assert float(objects(store, transfer, GKG + "confidence")[0].value) > 0.5
    sources = [objects(store, s, "http://www.w3.org/2000/01/rdf-schema#label")[0].value
               for s in objects(store, transfer, GKG + "reportedBy")]
    assert sources == ["Two Western officials"]
    assertions = [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"), ox.NamedNode(GKG + "leaderOf"), None)]
    assert assertions and "Syrian President Bashar al-Assad" in _sentence_text(store, assertions[0])


def test_same_article_gives_the_same_quads() -> None:
    _, first = graph()
    _, second = graph()
    assert set(first) == set(second)


def _sentence_text(store: ox.Store, node: ox.NamedNode) -> str:
    return " ".join(objects(store, s, NIF + "anchorOf")[0].value for s in objects(store, node, GKG + "sentence"))
