"""Event fusion: the rules (kg.fusion), the index they are looked up by, and the events graph a store keeps
(kg.events_graph): incremental fusion, removal and rebuild give the same canonical events."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg import canonical, canonical_rows, events_graph, fusion, report_shelf, reports
from kg.reports import Report
from kg.search_index import CANONICAL_COLUMNS
from kg.store import ArticleGraph, Store, fusion_version

from .fusion_data import (
    ALEPPO,
    ALEPPO_PROVINCE,
    DAMASCUS,
    ISIS,
    ISTANBUL,
    MANSOUR,
    PALMYRA,
    PANTSIR,
    RUS,
    S400,
    SAA,
    SYR,
    TUR,
    USA,
    Told,
    article,
    random_articles,
)
from .test_stores import remote_location  # noqa: F401 (a fixture)

DAY = dt.date(2016, 2, 10)


def report(cls: str, roles: dict[str, list[str]] | None = None, date: str | None = None, published: dt.date = DAY,
           modality: str | None = None, art: str = "a", n: int = 0) -> Report:
    """A report built the way kg.reports reads one from an article's graph."""
    iri, quads = article(abs(hash(art)) % 10_000, published, [Told(cls, roles or {}, date, modality)])
    (r,) = reports.reports_in(quads)
    return Report(**{**r.__dict__, "iri": f"{iri}#event-{n}"})


def test_an_attack_and_an_air_strike_on_the_same_town_and_day_are_one_event() -> None:
    a = report("Attack", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", art="x")
    b = report("AirStrike", {"actor": [RUS], "location": [ALEPPO_PROVINCE]}, art="y")  # reported the day after
    assert fusion.same_event(a, b) and fusion.same_event(b, a)


def test_what_sets_reports_apart() -> None:
    base = report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", art="x")
    apart = {
        "another kind": report("MissileTest", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", art="y"),
        "another actor": report("AirStrike", {"actor": [USA], "location": [ALEPPO]}, "2016-02-09", art="y"),
        "another town": report("AirStrike", {"actor": [RUS], "location": [DAMASCUS]}, "2016-02-09", art="y"),
        "another week": report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-20", art="y"),
        "a plan": report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", modality="Planned",
                         art="y"),
        "the year only": report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016", art="y"),
        "an asset that the other's is not": report("AirStrike", {"actor": [RUS], "location": [ALEPPO], "asset": [S400]},
                                                    "2016-02-09", art="y"),
    }
    with_asset = report("AirStrike", {"actor": [RUS], "location": [ALEPPO], "asset": [PANTSIR]}, "2016-02-09", art="x")
    for why, other in apart.items():
        assert not fusion.same_event(with_asset if "asset" in why else base, other), why


def test_too_little_shared_is_not_one_event() -> None:
    """Russia striking somewhere in Syria, told twice without a date, is not one event; in the same town it is."""
    vague = [report("AirStrike", {"actor": [RUS], "location": [SYR]}, art=art) for art in ("x", "y")]
    assert not fusion.same_event(*vague)
    town = [report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, art=art) for art in ("x", "y")]
    assert fusion.same_event(*town)
    # a report naming no actor beside one that does needs more than the town: it might be another's strike; unless
    # both are news of the same day
    assert not fusion.same_event(report("Attack", {"location": [ALEPPO]}, published=DAY - dt.timedelta(days=1),
                                        art="x"), town[1])
    assert fusion.same_event(report("Attack", {"location": [ALEPPO]}, art="x"), town[1])
    assert fusion.same_event(report("Attack", {"location": [ISTANBUL]}, art="x"),
                             report("Attack", {"location": [ISTANBUL]}, published=DAY + dt.timedelta(days=1), art="y"))


def test_a_force_of_a_state_is_the_state_and_one_side_may_be_missing() -> None:
    a = report("GroundOffensive", {"actor": [SAA], "location": [ALEPPO]}, art="x")
    b = report("GroundOffensive", {"actor": [SYR], "target": [ISIS], "location": [ALEPPO]}, art="y")
    assert fusion.party(SAA) == SYR and fusion.same_event(a, b)


def test_a_denial_is_a_report_of_the_event_it_denies() -> None:
    claim = report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", art="x")
    denial = report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", modality="Denied", art="y")
    assert fusion.same_event(claim, denial)


def test_a_person_is_enough_of_a_party() -> None:
    a = report("AirStrike", {"target": [MANSOUR], "location": [TUR]}, "2016-02-09", art="x")
    b = report("AirStrike", {"actor": [USA], "target": [MANSOUR]}, published=DAY, art="y")
    assert fusion.same_event(a, b)


def test_statements_fuse_by_speaker_and_day_only() -> None:
    one = report("Statement", {"speaker": [RUS]}, "2016-02-09", art="x")
    assert fusion.same_event(one, report("Statement", {"speaker": [RUS]}, "2016-02-09", art="y"))
    assert not fusion.same_event(one, report("Statement", {"speaker": [RUS]}, "2016-02-10", art="y"))
    assert not fusion.same_event(report("Statement", {"speaker": [RUS]}, art="x"),
                                 report("Statement", {"speaker": [RUS]}, art="y"))
    assert not fusion.same_event(one, report("Statement", {"speaker": [USA]}, "2016-02-09", art="y"))


def test_the_index_finds_every_report_that_tells_the_same_event() -> None:
    """Whenever two reports tell the same event, the keys one is looked up by include a key the other is filed under:
    fusion through the index misses no pair that comparing every pair would find."""
    every = [r for _, quads in random_articles(seed=3, count=300) for r in reports.reports_in(quads)]
    pairs = 0
    for a in every:
        for b in every:
            if a.iri < b.iri and fusion.same_event(a, b):
                pairs += 1
                assert fusion.lookup(a) & fusion.keys(b) or a.article == b.article, (a, b)
                assert fusion.lookup(b) & fusion.keys(a) or a.article == b.article, (a, b)
    assert pairs > 100
    # and the keys of background mentions find every dated event an undated report may be a mention of
    mentions = 0
    for u in every:
        for d in every:
            if fusion.attachable(u, d):
                mentions += 1
                assert fusion.recalled_by(u) & fusion.background_keys(d), (u, d)
                assert fusion.recalling(d) & fusion.background_keys(u), (u, d)
    assert mentions > 50


def test_a_mention_counts_only_events_of_classes_that_agree_among_its_candidates() -> None:
    """'Its fourth nuclear test' is the one nuclear test of the past months, however many missiles were fired."""
    test = report("NuclearTest", {"actor": [RUS]}, "2016-01-06", art="t")
    launches = [report("MissileTest", {"actor": [RUS]}, f"2016-01-{day:02d}", art=f"m{day}")
                for day in range(10, 10 + 2 * fusion.RECALL_CANDIDATES)]
    mention = report("NuclearTest", {"actor": [RUS]}, published=dt.date(2016, 4, 1), art="later")
    groups = fusion.groups([test, mention, *launches])
    assert sorted(r.iri for r in next(g for g in groups if test in g)) == sorted([test.iri, mention.iri])
    # an operation of no kind in particular may be any of them: it is left alone
    vague = report("MilitaryOperation", {"actor": [RUS]}, published=dt.date(2016, 4, 1), art="vague")
    assert [vague] in fusion.groups([test, vague, *launches])


def test_the_groups_do_not_depend_on_the_order_of_the_reports() -> None:
    every = [r for _, quads in random_articles(seed=5, count=150) for r in reports.reports_in(quads)]
    expected = sorted(tuple(r.iri for r in g) for g in fusion.groups(every))
    for seed in range(3):
        shuffled = every[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(tuple(r.iri for r in g) for g in fusion.groups(shuffled)) == expected
    assert any(len(g) > 3 for g in expected)


def events(store: Store) -> set[ox.Quad]:
    return set(store.quads(graph=canonical.EVENTS))


def shelf_agrees(store: Store) -> None:
    """The reports kept on disk (kg.report_shelf) are those the store's graphs now tell, and of no article gone."""
    shelf = store.seen.shelf
    assert shelf is not None
    iris = [iri for (iri,) in shelf.db.execute("SELECT iri FROM report")]
    assert iris
    stored = {r.iri: r for r in reports.read_reports(store.query, iris)}
    assert {r.iri: r for r in shelf.get(iris)} == stored and len(stored) == len(iris)


def index_agrees(store: Store) -> None:
    """The search index lists the canonical events the store holds, as read back from it (kg.canonical_rows), in
    their order and page by page, and an entity's events too."""
    assert store.index is not None
    stored = sorted(canonical_rows.read(store.query), key=lambda r: (r.sort, r.iri), reverse=True)
    held = [tuple(r) for r in store.index.db.execute(f"SELECT {', '.join(CANONICAL_COLUMNS)} FROM canonical")]
    assert sorted(held) == sorted(tuple(getattr(r, c) for c in CANONICAL_COLUMNS) for r in stored)
    pages, more, offset = [], True, 0
    while more:
        page, more = store.index.canonical_events(None, offset, 7)
        pages += [r["iri"] for r in page]
        offset += 7
    assert pages == [r.iri for r in stored]
    for entity in (RUS, ALEPPO):
        naming = [r.iri for r in stored if entity in r.entities]
        page, more = store.index.canonical_events([entity, RUS], 2, 5)
        assert [r["iri"] for r in page] == [r.iri for r in stored if RUS in r.entities or entity in r.entities][2:7]
        assert naming and more == (len([r for r in stored if RUS in r.entities or entity in r.entities]) > 7)


@pytest.mark.parametrize("seed, spread, days", [(11, 0, 40), (12, 30, 300)])
def test_incremental_fusion_removal_and_rebuild_agree(tmp_path: Path, seed: int, spread: int, days: int,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Articles stored one by one (and in bulk loads) in any order, then some removed, then stored again by another
    store object: the events graph is the one a rebuild from the articles left makes, and the kept counts stay
    right."""
    articles = random_articles(seed=seed, count=120, days=days, spread=spread)
    order = articles[:]
    random.Random(1).shuffle(order)
    store = Store(tmp_path / "store")
    store.init(fusion.reference.load())
    for iri, quads in order[:60]:
        assert store.add_article(iri, quads)
    store.load_all(ArticleGraph.of(quads) for _, quads in order[60:])
    incremental = events(store)
    index_agrees(store)
    fused = [q for q in incremental if q.predicate == ox.NamedNode(f"{events_graph.vocab.GKG}articleCount")]
    assert sum(1 for q in fused if int(q.object.value) > 1) > 10
    assert events_graph.rebuild(store, fusion_version()).reports > 200
    assert events(store) == incremental
    index_agrees(store)
    for iri, _ in order[::7]:
        assert store.remove_graph(iri)
    after_removal = events(store)
    index_agrees(store)
    shelf_agrees(store)
    events_graph.rebuild(store, fusion_version())
    assert events(store) == after_removal
    kept = store.counts()
    store.close()
    recount = Store(tmp_path / "store")
    recount._counts = None
    assert recount.counts() == kept
    # a new process reads the reports near its new articles from the shelf, not from the store, and fuses alike
    read: list[str] = []
    real = reports.read_reports
    monkeypatch.setattr(reports, "read_reports", lambda query, iris: read.extend(iris) or real(query, iris))
    for iri, quads in order[::7]:
        assert recount.add_article(iri, quads)
    assert not read
    incremental = events(recount)
    events_graph.rebuild(recount, fusion_version())
    assert events(recount) == incremental
    shelf_agrees(recount)
    recount.close()


def test_a_canonical_event_holds_its_reports_counts_dates_and_contradictions(store: Store) -> None:
    store.init(fusion.reference.load())
    told = [(DAY, Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09"), 0),
            (DAY + dt.timedelta(days=1), Told("Attack", {"actor": [RUS], "target": [ISIS], "location": [ALEPPO]}), 1),
            (DAY, Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09", modality="Denied"), 1)]
    for n, (published, t, publisher) in enumerate(told):
        store.add_article(*article(n, published, [t], publisher=publisher))
    rows = list(store.query(f"""PREFIX gkg: <https://w3id.org/geokg/ontology#>
        SELECT ?e ?n ?p ?first ?last ?date ?c (COUNT(DISTINCT ?r) AS ?reports) (COUNT(DISTINCT ?d) AS ?denials)
        WHERE {{ GRAPH <{canonical.EVENTS.value}> {{ ?e gkg:articleCount ?n ; gkg:publisherCount ?p ;
          gkg:firstReported ?first ; gkg:lastReported ?last ; gkg:date ?date ; gkg:confidence ?c .
          ?r gkg:reportOf ?e OPTIONAL {{ ?e gkg:contradictedBy ?d }} }} }} GROUP BY ?e ?n ?p ?first ?last ?date ?c"""))
    assert len(rows) == 1
    row = rows[0]
    assert (row["n"].value, row["p"].value, row["reports"].value, row["denials"].value) == ("3", "2", "3", "1")
    assert (row["first"].value, row["last"].value, row["date"].value) == ("2016-02-10", "2016-02-11", "2016-02-09")
    assert float(row["c"].value) > 0.9
    classes = {q.object.value.rsplit("#", 1)[1] for q in store.quads(row["e"], fusion_class(), None, canonical.EVENTS)}
    assert classes == {"AirStrike", "MilitaryOperation"}


def fusion_class() -> ox.NamedNode:
    return ox.NamedNode("https://w3id.org/geokg/ontology#eventClass")


def test_articles_stored_without_fusion_are_fused_later(tmp_path: Path) -> None:
    """Marks say which articles wait for fusion: an ingest stopped before it fused (or `--no-fuse`) is finished by the
    next opening's init, and fusing them then gives what fusing them at once would have."""
    articles = random_articles(seed=2, count=30)
    store = Store(tmp_path / "store", fuse=False)
    store.init(fusion.reference.load())
    for iri, quads in articles:
        store.add_article(iri, quads)
    assert len(events_graph.pending(store)) == 30 and not events(store)
    store.fusing = True
    assert store.init(fusion.reference.load())
    assert not events_graph.pending(store)
    fused = events(store)
    events_graph.rebuild(store, fusion_version())
    assert events(store) == fused
    store.close()


@pytest.mark.parametrize("told", [[Told("AirStrike", {"actor": [RUS]}, "2016-02-09")], []])
def test_removing_an_article_takes_its_reports_out_of_the_events(store: Store, told: list[Told]) -> None:
    store.init(fusion.reference.load())
    keep = article(1, DAY, [Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09")])
    gone = article(2, DAY, [*told, Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]})])
    store.add_article(*keep)
    store.add_article(*gone)
    assert events_graph.count(store) == 1
    assert store.remove_graph(gone[0]) and not store.remove_graph(gone[0])
    assert events_graph.count(store) == 1
    assert not [q for q in events(store) if q.subject.value.startswith(gone[0]) or q.object.value.startswith(gone[0])]


def test_a_mention_among_too_many_stored_candidates_recalls_none_until_they_are_removed(store: Store) -> None:
    """A background mention recalls the one dated event it may be of among at most RECALL_CANDIDATES; the store counts
    the events filed under its keys instead of reading them all, and removals that leave one let it join that one."""
    store.init(fusion.reference.load())
    tests = [article(10 + n, dt.date(2016, 1, 2 + 3 * n),
                     [Told("NuclearTest", {"actor": [RUS]}, f"2016-01-{1 + 3 * n:02d}")])
             for n in range(fusion.RECALL_CANDIDATES + 2)]
    store.load_all(ArticleGraph.of(quads) for _, quads in tests)
    mention = article(1, dt.date(2016, 4, 1), [Told("NuclearTest", {"actor": [RUS]})])
    store.add_article(*mention)
    assert events_graph.count(store) == len(tests) + 1  # too many it may be of: none is chosen
    for iri, _ in tests[1:]:
        assert store.remove_graph(iri)
    assert events_graph.count(store) == 1  # the one left is the one it mentions
    incremental = events(store)
    events_graph.rebuild(store, fusion_version())
    assert events(store) == incremental


@pytest.mark.parametrize("rewrite", ["replace_graph", "update"])
def test_fusion_reads_a_report_rewritten_after_it_was_fused(store: Store, rewrite: str) -> None:
    """Fusion keeps the reports it has seen (reports.Seen); a report that a graph's replacement or a SPARQL Update
    changes is read again (and fused again): the next article fuses by what the store now says."""
    store.init(fusion.reference.load())
    first = article(1, DAY, [Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09")])
    store.add_article(*first)
    (mine,) = reports.reports_in(first[1])
    assert store.seen.take([mine.iri]) == ([mine], [])
    rus, usa = ox.NamedNode(RUS), ox.NamedNode(USA)
    if rewrite == "replace_graph":
        store.replace_graph(first[0], [ox.Triple(q.subject, q.predicate, usa if q.object == rus else q.object)
                                       for q in first[1]])
    else:
        actor = f"<{events_graph.vocab.GKG}actor>"
        store.update(f"DELETE DATA {{ GRAPH <{first[0]}> {{ <{mine.iri}> {actor} <{RUS}> }} }} ; "
                     f"INSERT DATA {{ GRAPH <{first[0]}> {{ <{mine.iri}> {actor} <{USA}> }} }}")
    kept, _ = store.seen.take([mine.iri])  # fused again as the write left it (events_graph.refusing)
    assert [r.role("actor") for r in kept] == [frozenset({USA})]
    store.add_article(*article(2, DAY, [Told("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, "2016-02-09")]))
    assert events_graph.count(store) == 2  # the Russian strike is not the American one (1 if read as it was fused)


def _swapped(quads: list[ox.Quad], old: str, new: str) -> list[ox.Triple]:
    return [ox.Triple(q.subject, q.predicate, ox.NamedNode(new) if q.object == ox.NamedNode(old) else q.object)
            for q in quads]


def test_writes_to_article_graphs_keep_the_events_graph_as_a_rebuild_makes_it(store: Store) -> None:
    """A graph replaced (Graph Store PUT), triples added to one (POST), SPARQL Updates that rewrite a report, drop an
    article or add one, a write that fails: after each, the events graph is the one a rebuild makes; an update that
    names its graphs by a variable marks the events graph out of date, and the next init rebuilds it. The search
    index lists the events as the store holds them throughout, and catches up with rows it lost."""
    store.init(fusion.reference.load())
    articles = random_articles(seed=5, count=40)
    store.load_all(ArticleGraph.of(quads) for _, quads in articles[:36])

    def agrees() -> None:
        assert events_graph.is_current(store, fusion_version()) and not events_graph.pending(store)
        index_agrees(store)
        shelf_agrees(store)
        incremental = events(store)
        events_graph.rebuild(store, fusion_version())
        assert events(store) == incremental

    (a, qa), (b, qb), (c, _), (d, qd), (e, qe) = articles[0], articles[1], articles[2], articles[36], articles[37]
    store.replace_graph(a, _swapped(qa, RUS, USA) if any(q.object.value == RUS for q in qa) else
                        _swapped(qa, SYR, TUR))
    agrees()
    body = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in _swapped(qb, ALEPPO, PALMYRA))
    store.update(f"DROP GRAPH <{b}> ; INSERT DATA {{ GRAPH <{b}> {{ {body} }} }}")
    agrees()
    store.update(f"DROP GRAPH <{c}>")
    agrees()
    store.replace_graph(d, [q.triple for q in qd])  # a new graph by PUT: an article to fuse
    with events_graph.refusing(store, [e]):  # POST of the article's triples to a new graph (server/protocol.py)
        store.add_graph(qe)
    agrees()
    before = events(store)
    with pytest.raises(ValueError), events_graph.refusing(store, [d, e]):
        raise ValueError("a write that failed")
    assert events(store) == before
    store.update(f"DELETE {{ GRAPH ?g {{ ?r <{events_graph.vocab.GKG}actor> <{RUS}> }} }} "
                 f"WHERE {{ GRAPH ?g {{ ?r <{events_graph.vocab.GKG}actor> <{RUS}> }} }}")
    assert not events_graph.is_current(store, fusion_version())
    assert store.init(fusion.reference.load())
    agrees()
    assert store.index is not None
    store.index.db.execute("DELETE FROM canonical WHERE iri IN (SELECT iri FROM canonical LIMIT 3)")
    store.init(fusion.reference.load())  # the index catches up with the events graph (a crash between their writes)
    agrees()


def test_the_graphs_an_update_writes_are_read_from_its_parse() -> None:
    from kg.update_graphs import written_graphs

    assert written_graphs("PREFIX ex: <http://e/> INSERT DATA { GRAPH ex:g { ex:a ex:b ex:c } } ; "
                          "DELETE DATA { GRAPH <http://x/h> { <http://a> <http://b> 1 } }") == {"http://e/g", "http://x/h"}
    assert written_graphs("WITH <http://g/1> DELETE { ?s ?p ?o } INSERT { GRAPH <http://g/2> { ?s ?p 1 } } "
                          "WHERE { ?s ?p ?o }") == {"http://g/1", "http://g/2"}
    assert written_graphs("CLEAR GRAPH <http://g/4> ; MOVE <http://g/5> TO <http://g/6> ; COPY DEFAULT TO "
                          "<http://g/9> ; CREATE GRAPH <http://g/10>") == {f"http://g/{n}" for n in (4, 5, 6, 9)}
    assert written_graphs("BASE <http://b/> DELETE WHERE { GRAPH <g> { ?s ?p ?o } }") == {"http://b/g"}
    assert written_graphs("INSERT { ?s ?p ?o } WHERE { ?s ?p ?o } ; CLEAR DEFAULT") == set()
    assert written_graphs("# GRAPH <http://g/1>\rINSERT DATA { <http://a> <http://b> 1 }") == set()
    for unknown in ("DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }", "DROP ALL", "CLEAR NAMED",
                    "INSERT DATA { GRAPH <g> { <http://a> <http://b> 1 } }", "not an update"):
        assert written_graphs(unknown) is None, unknown


def test_the_reports_seen_are_the_latest_and_an_articles_are_forgotten_with_it() -> None:
    seen = reports.Seen(size=3)
    one = report("AirStrike", {"actor": [RUS]})
    made = [Report(**{**one.__dict__, "iri": f"urn:a{n % 2}#event-{n}", "article": f"urn:a{n % 2}"}) for n in range(4)]
    seen.add(made)
    assert seen.take(r.iri for r in made) == (made[1:], [made[0].iri])
    seen.forget([made[1].article])
    assert seen.take(r.iri for r in made) == ([made[2]], [made[0].iri, made[1].iri, made[3].iri])
    seen.forget()
    assert seen.take([made[2].iri]) == ([], [made[2].iri])


def test_the_reports_shelved_outlive_the_store_object_and_another_ontology(tmp_path: Path) -> None:
    """Reports on the shelf come back to another Seen (another process) beyond its memory's size, as they were; an
    article's go with it; a shelf made for another ontology or format is emptied when opened."""
    path = tmp_path / report_shelf.SHELF_FILE
    one = report("AirStrike", {"actor": [RUS], "location": [ALEPPO]}, date="2016-02")
    assert one.datatype == "gYearMonth" and one.published and one.publisher
    made = [Report(**{**one.__dict__, "iri": f"urn:a{n % 2}#event-{n}", "article": f"urn:a{n % 2}",
                      "modality": "Denied" if n else None, "qualifier": "since" if n == 3 else None,
                      "confidence": n / 4}) for n in range(4)]
    reports.Seen(shelf=report_shelf.ReportShelf(path)).add(made)
    def taken(seen: reports.Seen) -> tuple[list[Report], list[str]]:
        found, missing = seen.take(r.iri for r in made)
        return sorted(found, key=lambda r: r.iri), missing

    again = reports.Seen(size=2, shelf=report_shelf.ReportShelf(path))
    assert taken(again) == ([made[0], made[2], made[1], made[3]], [])
    again.forget([made[1].article])
    assert taken(reports.Seen(shelf=report_shelf.ReportShelf(path))) == ([made[0], made[2]], [made[1].iri, made[3].iri])
    shelf = report_shelf.ReportShelf(path)
    with shelf.db:
        shelf.db.execute("UPDATE meta SET value = 'another' WHERE key = 'version'")
    assert report_shelf.ReportShelf(path).count() == 0


def test_remote_stores_fuse_as_the_embedded_store(remote_location: str, tmp_path: Path) -> None:  # noqa: F811
    """On a SPARQL server, articles added one by one and in batches, then one removed, one replaced and one dropped
    by a SPARQL Update, give the canonical events that the embedded store gives for the same articles."""
    from kg.sparql_store import SparqlStore

    articles = random_articles(seed=7, count=24)
    remote, local = SparqlStore(remote_location), Store(tmp_path / "local")
    for s in (remote, local):
        s.init(fusion.reference.load())
    for iri, quads in articles[:8]:
        assert remote.add_article(iri, quads) and local.add_article(iri, quads)
    remote.add_articles([quads for _, quads in articles[8:]])
    local.add_articles([quads for _, quads in articles[8:]])
    for s in (remote, local):
        assert s.remove_graph(articles[3][0])
        s.replace_graph(articles[4][0], _swapped(articles[4][1], ALEPPO, PALMYRA))
        s.update(f"DROP SILENT GRAPH <{articles[5][0]}>")  # SILENT: Virtuoso wants it for graphs not CREATEd

    def terms(s: Store | SparqlStore) -> set[tuple[str, ...]]:
        return {(q.subject.value, q.predicate.value, q.object.value) for q in s.quads(graph=canonical.EVENTS)}

    fused = terms(local)
    assert terms(remote) == fused and len({t[0] for t in fused}) > 20
    events_graph.rebuild(remote, fusion_version())
    assert terms(remote) == fused
    local.close()
