"""Provenance in the RDF of an article: spans point at the right text, events and facts at their sentence."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from kg import article, extract, mapping, reference

NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
GKG = "https://w3id.org/geokg/ontology#"
PROV = "http://www.w3.org/ns/prov#"

TEXT = ("Russia sends missiles to Syria\n\nTwo Western officials said that Russia is providing Pantsir-S1 systems "
        "to Syria. Syrian President Bashar al-Assad thanked Moscow.")


def graph() -> tuple[article.Article, ox.Store]:
    a = article.from_text(TEXT, "t", date=dt.date(2015, 9, 10), publisher="Reuters", url="https://example.org/a")
    store = ox.Store()
    store.extend(mapping.article_quads(extract.extract(a), reference.load()))
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


def test_timeline_index_places_mentions_at_the_article_date_and_events_at_theirs() -> None:
    a, store = graph()
    res = "https://w3id.org/geokg/resource/"

    def entries(p: str) -> set[tuple[str, str]]:
        return {(q.subject.value.removeprefix(res + "time/"), q.object.value.removeprefix(res))
                for q in store.quads_for_pattern(None, ox.NamedNode(GKG + p), None, None)}

    mentioned = {q.object.value.removeprefix(res)
                 for q in store.quads_for_pattern(ox.NamedNode(a.iri), ox.NamedNode(GKG + "mentions"), None, None)}
    assert {"state/RUS", "state/SYR", "asset/pantsir-s1"} <= mentioned
    assert entries("timelineMention") == {("2015-09-10", e) for e in mentioned}
    # the arms transfer has no date in the text: it is placed at the article's date
    assert {("2015-09-10", "state/RUS"), ("2015-09-10", "state/SYR"), ("2015-09-10", "asset/pantsir-s1")} \
        <= entries("timelineEvent")


def test_timeline_index_of_an_undated_article() -> None:
    a = article.from_text("Russia delivered S-400 systems to Turkey in July 2019.", "t")
    store = ox.Store()
    store.extend(mapping.article_quads(extract.extract(a), reference.load()))
    subjects = {(q.predicate.value.removeprefix(GKG), q.subject.value.rsplit("/", 1)[-1])
                for q in store if q.predicate.value.startswith(GKG + "timeline")}
    assert ("timelineMention", "undated") in subjects and ("timelineEvent", "2019-07") in subjects


def test_a_source_of_several_events_is_described_once() -> None:
    """Each quad once: a source reporting two events was typed and labelled twice (0.6 % of the quads)."""
    a = article.from_text("T\n\nRussia sent S-400 systems to Turkey and deployed troops to Syria in 2019, two "
                          "Western officials said. Russia sent Su-35 jets to Iran, two Western officials said.", "t")
    quads = list(mapping.article_quads(extract.extract(a), reference.load()))
    reports = [q for q in quads if q.predicate.value == GKG + "reportedBy"]
    assert len(reports) >= 3 and len({q.object for q in reports}) == 1
    assert len(quads) == len(set(quads))


def test_a_statement_ending_in_a_quote_points_to_the_whole_sentence() -> None:
    text = ('Title\n\nRussian Prime Minister Dmitry Medvedev said in a statement: "Our partners have every right to '
            'defend themselves."\n\nHe said "no." Then he left.')
    x = extract.extract(article.from_text(text, "t", date=dt.date(2018, 5, 1)))
    spans = [text[s:e].strip() for s, e in x.sentences]
    assert '"' not in spans and 'He said "no."' in spans
    (statement,) = [e for e in x.events if e.kind == "Statement"]
    assert text[slice(*statement.sentence)].startswith("Russian") and text[slice(*statement.sentence)].endswith(
        'themselves."')


def test_sentences_end_at_sentence_final_punctuation_not_inside_names_and_quotes_open_theirs() -> None:
    """spaCy's parser, which found the sentences before, split "AH-1 | Cobra", "al- | Assad" and "HMNB |
    Portsmouth"; the fact or event of the sentence was lost. An opening quote starts the sentence it opens."""
    text = ("The United Kingdom deploys forces to HMNB Portsmouth\n\nPakistan's armed forces already field AH-1 Cobra "
            "helicopters. Russia is providing missiles to embattled Syrian President Bashar al- Assad. The two "
            'governments agreed. "Our partnership has never been stronger," Mr. Smith told U.S. reporters.')
    x = extract.extract(article.from_text(text, "t"))
    spans = [text[s:e] for s, e in x.sentences if text[s:e].strip()]
    assert spans == ["The United Kingdom deploys forces to HMNB Portsmouth",
                     "Pakistan's armed forces already field AH-1 Cobra helicopters.",
                     "Russia is providing missiles to embattled Syrian President Bashar al- Assad.",
                     "The two governments agreed.",
                     '"Our partnership has never been stronger," Mr. Smith told U.S. reporters.']
    facts = {(f.subject.label, f.predicate, f.object.label) for f in x.facts}
    assert ("Pakistan", "operates", "AH-1 Cobra") in facts
    assert ("Bashar al-Assad", "leaderOf", "Syria") in facts
    assert any(m.label == "HMNB Portsmouth" and m.end <= x.sentences[0][1] for m in x.mentions)
