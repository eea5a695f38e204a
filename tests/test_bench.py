"""The benchmark tools: the corpus generator (deterministic, realistic lengths, real names the extractor finds),
the store replicator of the growth probe, and the growth table."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import corpus, replicate
from bench.run import _timed, geokg_ingest, growth_probe, growth_table, markdown, optimize, rdflib_compare
from kg import article, canonical_rows, event_lists, events_graph, extract, reference, vocab
from kg.search_index import INDEX_FILE, SearchIndex
from kg.store import Store

from .conftest import SEED_ARTICLE, build_store


def test_corpus_is_deterministic_with_article_lengths_in_range(tmp_path: Path) -> None:
    a = corpus.write(20, tmp_path / "a.jsonl", seed=3).read_text(encoding="utf-8")
    b = corpus.write(20, tmp_path / "b.jsonl", seed=3).read_text(encoding="utf-8")
    assert a == b
    records = [json.loads(line) for line in a.splitlines()]
    assert len(records) == 20 and len({r["url"] for r in records}) == 20
    assert all(300 <= len(r["text"].split()) <= 800 for r in records)
    for r in records:
        sentences = re.split(r"(?<=[.!?\"])\s+", r["text"])
        assert len(sentences) == len(set(sentences)), r["title"]  # no sentence twice in an article
        assert not re.search(r"\(\d+\)$", r["title"]), r["title"]  # headlines, not numbered sentences


def test_corpus_names_weapons_and_states_in_english(tmp_path: Path) -> None:
    text = corpus.write(300, tmp_path / "c.jsonl", seed=5).read_text(encoding="utf-8")
    assert ", a transport aircraft " in text and ", a combat aircraft " in text and "Type 45 destroyers" in text
    assert not re.search(r"\b(aircrafts|aircraf|syste)\b|destroyer warships|submarine submarines", text)
    assert "to the United States" in text and " to United States" not in text and "United States's" not in text


def test_corpus_gives_officials_the_office_they_held_that_year() -> None:
    w = corpus.Writer(1)
    state = {s.label: s for s in w.states}

    def held(country: str, year: int) -> set[str]:
        return {f"{o.title} {o.person.label}" for o in w.officials(state[country], year)}

    assert {"President Vladimir Putin", "Prime Minister Dmitry Medvedev"} <= held("Russia", 2018)
    assert {"President Dmitry Medvedev", "Prime Minister Vladimir Putin"} <= held("Russia", 2010)
    assert "President Dmitry Medvedev" not in held("Russia", 2018) and "President Barack Obama" in held(
        "United States", 2012)
    assert not any(t.startswith("President") for t in held("United States", 2017))  # the year the office changed
    assert "Chancellor Angela Merkel" in held("Germany", 2015) and "King Salman bin Abdulaziz" in held(
        "Saudi Arabia", 2018)
    assert "Prime Minister David Cameron" in held("United Kingdom", 2013) and not any(
        t.startswith(("President", "King", "Queen")) for t in held("United Kingdom", 2013))


def test_corpus_articles_yield_entities_and_events(tmp_path: Path) -> None:
    records = [json.loads(line) for line in corpus.write(5, tmp_path / "c.jsonl").read_text().splitlines()]
    for record in records:
        x = extract.extract(article.from_record(record, "bench"))
        assert len({m.iri for m in x.mentions}) >= 8, record["title"]
        assert {e.kind for e in x.events} & {"ArmsTransfer", "Statement", "MilitaryOperation", "Deployment"}


def test_replicated_store_holds_renamed_copies_of_every_article(tmp_path: Path) -> None:
    source = build_store(tmp_path / "src", corpus.write(3, tmp_path / "c.jsonl"))
    result = replicate.replicate(source, tmp_path / "copy", 4)
    assert result["articles"] == 12 and len(result["copy_seconds"]) == 3
    store = Store(tmp_path / "copy", read_only=True)
    originals = [a for a in store.articles() if "/article/r" not in a]
    assert len(originals) == 3
    for iri in originals:
        copy = iri.replace("/article/", "/article/r2-")
        mine = sorted(str(q) for q in store.quads(graph=ox.NamedNode(iri)))
        theirs = sorted(str(q).replace("/article/r2-", "/article/") for q in
                        store.quads(graph=ox.NamedNode(copy)))
        assert mine == theirs and len(mine) > 300
    store.close()
    probe = growth_probe(str(tmp_path / "copy"))  # the latencies of the growth table, on `geokg serve`
    assert all(probe[k] is not None and probe[k] > 0 for k in ("article_page_p50_ms", "point_query_p50_ms",
                                                             "hub_page_p50_ms", "example_queries_median_p50_ms",
                                                             "home_page_first_ms", "home_page_counted_ms",
                                                             "home_page_counts_after_a_write_ms"))
    assert probe["home_page_counted_ms"] >= probe["home_page_first_ms"]
    reopened = Store(tmp_path / "copy", read_only=True)  # the probe's write was removed again
    assert not reopened.has_graph("urn:geokg:bench:probe") and len(list(reopened.articles())) == 12
    reopened.close()
    assert len(probe["example_query_p50_ms"]) == 10 and probe["errors"] == []


def test_fused_copies_hold_each_event_once_per_copy_under_the_same_keys(tmp_path: Path) -> None:
    source = build_store(tmp_path / "src", corpus.write(3, tmp_path / "c.jsonl"))
    store = Store(source, read_only=True)
    events, keys = events_graph.count(store), _keys(store)
    store.close()
    result = replicate.replicate_fused(source, tmp_path / "copy", 3)
    assert result["articles"] == 9 and len(result["copy_seconds"]) == 2
    store = Store(tmp_path / "copy", read_only=True)
    assert events > 0 and events_graph.count(store) == 3 * events and _keys(store) == keys
    for row in canonical_rows.read(store.query):  # every event's reports are in articles of its own copy
        copy = row.iri.removeprefix(vocab.EVENT)[:3] if row.iri.startswith(vocab.EVENT + "r") else ""
        reports = event_lists.reports_of(store, row.iri)
        assert reports and all(r["article"].startswith(vocab.ARTICLE + copy) for r in reports)
        if not copy:
            assert all("/article/r" not in r["article"] for r in reports)
    assert not events_graph.pending(store)
    index = SearchIndex(tmp_path / "copy" / INDEX_FILE, read_only=True)  # each copy's events listed
    listed, more = index.canonical_events(None, 0, 3 * events)
    assert not more and {r["iri"] for r in listed} == {r.iri for r in canonical_rows.read(store.query)}
    index.close()
    store.close()


def _keys(store: Store) -> set[str]:
    return {r["k"].value for r in store.query(f"SELECT DISTINCT ?k WHERE {{ GRAPH <{vocab.EVENTS_GRAPH}> "
                                               f"{{ ?e <{vocab.GKG}indexKey> ?k }} }}")}


def test_growth_table_compares_each_size_with_the_smallest() -> None:
    probe = {"article_page_p50_ms": 10.0, "point_query_p50_ms": 2.0, "hub_page_p50_ms": 100.0,
             "example_queries_median_p50_ms": 50.0}
    rows = [{"articles": 1000, "ingest_jobs2": {"geokg_seconds": 60.0}, "growth": probe},
            {"articles": 10000, "ingest_jobs2": {"geokg_seconds": 630.0},
             "growth": {**probe, "hub_page_p50_ms": 400.0, "example_queries_median_p50_ms": None,
                        "errors": ["example query 2: HTTP Error 503: Service Unavailable"]}},
            {"articles": 100000, "replicated_from": 10000, "growth": probe,
             "replicate": {"copy_seconds": [40.0, 41.0]}}]
    table = "\n".join(growth_table(rows))
    assert "| 1,000 articles | 10,000 articles | 100,000 articles (10 × 10,000, copied) |" in table
    assert "| ingestion s per 1,000 articles | 60.0 | 63.0 (1.05×) |  |" in table
    assert "| busiest entity page (Russia) p50 ms | 100.0 | 400.0 (4.00×) | 100.0 (1.00×) |" in table
    assert "no answer in 2 min" in table and "seconds: 40, 41." in table
    assert "At 10,000 articles, example query 2: HTTP Error 503: Service Unavailable" in table


def test_ingestion_run_reports_the_cpu_of_storing_and_of_extraction_apart(tmp_path: Path) -> None:
    result = geokg_ingest(str(corpus.write(4, tmp_path / "c.jsonl")), str(tmp_path / "store"), 2)
    assert result["articles"] == 4 and result["cpu_main_s"] > 0
    assert result["cpu_extraction_s"] > 1  # two extraction processes, each loading spaCy, counted once exited
    table = markdown([{"articles": 4, "ingest_jobs2": {"geokg_seconds": result["seconds"], **result}}])
    assert "| 4 | CPU-s per 1,000 articles, ingestion --jobs 2: storing process + extraction | " in table
    one = markdown([{"articles": 4, "ingest_jobs1": {"cpu_main_s": 2.0, "cpu_extraction_s": 0.0}}])
    assert "| 4 | CPU-s per 1,000 articles, ingestion --jobs 1 (extraction and storing, one process) | 500.0 |" in one
    took = optimize(tmp_path / "store")  # what the query stages read
    assert took > 0 and Store(tmp_path / "store", read_only=True).unoptimized_share() == 0.0
    row = markdown([{"articles": 4, "optimize": {"seconds": 2.0, "ingest_seconds": 40.0}}]).splitlines()[2]
    assert row == "| 4 | geokg optimize after the ingestion, s (vs the ingestion's s) | 2.0 | 40.0 | 0.05 |"


def test_timed_stops_pure_python_work_at_the_budget() -> None:
    def forever() -> None:
        while True:
            pass

    started = time.perf_counter()
    assert _timed(forever, 0.3) is None and time.perf_counter() - started < 3
    took = _timed(lambda: sum(range(1000)), 5)
    assert took is not None and 0 <= took < 5


@pytest.mark.filterwarnings("ignore:Dataset.*is deprecated:DeprecationWarning")  # inside rdflib itself
def test_rdflib_baseline_runs_the_ten_examples_and_reports_what_it_stopped(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", SEED_ARTICLE)
    dump = tmp_path / "all.nq"
    # The reader is kept until the dump ends: dropped at once, it would delete the snapshot the dump reads
    # (its files are opened as they are read), which failed this test at times with FileNotFoundError.
    reader = Store(store, read_only=True)
    with dump.open("wb") as f:
        reader.ox.dump(f, ox.RdfFormat.N_QUADS)
    reader.close()
    rd = rdflib_compare(str(dump), budget=1.0)
    assert len(rd["oxigraph_query_seconds"]) == len(rd["rdflib_query_seconds"]) == 10
    stopped = [i for i, t in enumerate(rd["rdflib_query_seconds"], 1) if t is None]
    assert rd["rdflib_stopped"] == stopped and len(stopped) < 10
    assert rd["rdflib_seconds"] >= len(stopped) * 1.0 and rd["oxigraph_seconds"] > 0
    row = markdown([{"articles": 1, "rdflib": {**rd, "ratio": 40.0}}]).splitlines()[2]
    assert ("at least 40× faster: rdflib stopped after 1 s on quer" in row) == bool(stopped)
    assert "(≥ 20×)" in row


def test_every_reference_name_in_corpus_articles_is_linked_to_its_entity(tmp_path: Path) -> None:
    """The corpus names only reference entities, in running text: each occurrence of a reference name is a
    mention of that entity (or inside a longer name), and nothing is made a new entity."""
    ref = reference.load()
    names: dict[str, set[str]] = {}
    for e in ref.entities.values():
        names.setdefault(corpus.plain(e.label), set()).add(e.iri)
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b")
    seen = 0
    for line in corpus.write(12, tmp_path / "c.jsonl", seed=11).read_text(encoding="utf-8").splitlines():
        x = extract.extract(article.from_record(json.loads(line), "bench"))
        text = x.article.content
        assert not [m.text for m in x.mentions if m.new]
        for found in pattern.finditer(text):
            covering = [m for m in x.mentions if m.start <= found.start() < m.end]
            assert any(m.iri in names[found.group(1)] or len(m.text) > len(found.group(1)) for m in covering), (
                found.group(1), text[max(0, found.start() - 60):found.end() + 20])
            seen += 1
    assert seen > 500


@pytest.mark.parametrize("seed", [11, 12])
def test_each_corpus_article_main_event_is_found_in_its_lede(tmp_path: Path, seed: int) -> None:
    """The story of each corpus article (its headline's kind) is an event of the lede's sentence, with every
    role the lede names: supplier, recipient and weapon; actor and base; actor, target and place."""
    expected = {"ArmsTransfer": {"supplier", "recipient", "asset"}, "Deployment": {"actor", "location"},
                "MilitaryOperation": {"actor", "target", "location"}}
    checked = 0
    for line in corpus.write(12, tmp_path / "c.jsonl", seed=seed).read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        headline = record["title"]
        kind = ("ArmsTransfer" if re.search(r" (?:delivers|receives|sends) ", headline) else
                "Deployment" if re.search(r" (?:deploys forces|reinforces) ", headline) else
                "MilitaryOperation" if re.search(r" strikes | air strikes hit ", headline) else None)
        if kind is None:  # a visit: no event class of its own
            continue
        x = extract.extract(article.from_record(record, "bench"))
        lede = next(s for s in x.sentences if s[0] > len(headline) and x.article.content[s[0]:s[1]].strip())
        found = [e for e in x.events if lede in (e.sentence, *e.more_sentences) and e.kind == kind]
        assert found, (kind, x.article.content[lede[0]:lede[1]])
        assert expected[kind] <= {r for r, v in found[0].roles.items() if v}, x.article.content[lede[0]:lede[1]]
        checked += 1
    assert checked >= 6


def test_the_daily_ingest_is_measured_on_copies_of_the_fused_store_with_and_without_fusion(tmp_path: Path) -> None:
    from bench import fusion as fusion_bench

    store_dir = tmp_path / "store"
    assert geokg_ingest(str(corpus.write(6, tmp_path / "c.jsonl")), str(store_dir), 1)["articles"] == 6
    res = fusion_bench.daily(store_dir, 3, tmp_path, 1)
    assert res["plain"]["articles"] == res["fused"]["articles"] == 3  # other articles than the store's
    assert res["cpu_ratio"] == res["fused"]["cpu_s"] / res["plain"]["cpu_s"] > 0
    store = Store(store_dir, read_only=True)  # measured on copies, removed after
    assert sum(1 for _ in store.articles()) == 6 and store.unoptimized_share() == 0.0
    store.close()
    assert not list(tmp_path.glob("daily-fused")) and not list(tmp_path.glob("daily-plain"))
    fake = {"jobs": 1, "articles": 6, "plain": res["plain"], "fused": res["fused"], "cpu_ratio": 1.0, "daily": res,
            "fuse_later_s": 1.0, "rebuild_s": 1.0, "lists": {"latest_s": 0.1, "entity_s": 0.1, "reports_page_s": 0.1,
                                                               "busiest_events": 1, "canonical_events": 1,
                                                               "busiest": "x"}}
    assert "| then 3 more articles into it by a new process, CPU-s: storing + extraction |" in \
        fusion_bench.markdown(fake)
