"""The search index beside the store (kg.search_index): kept up to date by every write of the store, brought up to
a store written behind its back, and searched safely whatever the words."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import extract, mapping, reference
from kg.article import Article, read
from kg.index_source import IndexRows, from_quads, read_graphs, read_labels
from kg.ingest import extract_batch, ingest
from kg.search_index import INDEX_FILE, EventFilter, SearchIndex, date_range, match_expression
from kg.store import Store

from .conftest import SEED_ARTICLE

RUS = "https://w3id.org/geokg/resource/state/RUS"


def graph_of(title: str, text: str, date: str = "2016-03-28") -> tuple[Article, list[ox.Quad]]:
    article = Article(title=title, content=f"{title}\n\n{text}", date=dt.date.fromisoformat(date))
    return article, list(mapping.article_quads(extract.extract(article), reference.load()))


def titles(index: SearchIndex, text: str) -> list[str]:
    return [str(r["title"]) for r in index.search_articles(text)]


def test_every_write_of_the_store_updates_the_index(store: Store) -> None:
    store.init(reference.load())
    index = store.index
    assert index is not None and index.path == store.path / INDEX_FILE
    article, quads = graph_of("Russia sends S-400 systems to Turkey",
                              "Russia delivered S-400 air defence systems to Turkey, officials said.")
    assert store.add_article(article.iri, quads)
    assert titles(index, "s-400 turkey") == [article.title]
    events, total = index.events(EventFilter(roles=(("actor", RUS),), cls="ArmsTransfer"))
    assert total == 1 and "Russia → Turkey" in str(events[0]["label"]) and events[0]["sort"] == "2016-03-28"
    # replaced: the new text is found, the old one no more
    other, quads = graph_of("Russia sends Pantsir systems to Syria", "Russia delivered Pantsir-S1 systems to Syria.")
    text = ox.serialize((q.triple for q in quads), None, ox.RdfFormat.N_TRIPLES).replace(other.iri.encode(),
                                                                                          article.iri.encode())
    store.replace_graph(article.iri, list(ox.parse(text, ox.RdfFormat.N_TRIPLES)))
    assert titles(index, "pantsir") and not titles(index, "turkey")
    assert store.remove_graph(article.iri)
    assert not titles(index, "pantsir") and index.events(EventFilter())[1] == 0


def test_bulk_loads_are_indexed_and_an_interrupted_one_is_dropped_from_the_index(tmp_path: Path) -> None:
    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"title": f"Drones {i}", "date": "2016-05-0" + str(i + 1),
                                        "text": f"Iran sent {i + 2} Shahed-136 drones to Russia."}) + "\n"
                            for i in range(3)))
    store = Store(tmp_path / "store")
    try:
        ingest(store, [feed])
        assert store.index is not None and store.index.articles()[1] == 3
        assert [r["title"] for r in store.index.articles(limit=2)[0]] == ["Drones 2", "Drones 1"]  # newest first
        assert store.index.search_entities("shahed")[0]["label"] == "Shahed-136"
        iran = {"iri": "https://w3id.org/geokg/resource/state/IRN", "label": "Iran", "type": "UNMemberState",
                "events": 3, "class": "ArmsTransfer"}
        assert iran in store.index.counterparts(RUS)
        assert store.remove_graph(store.index.articles(limit=1)[0][0]["iri"])  # counted out with its article
        assert {**iran, "events": 2} in store.index.counterparts(RUS)
    finally:
        store.close()


def test_sync_indexes_what_was_written_behind_the_index_back(tmp_path: Path) -> None:
    """An index lost, or a store written by another program: `init` (run by ingest and serve) indexes the articles
    the store holds and drops those it no longer holds; after a SPARQL Update it rebuilds the index."""
    path = tmp_path / "store"
    store = Store(path)
    ingest(store, [SEED_ARTICLE])
    store.close()
    (path / INDEX_FILE).unlink()
    store = Store(path)
    try:
        store.init(reference.load())
        assert store.index is not None and titles(store.index, "air defence") == [
            "Russia sends advanced air defence systems to Syria"]
        (graph,) = store.articles()
        store.ox.remove_graph(ox.NamedNode(graph))  # behind the index's back
        store.init(reference.load())
        assert titles(store.index, "air defence") == []
        ingest(store, [SEED_ARTICLE])
        headline = f"GRAPH <{graph}> {{ <{graph}> <http://schema.org/headline>"
        store.update(f"DELETE {{ {headline} ?t }} }} INSERT {{ {headline} 'Renamed by an update' }} }} "
                     f"WHERE {{ {headline} ?t }} }}")
        store.init(reference.load())
        assert titles(store.index, "renamed") == ["Renamed by an update"]
    finally:
        store.close()


@pytest.mark.parametrize("text", ['"', "*", "NEAR(a b)", "a OR b", "-x", "^", "(", "}", "' OR 1=1 --", "\x00", "ü"])
def test_any_words_are_searched_as_words(seed_store: Path, text: str) -> None:
    """Only words reach FTS5's query syntax, quoted: operators, quotes and brackets in a search are no syntax."""
    index = SearchIndex(seed_store / INDEX_FILE, read_only=True)
    try:
        index.search_entities(text)
        index.search_articles(text)
        index.events(EventFilter(text=text))
    finally:
        index.close()
    assert match_expression('NEAR(a "b") OR c*') == '"near"* "a"* "b"* "or"* "c"*'


def test_names_are_found_by_their_words_aliases_and_folded_accents(seed_store: Path) -> None:
    index = SearchIndex(seed_store / INDEX_FILE, read_only=True)
    try:
        assert index.search_entities("Ru")[0]["label"] == "Russia"  # the most mentioned of those it begins
        assert index.search_entities("SA-22")[0]["label"] == "Pantsir-S1"  # an alias (its NATO name)
        assert index.search_entities("erdogan")[0]["label"] == "Recep Tayyip Erdoğan"
        assert index.search_entities("tartus", core="MilitaryBase")[0]["label"] == "Tartus naval base"
        assert index.resolve("russian federation") == RUS and index.resolve("Nobody") is None
    finally:
        index.close()


def test_dates_are_ranges_of_days() -> None:
    assert date_range("2016") == ("2016-01-01", "2016-12-31")
    assert date_range("2016-04") == ("2016-04-01", "2016-04-30")
    assert date_range("2016-03-27") == ("2016-03-27", "2016-03-27")
    assert date_range("2016-13") is None and date_range("March") is None and date_range(None) is None


def _rows(rows: IndexRows) -> tuple:
    """Index rows in an order of their own (a store returns them in any order)."""
    a = rows.article
    events = sorted((e.iri, e.graph, sorted(e.classes), e.label, e.modality, e.date, e.qualifier, e.confidence,
                     sorted(e.sentences.items()), sorted(e.sources), sorted(e.roles)) for e in rows.events)
    return (a.title, a.text, a.date, a.pub, a.publisher, sorted(a.mentions)), events, sorted(rows.names)


def test_rows_taken_from_the_quads_are_those_read_back_from_the_store(tmp_path: Path) -> None:
    """Bulk loads index what extraction took from the quads in hand (kg.index_source.from_quads); `sync` and other
    writes read the same rows back from the store: both give one index."""
    feed = tmp_path / "wire.jsonl"
    feed.write_text(json.dumps({"title": "Turkish jets strike Kurdish militants", "date": "2016-04-02",
                                "publisher": "Reuters", "url": "https://example.org/turkey-pkk",
                                "text": "Turkish jets struck PKK positions in northern Iraq on Friday, the army "
                                        "said. Kurdish officials denied that civilians were hit."}) + "\n")
    store = Store(tmp_path / "store")
    try:
        ingest(store, [feed, Path(__file__).parent / "data" / "articles"])
        graphs = sorted(store.articles())
        assert len(graphs) == 12
        read_back = read_graphs(store.query, graphs)
        for g in graphs:
            taken = from_quads(g, store.quads(graph=ox.NamedNode(g)))
            assert taken is not None and taken.events
            pub = taken.article.pub
            if pub and taken.article.publisher is None:  # one of the reference knowledge's: the index asks the store
                assert read_back[g].article.publisher == read_labels(store.query, {pub})[pub]
                taken.article.publisher = read_back[g].article.publisher
            assert _rows(taken) == _rows(read_back[g])
        assert any(r.article.publisher == "Reuters" for r in read_back.values())
        assert any(r.names for r in read_back.values())  # entities that the reference knowledge lacks
        # extraction processes take the rows only for the embedded store's bulk loads (not for shards or servers)
        (article,) = read(SEED_ARTICLE)
        assert extract_batch([article], as_bytes=True)[0].index is None
        assert extract_batch([article], as_bytes=True, index_rows=True)[0].index is not None
        other = ox.NamedNode("urn:not-an-article")
        assert from_quads(other.value, [ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:b"), other, other)]) is None
        # the index built at ingestion from the rows in hand is the one a rebuild reads from the store
        index = store.index
        assert index is not None

        def content() -> tuple:  # events of one article and date come in the order they were indexed
            events, total = index.events(EventFilter(), limit=1000)
            return (sorted(events, key=lambda e: str(e["iri"])), total, index.articles(limit=100),
                    index.search_entities("turk"), index.counterparts(RUS))

        built = content()
        index.mark_stale()
        assert index.sync(store.query, graphs, "rebuilt") == 12
        assert content() == built and built[1] > 100 and built[4]
    finally:
        store.close()
