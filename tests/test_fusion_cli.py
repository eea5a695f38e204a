"""Event fusion through the command line and what reads the events graph: articles of one event fused as they are
ingested (or later, with `geokg fuse`), removed, rebuilt, exported, validated, listed and queried."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from kg import canonical_rows, event_lists, vocab
from kg.cli import main
from kg.search_index import INDEX_FILE, SearchIndex
from kg.store import ArticleGraph, Store
from server.examples import EXAMPLES

from .conftest import answer

ARTICLES = {  # two publishers report Palmyra's recapture; one article tells a strike that Moscow denies
    "palmyra-reuters.json": {"title": "Syrian army retakes Palmyra from Islamic State", "date": "2016-03-28",
                             "publisher": "Reuters", "url": "https://example.org/palmyra-reuters",
                             "text": "Syrian government forces drove Islamic State out of Palmyra on Sunday, the army "
                                     "said. Russian jets backed the assault."},
    "palmyra-bbc.json": {"title": "Palmyra recaptured", "date": "2016-03-28", "publisher": "BBC",
                         "url": "https://example.org/palmyra-bbc",
                         "text": "The Syrian army recaptured Palmyra from Islamic State militants on Sunday, state "
                                 "television said."},
    "aleppo-denial.json": {"title": "Moscow denies strike", "date": "2016-04-28", "publisher": "Reuters",
                           "url": "https://example.org/aleppo",
                           "text": "Russia denied that its warplanes bombed a hospital in Aleppo on Wednesday. The "
                                   "United States said Russian jets struck the hospital in Aleppo on Wednesday."},
}
PALMYRA = "https://w3id.org/geokg/resource/place/palmyra"
EVENTS = ox.NamedNode(vocab.EVENTS_GRAPH)


def geokg(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    directory = tmp_path / "articles"
    directory.mkdir()
    for name, record in ARTICLES.items():
        (directory / name).write_text(json.dumps(record), encoding="utf-8")
    return directory


def events_graph_of(capsys: pytest.CaptureFixture[str], store: str) -> set[str]:
    code, out, _ = geokg(capsys, "export", "--store", store, "--graph", vocab.EVENTS_GRAPH, "--format", "nquads")
    assert code == 0
    return set(out.splitlines())


def palmyra(store: Store) -> dict[str, str | None]:
    (row,) = answer(store, f"""SELECT ?n ?p ?first ?date WHERE {{ GRAPH <{vocab.EVENTS_GRAPH}> {{
        ?e gkg:location <{PALMYRA}> ; gkg:articleCount ?n ; gkg:publisherCount ?p ; gkg:firstReported ?first ;
        gkg:date ?date }} }}""")
    return dict(zip(("articles", "publishers", "first", "date"), row, strict=True))


def test_articles_of_one_event_fuse_and_come_apart(tmp_path: Path, articles: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store_dir = str(tmp_path / "store")
    assert geokg(capsys, "ingest", "--store", store_dir, str(articles))[0] == 0
    store = Store(store_dir, read_only=True)
    assert palmyra(store) == {"articles": "2", "publishers": "2", "first": "2016-03-28", "date": "2016-03-27"}
    # the strike and its denial, told in one article, are one event that a report contradicts
    index = SearchIndex(Path(store_dir) / INDEX_FILE, read_only=True)
    listed, more = index.canonical_events()
    assert not more and [r["iri"] for r in listed] == [r.iri for r in sorted(
        canonical_rows.read(store.query), key=lambda r: (r.sort, r.iri), reverse=True)]
    (denied,) = [r for r in listed if r["contested"] == 1]
    index.close()
    assert "Air strike: Russia in Aleppo" in str(denied["label"])
    assert {r["modality"] for r in event_lists.reports_of(store, str(denied["iri"]))} == {None, vocab.GKG + "Denied"}
    example = next(e for e in EXAMPLES if e.title == "Claims the accused deny")
    assert [(r[1], r[3]) for r in answer(store, example.query)] == [("Russia", "1")]
    example = next(e for e in EXAMPLES if e.title == "Events several publishers report")
    assert [r[1:3] for r in answer(store, example.query)] == [("2", "2")]
    store.close()
    assert "canonical events" in geokg(capsys, "stats", "--store", store_dir)[1]
    exported = geokg(capsys, "export", "--store", store_dir, "--format", "nquads")[1]
    assert f"<{vocab.EVENTS_GRAPH}>" in exported  # the canonical graph is exported with the rest

    bbc = next(a for a in Store(store_dir, read_only=True).articles()
               if "Palmyra recaptured" in geokg(capsys, "export", "--store", store_dir, "--graph", a)[1])
    code, out, _ = geokg(capsys, "remove", "--store", store_dir, bbc)
    assert code == 0
    store = Store(store_dir, read_only=True)
    assert palmyra(store)["articles"] == "1"
    assert not answer(store, f"SELECT ?r WHERE {{ ?r gkg:reportOf ?e FILTER(STRSTARTS(STR(?r), {json.dumps(bbc)})) }}")
    store.close()
    after_removal = events_graph_of(capsys, store_dir)
    code, out, _ = geokg(capsys, "fuse", "--rebuild", "--store", store_dir)
    assert code == 0 and "rebuilt the events graph" in out
    assert events_graph_of(capsys, store_dir) == after_removal


def test_ingest_without_fusion_then_fuse(tmp_path: Path, articles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    later, now = str(tmp_path / "later"), str(tmp_path / "now")
    assert geokg(capsys, "ingest", "--no-fuse", "--store", later, str(articles))[0] == 0
    assert "canonical events   0" in geokg(capsys, "stats", "--store", later)[1]
    assert geokg(capsys, "ingest", "--store", now, str(articles))[0] == 0
    code, out, _ = geokg(capsys, "fuse", "--store", later)
    assert code == 0 and "reports" in out
    assert events_graph_of(capsys, later) == events_graph_of(capsys, now)
    code, out, _ = geokg(capsys, "fuse", "--store", later)  # nothing left to fuse
    assert code == 0 and "fused 0 reports of 0 article(s)" in out


def test_canonical_events_conform_to_their_shapes(tmp_path: Path, articles: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from kg.validate import validate

    store_dir = str(tmp_path / "store")
    geokg(capsys, "ingest", "--store", store_dir, str(articles))
    report = validate(Store(store_dir, read_only=True))
    assert not [v for v in report.violations if v.focus.startswith(vocab.EVENT)], report.text()


@contextmanager
def served(store: Store, **options: object) -> Iterator[FlaskClient]:
    """A test client of the app serving `store` (with one query worker)."""
    from server import create_app
    from server.querypool import QueryPool

    pool = QueryPool(store, workers=1, timeout=20)
    try:
        yield create_app(store, pool, **options).test_client()
    finally:
        pool.close()


def test_the_events_graph_is_not_written_through_the_graph_store_protocol(store: Store) -> None:
    with served(store, update_token="t") as client:
        r = client.put(f"/rdf-graphs?graph={vocab.EVENTS_GRAPH}", data=b"<urn:a> <urn:b> <urn:c> .",
                       content_type="application/n-triples", headers={"Authorization": "Bearer t"})
        assert r.status_code == 403


def test_graph_store_writes_of_articles_are_fused(store: Store) -> None:
    """An article POSTed to a new graph is fused; PUT over it with another actor re-fuses it; DELETE takes it out."""
    from kg import events_graph, reference

    from .fusion_data import ALEPPO, RUS, USA, Told, article

    store.init(reference.load())
    store.add_article(*article(1, dt.date(2016, 2, 10), [Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]},
                                                               "2016-02-09")]))
    iri, quads = article(2, dt.date(2016, 2, 10), [Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]},
                                                         "2016-02-09")])
    auth = {"Authorization": "Bearer t"}

    with served(store, update_token="t") as client:
        def send(method: str, actor: str) -> int:
            body = ox.serialize((ox.Triple(q.subject, q.predicate, ox.NamedNode(actor) if q.object.value == RUS
                                           else q.object) for q in quads), None, ox.RdfFormat.N_TRIPLES)
            return client.open(f"/rdf-graphs?graph={iri}", method=method, data=body, headers=auth,
                               content_type="application/n-triples").status_code

        assert send("POST", RUS) == 201
        reported = f"ASK {{ GRAPH <{vocab.EVENTS_GRAPH}> {{ <{iri}#event-0000> <{vocab.GKG}reportOf> ?e }} }}"
        assert events_graph.count(store) == 1 and store.query(reported)  # a report of the same strike
        assert send("PUT", USA) == 204
        assert events_graph.count(store) == 2  # now an American strike beside the Russian one
        assert client.delete(f"/rdf-graphs?graph={iri}", headers=auth).status_code == 204
        assert events_graph.count(store) == 1 and not store.query(reported)


def test_the_canonical_events_page_is_paged(store: Store) -> None:
    """/events/canonical shows 50 events a page, newest first, with a link to the next page while more follow."""
    import re

    from kg import reference

    from .fusion_data import RUS, random_articles

    store.init(reference.load())
    store.load_all(ArticleGraph.of(quads) for _, quads in random_articles(seed=11, count=120))
    newest = sorted(canonical_rows.read(store.query), key=lambda r: (r.sort, r.iri), reverse=True)
    listed = [r.iri for r in newest]
    naming = [r.iri for r in newest if RUS in r.entities]
    assert len(listed) > 100 and 10 < len(naming) < 50

    with served(store) as client:
        def shown(url: str) -> tuple[list[str], bool]:
            r = client.get(url)
            assert r.status_code == 200
            html = r.get_data(as_text=True)
            return [vocab.EVENT + e for e in re.findall(r'id="ce-([0-9a-f]+)"', html)], 'rel="next"' in html

        assert shown("/events/canonical") == (listed[:50], True)
        assert shown("/events/canonical?page=2") == (listed[50:100], len(listed) > 100)
        assert shown(f"/events/canonical?entity={RUS}") == (naming, False)
        assert client.get("/events/canonical?page=two").status_code == 400


def test_an_events_reports_are_listed_once_each_with_or_without_a_publisher(store: Store) -> None:
    from kg import reference

    from .fusion_data import ALEPPO, RUS, Told, article

    store.init(reference.load())
    told = [Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09")]
    for n in range(3):
        iri, quads = article(n, dt.date(2016, 2, 10), told, publisher=n)
        if n == 2:  # an article posted without its publisher
            quads = [q for q in quads if q.predicate.value != vocab.SCHEMA + "publisher"]
        g = ox.NamedNode(iri)  # the label and headline that reports_of reads (fusion_data writes no labels)
        store.add_article(iri, [*quads, ox.Quad(ox.NamedNode(f"{iri}#event-0000"), ox.NamedNode(vocab.RDFS + "label"),
                                                ox.Literal(f"Air strike {n}"), g)])
    (event,) = canonical_rows.read(store.query)
    listed = event_lists.reports_of(store, event.iri)
    assert sorted((r["article"] or "")[-1] for r in listed) == ["0", "1", "2"]
    publishers = {(r["article"] or "")[-1]: r["publisher"] for r in listed}
    assert publishers["0"] and publishers["1"] and publishers["0"] != publishers["1"] and publishers["2"] is None
