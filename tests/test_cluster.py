"""Extraction on a real Dask cluster (two worker processes started here) into N-Quads shards, and `geokg load` of
the shards into the embedded store and into SPARQL servers: the same graphs as `geokg ingest`, a worker killed
mid-run loses nothing, a rerun skips the shards written."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dask
import pyoxigraph as ox
import pytest
from distributed import Client, LocalCluster

from kg import vocab
from kg.article import Article, read
from kg.cluster import extract_shard
from kg.extract import parse

from .conftest import DATA, SEEDS, build_store
from .test_cli import geokg as run_geokg
from .test_stores import remote_server

INPUTS = [DATA / "articles", SEEDS]  # 12 articles
GEOKG = str(Path(sys.executable).with_name("geokg"))


def geokg(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    return run_geokg(capsys, *map(str, args))


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as c:
        yield c


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store that `geokg ingest` wrote with INPUTS."""
    return build_store(tmp_path_factory.mktemp("ingested") / "store", *INPUTS)


def export_lines(capsys: pytest.CaptureFixture[str], location: str | Path) -> set[str]:
    """The store's N-Quads, but those with blank nodes (the ontology's axioms, named anew in every store)."""
    code, out, _ = geokg(capsys, "export", "--store", location, "--format", "nquads")
    assert code == 0
    return {line for line in out.splitlines() if "_:" not in line}


def article_lines(lines: set[str]) -> set[str]:
    """The lines of article graphs."""
    return {line for line in lines if line.rsplit(" ", 2)[-2].startswith(f"<{vocab.ARTICLE}")}


def shard_lines(folder: Path) -> set[str]:
    """The N-Quads of the shards in `folder`, as a store writes them again (it normalizes "0.70" to "0.7")."""
    store = ox.Store()
    for shard in folder.glob("*.nq"):
        store.bulk_load(path=shard, format=ox.RdfFormat.N_QUADS)
    return set(ox.serialize(store, None, ox.RdfFormat.N_QUADS).decode().splitlines())


def quads_in(folder: Path) -> int:
    """How many quads the shards in `folder` hold."""
    return sum(1 for shard in folder.glob("*.nq") for line in shard.read_text().splitlines() if line.strip())


def test_shards_hold_what_ingest_stores_and_load_into_the_same_store(
        cluster: LocalCluster, ingested: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shards"
    code, _, err = geokg(capsys, "extract", "--cluster", cluster.scheduler_address, "--shard-size", "3", *INPUTS,
                         "-o", out)
    assert code == 0, err
    assert "12 article(s) extracted" in err and f"4 shard(s) in {out}: 4 written, 0 written before" in err
    expected = export_lines(capsys, ingested)
    assert shard_lines(out) == article_lines(expected)
    assert not list(out.glob(".*"))  # no temporary file left
    with Client(cluster) as client:  # each worker loaded the pipeline once, not per shard
        assert set(client.run(lambda: parse.pipeline.cache_info().misses).values()) == {1}

    store = tmp_path / "store"
    code, stdout, err = geokg(capsys, "load", out, "--store", store)
    assert code == 0, err
    added = quads_in(out)  # every quad of the shards is new to the store
    assert f"12 article(s) loaded from 4 shard(s), 0 already present; {added} triples added" in stdout
    assert export_lines(capsys, store) == expected  # ontology, reference, timeline mark and articles alike
    code, stdout, _ = geokg(capsys, "stats", "--store", store)
    assert code == 0 and "articles" in stdout and " 12\n" in stdout

    # loading the shards again (as files, with one twice) changes nothing
    again = [*sorted(out.glob("*.nq")), next(out.glob("*.nq"))]
    code, stdout, _ = geokg(capsys, "load", *again, "--store", store)
    assert code == 0 and "0 article(s) loaded from 5 shard(s), 15 already present; 0 triples added" in stdout
    assert export_lines(capsys, store) == expected


def test_a_rerun_skips_the_shards_written(cluster: LocalCluster, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shards"
    args = ("extract", "--cluster", cluster.scheduler_address, "--shard-size", "5", *INPUTS, "-o", out)
    assert geokg(capsys, *args)[0] == 0
    written = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.nq")}
    assert len(written) == 3
    lost = sorted(written)[1]
    (out / lost).unlink()
    # what a worker killed while writing leaves: removed once its shard is written; another shard's is not touched
    leftover, unrelated = out / f".{lost}.0a1b.part", out / ".shard-000000000000000000000000.nq.0a1b.part"
    leftover.write_text("<urn:s> <urn:p>")
    unrelated.write_text("<urn:s> <urn:p>")
    code, _, err = geokg(capsys, *args)
    assert code == 0
    assert not leftover.exists() and unrelated.exists()
    assert f"3 shard(s) in {out}: 1 written, 2 written before (skipped), 0 failed" in err
    assert "article(s) extracted" in err and "article(s) in shards written before" in err
    again = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in out.glob("*.nq")}
    assert again.keys() == written.keys() and again[lost][1] == written[lost][1]
    assert {k: v for k, v in again.items() if k != lost} == {k: v for k, v in written.items() if k != lost}


def test_extraction_and_loading_show_their_progress(cluster: LocalCluster, tmp_path: Path) -> None:
    """As ingest's: articles done, rate, and the share of the input (or shards) read, up to all of it."""
    from kg.bulk_load import load_shards
    from kg.cluster import extract_on_cluster
    from kg.store import Store

    out, extracting, loading = tmp_path / "shards", [], []
    summary, _ = extract_on_cluster(cluster.scheduler_address, INPUTS, str(out), 4, extracting.append)
    store = Store(tmp_path / "store")
    try:
        load_shards(store, [str(out)], loading.append)
    finally:
        store.close()
    assert summary.articles == 12
    for shown in (extracting, loading):
        assert len(shown) == 3 and all(re.search(r"\] +\d+% \d+ articles, [\d.]+/s, ETA ", s) for s in shown)
        assert "100% 12 articles" in shown[-1]


def test_a_failing_article_is_reported_and_the_rest_of_its_shard_written(cluster: LocalCluster,
                                                                         tmp_path: Path) -> None:
    good = [next(read(p)) for p in sorted((DATA / "articles").glob("*.txt"))[:2]]
    bad = Article(title="Bad", content="Bad\nRussia struck Syria on Friday.", date="Friday",  # type: ignore[arg-type]
                  origin="bad.json")
    shard = tmp_path / "shard.nq"
    with Client(cluster) as client:
        summary = client.submit(extract_shard, [good[0], bad, good[1]], str(shard), pure=False).result()
    assert summary.articles == 2 and len(summary.failed) == 1
    assert summary.failed[0].startswith("bad.json: extraction failed: AttributeError")
    graphs = {q.graph_name.value for q in ox.parse(shard.read_bytes(), ox.RdfFormat.N_QUADS)}
    assert graphs == {a.iri for a in good}


def test_a_bad_record_is_one_line_and_the_rest_extracted_on_a_local_cluster(tmp_path: Path) -> None:
    records = [{"title": "Turkey buys S-400", "text": "Turkey bought S-400 systems from Russia in 2017."},
               "{not json",
               {"title": "Russia at Tartus", "text": "Russia operates the naval base at Tartus in Syria."}]
    source = tmp_path / "news.jsonl"
    source.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    out = tmp_path / "shards"
    run = subprocess.run([GEOKG, "extract", "--cluster", "local:1", str(source), "-o", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    assert f"error: {source}:2: invalid JSON" in run.stderr and "Traceback" not in run.stderr
    assert "2 article(s) extracted" in run.stderr and "1 shard(s)" in run.stderr
    assert len({q.graph_name for q in ox.parse(path=next(out.glob("*.nq")), format=ox.RdfFormat.N_QUADS)}) == 2


def test_a_killed_worker_loses_nothing(cluster: LocalCluster, ingested: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shards"
    with Client(cluster) as client:
        pids = client.run(os.getpid)
        run = subprocess.Popen([GEOKG, "extract", "--cluster", cluster.scheduler_address, "--shard-size", "1",
                                *map(str, INPUTS), "-o", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        deadline = time.monotonic() + 120
        while not (busy := [w for w, keys in client.processing().items() if keys]):
            assert run.poll() is None and time.monotonic() < deadline, "no shard was ever extracted"
            time.sleep(0.01)
        os.kill(pids[busy[0]], signal.SIGKILL)  # mid-shard: its worker is extracting
        done_then = len(list(out.glob("*.nq")))
        _, err = run.communicate(timeout=300)
    assert done_then < 12
    assert run.returncode == 0, err
    assert f"12 shard(s) in {out}: 12 written" in err and "Traceback" not in err
    assert shard_lines(out) == article_lines(export_lines(capsys, ingested))


@pytest.mark.parametrize("kind", ["oxigraph-server", "virtuoso"])
def test_load_into_a_sparql_server(kind: str, cluster: LocalCluster, ingested: Path, tmp_path: Path,
                                   monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "shards"
    assert geokg(capsys, "extract", "--cluster", cluster.scheduler_address, "--shard-size", "4", *INPUTS,
                 "-o", out)[0] == 0
    with remote_server(kind, tmp_path / "server", monkeypatch) as url:
        if kind == "virtuoso":  # its Graph Store endpoint
            monkeypatch.setenv("GEOKG_GSP_URL", url.replace("/sparql", "/sparql-graph-crud"))
        code, stdout, err = geokg(capsys, "load", out, "--store", url)
        assert code == 0, err
        assert f"12 article(s) loaded from 3 shard(s), 0 already present; {quads_in(out)} triples added" in stdout
        code, stdout, _ = geokg(capsys, "load", out, "--store", url)
        assert code == 0 and "0 article(s) loaded from 3 shard(s), 12 already present" in stdout
        for iri in (next(read(p)).iri for p in sorted((DATA / "articles").glob("*.txt"))[:3]):
            graphs = [geokg(capsys, "export", "--store", where, "--graph", iri, "--format", "ntriples")[1]
                      for where in (str(ingested), url)]
            assert set(graphs[0].splitlines()) == set(graphs[1].splitlines())
        # the loaded articles' events are fused into the canonical events that ingesting them gives
        events = [geokg(capsys, "export", "--store", where, "--graph", vocab.EVENTS_GRAPH, "--format", "ntriples")[1]
                  for where in (str(ingested), url)]
        assert set(events[0].splitlines()) == set(events[1].splitlines()) and "reportOf" in events[0]
        code, stdout, _ = geokg(capsys, "fuse", "--store", url)
        assert code == 0 and "fused 0 reports" in stdout


def test_bad_shards_are_one_line_each_and_the_others_loaded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.nq"
    assert geokg(capsys, "extract", SEEDS, "-o", good)[0] == 0
    broken = tmp_path / "broken.nq"
    broken.write_bytes(good.read_bytes()[:500] + b"<oops\n")
    triples = tmp_path / "triples.nq"
    triples.write_text('<urn:s> <urn:p> "o" .\n')
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    mixed = tmp_path / "mixed.nq"  # an article graph and the reference graph, as `geokg export` writes them
    mixed.write_bytes(good.read_bytes() + f'<urn:s> <urn:p> "o" <{vocab.REFERENCE_GRAPH}> .\n'.encode())
    store = tmp_path / "store"
    code, stdout, err = geokg(capsys, "load", broken, triples, tmp_path / "missing.nq", empty_dir, mixed, good,
                              "--store", store)
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(lines) == 5 and "Traceback" not in err
    assert lines[0].startswith(f"error: {broken}: not N-Quads: ")
    assert lines[1].startswith(f"error: {triples}: a triple outside any named graph")
    assert lines[2] == f"error: {tmp_path / 'missing.nq'}: no such file or directory"
    assert lines[3] == f"error: {empty_dir}: no N-Quads shards (*.nq) in this directory"
    assert lines[4] == (f"error: {mixed}: 1 graph(s) that are no article's left out, e.g. <{vocab.REFERENCE_GRAPH}> "
                        "(`geokg init` loads the ontology and the reference knowledge)")
    assert "1 article(s) loaded from 2 shard(s), 1 already present" in stdout and "5 failed" in stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--cluster", "local:0", "-o", "x"], "local:N needs a number of worker processes N of 1 or more"),
    (["--cluster", "local:2"], "give it with -o DIR"),
    (["--cluster", "local:2", "--jobs", "2", "-o", "x"], "--jobs and --cluster exclude each other"),
    (["--shard-size", "5", "-o", "x"], "--shard-size goes with --cluster"),
])
def test_bad_cluster_options_are_one_line(args: list[str], message: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = geokg(capsys, "extract", *[str(tmp_path / a) if a == "x" else a for a in args], SEEDS)
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_an_unreachable_scheduler_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code, _, err = geokg(capsys, "extract", "--cluster", "tcp://127.0.0.1:9", SEEDS, "-o", tmp_path / "out")
    assert code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in err
    assert len(err.strip().splitlines()) == 1
