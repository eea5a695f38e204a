"""Ingesting while the server runs, a kill -9 in the middle of a bulk ingest (with its event fusion), and a failing
write."""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from bench import corpus
from kg import canonical, events_graph, extract, mapping, reference, vocab
from kg.article import from_record, read
from kg.ingest import BATCH, ingest
from kg.store import LOADING, OPTIMIZED_FILE, STATE_GRAPH, TRUE, Store, StoreError, fusion_version

from .conftest import DATA, SEED_ARTICLE, SEEDS, build_store
from .live_server import running_server

GEOKG = str(Path(sys.executable).with_name("geokg"))
REPORT_OF = ox.NamedNode(vocab.GKG + "reportOf")
pytestmark = pytest.mark.slow


def ask(url: str, query: str) -> bool:
    target = url + "/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(target, headers={"Accept": "application/json"})) as r:
        return json.load(r)["boolean"]


def select(url: str, query: str) -> list[dict]:
    target = url + "/sparql?" + urllib.parse.urlencode({"query": query})
    with urllib.request.urlopen(urllib.request.Request(target, headers={"Accept": "application/json"})) as r:
        return json.load(r)["results"]["bindings"]


def test_ingest_while_the_server_runs_goes_through_the_server(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", SEEDS)
    article = DATA / "articles" / "turkey-s400.txt"
    query = "ASK { ?a <http://schema.org/headline> 'First parts of Russian S-400 system delivered to Turkey'@en }"
    with running_server(store, token="t0ken") as url:
        assert not ask(url, query)
        run = subprocess.run([GEOKG, "ingest", "--store", str(store), str(article)], capture_output=True, text=True)
        assert run.returncode == 2 and "give its update token" in run.stderr and "Traceback" not in run.stderr
        run = subprocess.run([GEOKG, "ingest", "--store", str(store), "--update-token", "t0ken", str(article),
                              str(SEED_ARTICLE)], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert "1 article(s) ingested, 1 already present" in run.stdout
        assert ask(url, query)  # the server sees the new article at once
        # the read-only commands work beside the server, on snapshots that they remove when they end
        run = subprocess.run([GEOKG, "query", "--store", str(store), query], capture_output=True, text=True)
        assert (run.returncode, run.stdout.strip()) == (0, "true"), run.stderr
        run = subprocess.run([GEOKG, "stats", "--store", str(store)], capture_output=True, text=True)
        assert run.returncode == 0 and re.search(r"^articles +2$", run.stdout, re.M), run.stderr
        assert 1 <= len(list((tmp_path / "store").glob(".snapshot-*"))) <= 2  # the two query workers' only
    assert not (store / "geokg-serve.json").exists()
    assert not list((tmp_path / "store").glob(".snapshot-*"))
    run = subprocess.run([GEOKG, "ingest", "--store", str(store), str(article)], capture_output=True, text=True)
    assert run.returncode == 0 and "0 article(s) ingested, 1 already present" in run.stdout


def test_an_article_whose_url_is_stored_is_skipped_through_the_server(tmp_path: Path) -> None:
    """`geokg ingest --update-token` through a running server and its /add form keep an article out when one with
    the same URL is stored, as the direct path does, however many send it at once (checked in the write)."""
    first = {"title": "S-400", "text": "Russia sends S-400 systems to Turkey.", "url": "https://example.org/s400"}
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "first.json").write_text(json.dumps(first), encoding="utf-8")
    store = build_store(tmp_path / "store", articles)
    (articles / "first.json").write_text(json.dumps({**first, "text": first["text"] + " (updated)"}),
                                         encoding="utf-8")
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?a <http://schema.org/url> ?u } }"
    with running_server(store, token="t0ken") as url:
        run = subprocess.run([GEOKG, "ingest", "--store", str(store), "--update-token", "t0ken", str(articles)],
                             capture_output=True, text=True)
        assert run.returncode == 0 and "0 article(s) ingested, 1 already present" in run.stdout, run.stderr
        forms = [urllib.parse.urlencode({**first, "text": f"{first['text']} ({i})", "token": "t0ken"}).encode()
                 for i in range(6)]
        with cf.ThreadPoolExecutor(len(forms)) as pool:  # redirected to the article stored with that URL
            pages = set(pool.map(lambda form: urllib.request.urlopen(url + "/add", data=form).geturl(), forms))
        assert pages == {url + "/article/" + from_record(first, "first").iri.rsplit("/", 1)[-1]}
        assert select(url, count)[0]["n"]["value"] == "1"


def test_a_running_server_compacts_what_was_ingested_through_it_once_idle(tmp_path: Path) -> None:
    """`geokg serve --optimize-idle 3`: the store, never compacted, is compacted once nothing was written for 3 s;
    articles then sent through the server (more than a quarter of the store) are compacted after they stop."""
    store = build_store(tmp_path / "store", SEEDS)
    noted = store / OPTIMIZED_FILE

    def compacted(beyond: int = 0) -> int:
        """The quads of the store when it was last compacted, once more than `beyond`."""
        deadline = time.monotonic() + 60
        while (quads := json.loads(noted.read_text(encoding="utf-8"))["quads"] if noted.exists() else 0) <= beyond:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        return quads

    corpus = tmp_path / "corpus"  # three variants of each test article: more than a quarter of the store
    corpus.mkdir()
    for i, src in enumerate(sorted((DATA / "articles").glob("*.txt")) * 3):
        (corpus / f"a{i:03d}.txt").write_text(src.read_text(encoding="utf-8") + f"\n\nUpdate {i}.", encoding="utf-8")
    with running_server(store, token="t0ken", options=("--optimize-idle", "3")) as url:
        first = compacted()
        run = subprocess.run([GEOKG, "ingest", "--store", str(store), "--update-token", "t0ken", str(corpus)],
                             capture_output=True, text=True)
        assert run.returncode == 0 and f"{len(list(corpus.iterdir()))} article(s) ingested" in run.stdout, run.stderr
        compacted(beyond=first)
        assert ask(url, "ASK { ?a <http://schema.org/headline> 'First parts of Russian S-400 system delivered to "
                        "Turkey'@en }")
    reader = Store(store, read_only=True)
    assert 0 <= reader.unoptimized_share() < 0.25
    reader.close()


def test_kill_9_during_bulk_ingest_loses_nothing_and_resumes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    sources = [*sorted((DATA / "articles").glob("*.txt")), SEED_ARTICLE]
    for i in range(60):
        src = sources[i % len(sources)]
        (corpus / f"a{i:03d}.txt").write_text(src.read_text(encoding="utf-8") + f"\n\nUpdate {i}.", encoding="utf-8")
    store_dir = tmp_path / "store"
    proc = subprocess.Popen([GEOKG, "ingest", "--store", str(store_dir), "--load-mb", "0.001", str(corpus)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # one bulk load per article
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        time.sleep(0.3)
        try:
            if sum(1 for _ in Store(store_dir, read_only=True).articles()) >= 3:
                break
        except Exception:  # the store may not exist yet
            continue
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    store = Store(store_dir)  # opens again after the crash
    present = set(store.articles())
    assert 3 <= len(present) < 60
    # the events graph (fused as the articles were loaded) keeps no report of an article the crash took away, unless
    # the crash fell within a bulk load (which writes the article and its fusion together): then the recovery on
    # opening marks the events graph out of date, and the next ingest rebuilds it (below)
    reported = {q.subject.value.split("#")[0] for q in store.quads(predicate=REPORT_OF, graph=canonical.EVENTS)}
    assert reported <= present or not events_graph.is_current(store, fusion_version())
    ref = reference.load()
    for path in sorted(corpus.iterdir()):
        (art,) = read(path)
        if art.iri in present:  # each stored article is complete: exactly its extraction's quads
            expected = ox.Store()  # literals in the store's canonical form ("0.90" -> "0.9")
            expected.extend(mapping.article_quads(extract.extract(art), ref))
            graph = ox.NamedNode(art.iri)
            assert set(store.ox.quads_for_pattern(None, None, None, graph)) == set(expected)
    store.close()
    run = subprocess.run([GEOKG, "ingest", "--store", str(store_dir), str(corpus)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert f"{60 - len(present)} article(s) ingested, {len(present)} already present" in run.stdout
    store = Store(store_dir)
    assert sum(1 for _ in store.articles()) == 60 and not list(events_graph.pending(store))
    # every article's reports fused, as a rebuild from the articles fuses them
    fused = set(store.quads(graph=canonical.EVENTS))
    reported = {q.subject.value.split("#")[0] for q in fused if q.predicate == REPORT_OF}
    assert len(reported) == 60
    assert events_graph.rebuild(store, fusion_version()).reports >= 60
    assert set(store.quads(graph=canonical.EVENTS)) == fused
    store.close()


def _extraction_processes(parent: int) -> list[int]:
    """The pids of the extraction processes (multiprocessing's spawned children) of the process `parent`."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):  # it ended meanwhile
            continue
        if ppid == parent and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def _running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (nothing may reap an orphan in a container)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from Linux /proc")
def test_extraction_processes_end_when_their_ingest_is_killed(tmp_path: Path) -> None:
    """`kill -9` of `geokg ingest --jobs 2` left its extraction processes waiting for work forever."""
    data = corpus.write(400, tmp_path / "c.jsonl")
    proc = subprocess.Popen([GEOKG, "ingest", "--store", str(tmp_path / "s"), "--jobs", "2", str(data)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
            workers = _extraction_processes(proc.pid)
        assert len(workers) == 2 and proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(map(_running, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(map(_running, workers))
    finally:
        proc.kill()
        for pid in filter(_running, workers):  # left over by a failure: not to outlive the test
            os.kill(pid, signal.SIGKILL)


def test_unfinished_bulk_write_is_removed_on_open(tmp_path: Path) -> None:
    store = Store(tmp_path / "s")
    store.init(reference.load())
    (art,) = read(SEED_ARTICLE)
    quads = list(mapping.article_quads(extract.extract(art), reference.load()))
    store.add_articles([quads])
    assert events_graph.is_current(store, fusion_version())
    # as if the process died in the middle of bulk-loading a second graph
    unfinished = ox.NamedNode(art.iri + "x")
    store.ox.add(ox.Quad(unfinished, LOADING, TRUE, STATE_GRAPH))
    store.ox.bulk_extend([ox.Quad(q.subject, q.predicate, q.object, unfinished) for q in quads[:50]])
    # and part of its fusion: a report of it in the events graph
    store.ox.add(ox.Quad(ox.NamedNode(art.iri + "x#r1"), REPORT_OF, ox.NamedNode(vocab.GKG + "e1"), canonical.EVENTS))
    store.close()
    reopened = Store(tmp_path / "s")
    assert list(reopened.articles()) == [art.iri]
    assert not reopened.has_graph(art.iri + "x")
    assert not events_graph.is_current(reopened, fusion_version())  # the next init rebuilds the events graph
    assert reopened.init(reference.load())
    assert events_graph.is_current(reopened, fusion_version())
    reported = {q.subject.value.split("#")[0] for q in reopened.quads(predicate=REPORT_OF, graph=canonical.EVENTS)}
    assert reported == {art.iri}
    reopened.close()


def test_a_failed_write_stops_ingestion_with_the_error_and_keeps_what_was_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writes run on a thread of their own; its failure reaches the caller, and earlier loads stay."""
    data = corpus.write(BATCH + 8, tmp_path / "c.jsonl")
    store = Store(tmp_path / "s")
    real_load = Store.load_articles
    calls: list[int] = []

    def load_then_fail(self: Store, items: list[tuple[str, bytes]]) -> None:
        calls.append(len(items))
        if len(calls) > 3:
            raise StoreError("writing to the store failed: disk full (injected)")
        real_load(self, items)

    monkeypatch.setattr(Store, "load_articles", load_then_fail)
    with pytest.raises(StoreError, match="disk full"):
        ingest(store, [data], load_bytes=1)  # one bulk load per article
    monkeypatch.undo()
    assert calls == [1, 1, 1, 1]  # no load after the failed one
    assert sum(1 for _ in store.articles()) == 3
    summary = ingest(store, [data])  # the same ingest again finishes the rest
    assert (summary.articles, summary.skipped) == (BATCH + 5, 3)
    store.close()


def test_extraction_batches_are_gathered_into_large_bulk_loads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Few large bulk loads, not one per extraction batch: small ones slow down as the store grows."""
    data = corpus.write(2 * BATCH + 5, tmp_path / "c.jsonl")
    loads: list[int] = []
    real_load = Store.load_articles

    def counted(self: Store, items: list[tuple[str, bytes]]) -> None:
        loads.append(len(items))
        real_load(self, items)

    monkeypatch.setattr(Store, "load_articles", counted)
    store = Store(tmp_path / "s")
    summary = ingest(store, [data], jobs=2)
    assert summary.articles == 2 * BATCH + 5
    assert loads == [2 * BATCH + 5]  # three extraction batches, one load
    size = sum(len(ox.serialize(store.ox.quads_for_pattern(None, None, None, ox.NamedNode(a)), None,
                                ox.RdfFormat.N_QUADS)) for a in store.articles())
    store.close()
    loads.clear()
    store = Store(tmp_path / "t")
    ingest(store, [data], load_bytes=size // 2)  # a load ends with the article that passes the limit
    assert len(loads) == 2 and sum(loads) == 2 * BATCH + 5
    assert sum(1 for _ in store.articles()) == 2 * BATCH + 5
    store.close()


def test_an_article_repeated_under_the_same_url_in_one_run_is_skipped(tmp_path: Path) -> None:
    first = {"title": "Russia and Syria", "text": "Russia sent Pantsir-S1 systems to Syria.", "url": "https://x.test/a"}
    second = {**first, "text": "Russia sent Pantsir-S1 systems to Syria, officials said."}
    data = tmp_path / "a.jsonl"
    data.write_text("\n".join(json.dumps(r) for r in (first, second)) + "\n")
    store = Store(tmp_path / "s")
    summary = ingest(store, [data])
    assert (summary.articles, summary.skipped) == (1, 1)
    store.close()
