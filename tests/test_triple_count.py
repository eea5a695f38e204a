"""The store's counts (triples, articles, events by class): counted apart once, then kept up to date by the
store's own writes."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import vocab
from kg.store import COUNT_FILE, EVENT_CLASSES, ArticleGraph, Store, StoreError, _saved_count, stats_of

from .conftest import ROOT, SEED_ARTICLE, quad


@pytest.fixture()
def counted(seed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """A store whose triples were counted apart once; counting apart again fails the test."""
    shutil.copytree(seed_store, tmp_path / "store")
    store = Store(tmp_path / "store")
    assert store.triple_count() == len(store.ox)
    monkeypatch.setattr(store, "count_apart", lambda *_: pytest.fail("counted apart again"))
    return store


def _recounted(store: Store) -> dict[str, int]:
    """The counts, counted from scratch."""
    by_sparql = stats_of(store)
    return {"quads": len(store.ox), "articles": by_sparql.articles,
            **{c: by_sparql.events.get(c, 0) for c in EVENT_CLASSES}}


def test_the_events_counted_are_the_distinct_events(seed_store: Path) -> None:
    """Events are counted once per graph that types them (so that writes can keep the count graph by graph):
    for what GeoKG writes, each event is in its article's graph only, so that is the number of events."""
    store = Store(seed_store, read_only=True)
    distinct = {r["c"].value.rsplit("#", 1)[-1]: int(r["n"].value) for r in store.query(
        f"SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE {{ ?e a ?c VALUES ?c {{ "
        f"{' '.join(f'<{vocab.GKG}{c}>' for c in EVENT_CLASSES)} }} }} GROUP BY ?c")}
    assert store.stats().events == distinct and sum(distinct.values()) > 3
    store.close()


def test_writes_keep_the_count(counted: Store) -> None:
    store = counted
    assert store.counts() == _recounted(store) and store.counts()["articles"] == 1
    store.add_graph([quad("urn:g:1", 1), quad("urn:g:1", 1), quad("urn:g:1", 2)])  # a repeat
    assert store.triple_count() == len(store.ox)
    store.add_graph([quad("urn:g:1", 2), quad("urn:g:1", 3), quad("urn:g:2", 3)])  # one there already
    assert store.triple_count() == len(store.ox)
    store.replace_graph("urn:g:1", [quad("urn:g:1", 9).triple])
    assert store.triple_count() == len(store.ox)
    store.replace_graph("urn:g:3", [quad("urn:g:3", n).triple for n in range(5)])  # a new graph
    assert store.triple_count() == len(store.ox)
    nquads = ox.serialize([quad("urn:g:4", n) for n in range(7)], None, ox.RdfFormat.N_QUADS)
    store.load_articles([ArticleGraph("urn:g:4", nquads, None)])
    assert store.triple_count() == len(store.ox)
    (article,) = store.articles()
    assert store.remove_graph(article) and store.remove_graph("urn:g:3")
    assert store.triple_count() == len(store.ox) and store.stats().triples == len(store.ox)
    assert store.counts() == _recounted(store) and store.counts()["articles"] == 0 and not store.stats().events


def test_an_update_or_a_failed_write_makes_it_count_again(counted: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    store = counted
    monkeypatch.undo()  # counting apart is allowed again
    calls: list[int] = []
    count_apart = store.count_apart
    monkeypatch.setattr(store, "count_apart", lambda *a: calls.append(1) or count_apart(*a))
    store.update(f"DELETE WHERE {{ GRAPH ?g {{ ?s <{vocab.GKG}confidence> ?c }} }}")
    assert store.counts() == _recounted(store) and len(calls) == 1
    with pytest.raises(StoreError, match="Parser error"):  # a bulk load is not a transaction: part may be in
        store.load_articles([ArticleGraph("urn:g:5", b"<urn:a> <urn:b> <urn:c> <urn:g:5> .\nnot N-Quads\n", None)])
    assert store.triple_count() == len(store.ox) and len(calls) == 2
    assert store.triple_count() == len(store.ox) and len(calls) == 2


def test_writes_while_it_counts_are_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count is of a snapshot; what writes change meanwhile is added to it (the server's threads write
    while another counts)."""
    other = ox.Store(str(tmp_path / "store"))  # written by another program: GeoKG has no count of it
    other.extend([quad("urn:g:1", n) for n in range(10)])
    del other
    store = Store(tmp_path / "store")
    run = subprocess.run

    def write_meanwhile(*args: object, **kwargs: object) -> subprocess.CompletedProcess[str]:
        store.add_graph([quad("urn:g:2", n) for n in range(3)])
        return run(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr("kg.store.subprocess.run", write_meanwhile)
    assert store.triple_count() == len(store.ox) == 13
    monkeypatch.undo()
    store.add_graph([quad("urn:g:3", 5)])
    assert store.triple_count() == len(store.ox) == 14  # kept from there on


def test_a_store_geokg_creates_is_counted_from_the_start(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An ingest into a new store saves its count, and a server started on it shows the count at once."""
    from kg import reference

    store = Store(tmp_path / "store")
    monkeypatch.setattr(store, "count_apart", lambda *_: pytest.fail("counted apart"))
    assert store.init(reference.load())  # the ontology and the reference graphs
    nquads = ox.serialize([quad("urn:g:1", n) for n in range(7)], None, ox.RdfFormat.N_QUADS)
    store.load_articles([ArticleGraph("urn:g:1", nquads, None)])
    assert store.triple_count() == len(store.ox) > 7
    store.close()
    assert _saved(tmp_path / "store") == len(ox.Store.read_only(str(tmp_path / "store")))


def test_a_new_article_is_counted_without_counting_apart(counted: Store) -> None:
    from kg import extract, mapping, reference
    from kg.article import read

    (art,) = read(SEED_ARTICLE)
    moved = ox.NamedNode(art.iri + "-copy")
    store = counted
    before = store.stats()
    store.add_graph([ox.Quad(q.subject, q.predicate, q.object, moved)
                     for q in mapping.article_quads(extract.extract(art), reference.load())])
    after = store.stats()
    assert after.triples == len(store.ox) and store.counts() == _recounted(store)
    assert after.articles == before.articles  # a graph typing another graph's IRI as the article is not one
    store.replace_graph(moved.value, [ox.Triple(moved, ox.NamedNode(vocab.RDF + "type"),
                                                ox.NamedNode(vocab.GKG + "Article"))])
    assert store.counts() == _recounted(store) and store.stats().articles == before.articles + 1
    assert store.stats().events == before.events


def _tamper(path: Path, quads: int) -> None:
    """Rewrite the saved counts (quads, and articles and statements one more), keeping the state of the files
    they were saved for."""
    saved = json.loads((path / COUNT_FILE).read_text(encoding="utf-8"))
    (path / COUNT_FILE).write_text(json.dumps({**saved, "quads": quads, "articles": quads + 1,
                                               "Statement": quads + 1}), encoding="utf-8")


def _counted_and_closed(path: Path) -> None:
    """A store of ten quads, counted, then closed (which saves the count)."""
    store = Store(path)
    store.add_graph([quad("urn:g:1", n) for n in range(10)])
    assert store.triple_count() == 10
    store.close()
    assert _saved(path) == 10


def test_a_closed_store_opens_with_its_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store"
    _counted_and_closed(path)
    for n, write in ((11, lambda s: s.add_graph([quad("urn:g:2", 1)])), (10, lambda s: s.remove_graph("urn:g:2"))):
        store = Store(path)
        assert not (path / COUNT_FILE).exists()  # while open for writing, there is no saved count
        monkeypatch.setattr(store, "count_apart", lambda *_: pytest.fail("counted apart again"))
        write(store)  # the count kept across writes is the one saved
        assert store.triple_count() == len(store.ox) == n
        store.close()
    _tamper(path, 12345)  # what is saved is what is read, by read-only and read-write openings alike
    reader = Store(path, read_only=True)
    assert reader.triple_count() == reader.stats().triples == 12345
    assert (reader.stats().articles, reader.stats().events) == (12346, {"Statement": 12346})
    reader.close()
    writer = Store(path)
    monkeypatch.setattr(writer, "count_apart", lambda *_: pytest.fail("counted apart again"))
    assert writer.triple_count() == 12345
    writer.close()


def test_a_saved_count_is_ignored_once_the_files_change(tmp_path: Path) -> None:
    path = tmp_path / "store"
    _counted_and_closed(path)
    _tamper(path, 12345)
    other = ox.Store(str(path))  # another program writes the store
    other.add(quad("urn:g:3", 1))
    del other
    reader = Store(path, read_only=True)
    assert reader.triple_count() == 11
    reader.close()
    writer = Store(path)
    assert writer.triple_count() == 11
    writer.close()
    other = ox.Store(str(path))  # opened for writing and closed, nothing written: the files change all the same
    del other
    assert _saved(path) is None


def test_no_count_is_saved_while_something_else_holds_the_store_open(tmp_path: Path) -> None:
    """A query another thread is still reading keeps RocksDB open past close(); its background work could
    then change the files after they were noted."""
    path = tmp_path / "store"
    _counted_and_closed(path)
    store = Store(path)
    store.add_graph([quad("urn:g:2", 1)])
    assert store.triple_count() == 11
    held = store.ox
    store.close()
    assert not (path / COUNT_FILE).exists()
    del held
    store = Store(path)
    assert store.triple_count() == len(store.ox) == 11
    store.close()
    assert _saved(path) == 11


def test_a_process_that_ends_without_closing_saves_no_count(tmp_path: Path) -> None:
    path = tmp_path / "store"
    _counted_and_closed(path)
    killed = ("import os, sys; from kg.store import Store; from tests.conftest import quad; s = Store(sys.argv[1]); "
              "s.add_graph([quad('urn:g:2', 1)]); assert s.triple_count() == 11; os._exit(0)")
    subprocess.run([sys.executable, "-c", killed, str(path)], check=True, cwd=ROOT)
    assert not (path / COUNT_FILE).exists()
    store = Store(path)
    assert store.triple_count() == len(store.ox) == 11
    store.close()
    assert _saved(path) == 11


def _saved(path: Path) -> int | None:
    """The count a read-only opening reads, if any, without reading the store."""
    saved = _saved_count(path)
    return saved["quads"] if saved is not None else None


def test_counts_saved_without_articles_and_events_are_counted_again(tmp_path: Path) -> None:
    """A count file of an earlier GeoKG (quads only) is not used: the next opening counts everything."""
    path = tmp_path / "store"
    _counted_and_closed(path)
    saved = json.loads((path / COUNT_FILE).read_text(encoding="utf-8"))
    (path / COUNT_FILE).write_text(json.dumps({"quads": 99, "files": saved["files"]}), encoding="utf-8")
    assert _saved_count(path) is None
    store = Store(path)
    assert store.counts() == _recounted(store) and store.triple_count() == 10
    store.close()


def test_a_count_that_fails_says_why_and_the_next_one_counts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = ox.Store(str(tmp_path / "store"))  # written by another program: GeoKG has no count of it
    other.extend([quad("urn:g:1", n) for n in range(4)])
    del other
    store = Store(tmp_path / "store")

    def fails(snapshot: Path) -> dict[str, int]:
        raise StoreError("counting the triples failed: no room")

    monkeypatch.setattr(store, "count_apart", fails)
    with pytest.raises(StoreError, match="no room"):
        store.counts()
    store.add_graph([quad("urn:g:2", 1)])  # a write while nothing is counted or kept
    monkeypatch.undo()
    assert store.counts() == _recounted(store) and store.triple_count() == 5
    store.close()
