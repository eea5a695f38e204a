"""GeoKG benchmarks, each printed as a ratio against a baseline measured in the same run.

    make bench                                   # 1k articles (about 10 minutes)
    .venv/bin/python -m bench.run --sizes 1000,10000 --jobs 1,2 --seconds 10

For every corpus size:
  extract    GeoKG extraction CPU per article (parse, linking, events, facts, the article's quads)  vs  spaCy
             nlp.pipe with the same model and components, one process, on the benchmark corpus and on the real
             2016 news of ../shared/corpus/news-2016 when it is there
  ingest     GeoKG ingestion words/s  vs  bare spaCy nlp.pipe on the same texts with the same model and components
  load       GeoKG's writes of the extracted article graphs (as ingest does them)  vs  bulk_load, triples/s
  serve      /sparql of `geokg serve`  vs  `oxigraph serve` on the same data and the ten example queries,
             p50/p99 latency and throughput at 1 and 8 concurrent clients
  rdflib     the embedded store  vs  rdflib's in-memory Dataset on the same queries (each stopped after 60 s)
  pages      p50 latency of an entity page (the growth check: point look-ups should stay flat)
  search     /api/search and the search, events and entity pages  vs  the SPARQL label search they replaced, on the
             same server; the search index's build time  vs  the ingestion's (bench/search.py)
The query stages read the store after `geokg optimize` (timed and reported against the ingestion's time).
Peak memory (max RSS) is reported for each stage; stages run in child processes so that it is theirs.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import re
import resource
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pyoxigraph as ox

from bench import corpus
from bench.search import index_build_seconds, search_probe, search_rows
from kg import vocab
from server.examples import EXAMPLES

BIN = Path(sys.executable).parent
QUERIES = [vocab.SPARQL_PREFIXES + e.query for e in EXAMPLES[:10]]


def _texts(path: Path) -> list[str]:
    out = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            out.append(f"{r['title']}\n\n{r['text']}")
    return out


def _in_child(fn: Callable[..., dict], *args: object) -> dict:
    """Run fn(*args) in a fresh (non-daemon, so it may start workers) process; the result gains its peak
    memory in MiB, counting its own worker processes."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_measured, args=(child, fn, *args))
    proc.start()
    result = parent.recv()
    proc.join()
    if isinstance(result, BaseException):
        raise result
    return result


def _measured(conn: Connection, fn: Callable[..., dict], *args: object) -> None:
    try:
        result = fn(*args)
        result["peak_mib"] = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                                 resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
        conn.send(result)
    except BaseException as exc:  # reported by the parent
        conn.send(exc)


# ------------------------------------------------------------------------------------------ ingestion
def spacy_baseline(path: str, jobs: int) -> dict:
    import spacy

    from kg.extract.parse import MODEL  # the model GeoKG runs, all its components, without GeoKG's own work

    texts = _texts(Path(path))
    nlp = spacy.load(MODEL)
    words = sum(len(t.split()) for t in texts)
    started = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32, n_process=jobs):
        pass
    return {"words": words, "seconds": time.perf_counter() - started}


def geokg_ingest(path: str, store_dir: str, jobs: int, fuse: bool = True) -> dict:
    from kg.ingest import ingest
    from kg.reference import load
    from kg.store import Store

    texts = _texts(Path(path))
    store = Store(store_dir, fuse=fuse)  # fuse=False: as `geokg ingest --no-fuse` (bench/fusion.py)
    store.init(load())  # the reference knowledge is loaded once per store, outside the timing
    started, own, children = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    summary = ingest(store, [Path(path)], jobs=jobs)
    seconds = time.perf_counter() - started
    store.close()
    # Where the CPU went: this process (reading, skipping, storing, and the store's own compaction threads)
    # and the extraction processes (counted once they have exited, which ingest waits for).
    return {"words": sum(len(t.split()) for t in texts), "seconds": seconds, "articles": summary.articles,
            "triples": summary.triples, "cpu_main_s": _cpu(resource.RUSAGE_SELF) - own,
            "cpu_extraction_s": _cpu(resource.RUSAGE_CHILDREN) - children}


def extraction_compare(path: str) -> dict:
    """CPU seconds of spaCy's nlp.pipe and of GeoKG's whole extraction (which runs that pipe) on the same
    articles, in this one process; each warmed up on a few articles first."""
    import spacy

    from kg.article import read
    from kg.extract.parse import MODEL
    from kg.ingest import extract_batch

    articles = [a for f in _article_files(Path(path)) for a in read(f) if not isinstance(a, Exception)]
    texts = [a.content for a in articles]
    nlp = spacy.load(MODEL)
    list(nlp.pipe(texts[:8]))
    extract_batch(articles[:8])
    started = time.process_time()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    spacy_cpu = time.process_time() - started
    started = time.process_time()
    for i in range(0, len(articles), 32):
        extract_batch(articles[i:i + 32])
    geokg_cpu = time.process_time() - started
    return {"articles": len(articles), "spacy_cpu_s": spacy_cpu, "geokg_cpu_s": geokg_cpu}


def _article_files(path: Path) -> list[Path]:
    return sorted(path.glob("*.json")) if path.is_dir() else [path]


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


# ------------------------------------------------------------------------------------------ loading
def load_compare(nquads: str, work: str) -> dict:
    from kg.store import ArticleGraph, Store

    quads = list(ox.parse(path=nquads, format=ox.RdfFormat.N_QUADS))
    by_graph: dict[str, list[ox.Quad]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name.value, []).append(q)
    # what ingestion's extraction processes send the storing process: each article's N-Quads and search index rows
    graphs = [ArticleGraph.of(g) for g in by_graph.values()]
    triples = len(quads)
    del quads, by_graph  # a storing process holds no parsed graphs: a million objects alive slow its collector down
    gc.collect()
    seconds = {}
    # storing alone (the articles marked for a later `geokg fuse`), then as ingestion stores, fusing their events
    for name, fuse in (("geokg_seconds", False), ("fused_seconds", True)):
        store = Store(Path(work) / name, fuse=fuse)
        started = time.perf_counter()
        store.load_all(graphs)  # as ingestion's storing process writes: bulk-loaded in large groups
        store.ox.flush()
        seconds[name] = time.perf_counter() - started
        store.close()
    bulk = ox.Store(str(Path(work) / "bulk"))
    started = time.perf_counter()
    bulk.bulk_load(path=nquads, format=ox.RdfFormat.N_QUADS)
    bulk.flush()
    bulk_seconds = time.perf_counter() - started
    return {"triples": triples, **seconds, "bulk_seconds": bulk_seconds}


# ------------------------------------------------------------------------------------------ serving
def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str) -> None:
    for _ in range(300):
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def _hammer(endpoint: str, clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        nonlocal errors
        i = k
        while time.monotonic() < stop:
            q = QUERIES[i % len(QUERIES)]
            i += 1
            req = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": q}).encode(),
                                         headers={"Accept": "application/sparql-results+json"})
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    r.read()
                ok = True
            except OSError:
                ok = False
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - started)
                else:
                    errors += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    n = len(latencies)
    return {"requests": n, "errors": errors, "qps": n / seconds,
            "p50_ms": 1000 * latencies[n // 2] if n else None,
            "p99_ms": 1000 * latencies[min(n - 1, int(n * 0.99))] if n else None}


def _p50_ms(url: str, n: int, errors: list[str], label: str, data: bytes | None = None,
            budget: float = 30.0) -> float | None:
    """Median latency of up to n sequential requests (fewer once `budget` seconds are spent, at least one),
    or None if a request failed or took more than two minutes (why is added to `errors`)."""
    times: list[float] = []
    while len(times) < n and (not times or sum(times) < budget):
        started = time.perf_counter()
        try:
            urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=120).read()
        except OSError as exc:
            detail = exc.read().decode(errors="replace")[:200] if isinstance(exc, urllib.error.HTTPError) else ""
            errors.append(f"{label}: {exc} {detail}".strip())
            return None
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def _home_page(url: str, errors: list[str], limit: float = 600.0) -> tuple[float | None, float | None]:
    """Milliseconds of the home page's first view, and until it shows its counts (it says it is counting until
    then, reloading itself), both from the first request; None for what did not come within `limit` seconds."""
    started = time.perf_counter()
    first = None
    while time.perf_counter() - started < limit:
        try:
            body = urllib.request.urlopen(url, timeout=120).read().decode()
        except OSError as exc:
            errors.append(f"home page: {exc}")
            return first, None
        first = first if first is not None else 1000 * (time.perf_counter() - started)
        if 'http-equiv="refresh"' not in body:  # the page reloads itself while anything on it is pending
            return first, 1000 * (time.perf_counter() - started)
        time.sleep(0.5)
    errors.append(f"home page: no counts after {limit:.0f} s")
    return first, None


def _counts_after_a_write(base: str, token: str, errors: list[str], limit: float = 600.0) -> float | None:
    """Milliseconds from adding a graph of three triples (Graph Store Protocol) until the home page's triple
    count shows them; the graph is removed after. None if that did not come within `limit` seconds."""
    shown = re.compile(r"(\d+) triples from")

    def triples() -> int | None:
        match = shown.search(urllib.request.urlopen(f"{base}/", timeout=120).read().decode())
        return int(match.group(1)) if match else None

    target = f"{base}/rdf-graphs?" + urllib.parse.urlencode({"graph": "urn:geokg:bench:probe"})
    body = "".join(f"<urn:geokg:bench:s{i}> <urn:geokg:bench:p> <urn:geokg:bench:o> .\n" for i in range(3)).encode()
    auth = {"Authorization": f"Bearer {token}"}
    try:
        before = triples()
        if before is None:
            errors.append("home page after a write: the page shows no triple count")
            return None
        started = time.perf_counter()
        urllib.request.urlopen(urllib.request.Request(target, data=body, method="PUT", headers={
            **auth, "Content-Type": "application/n-triples"}), timeout=120).read()
        try:
            while time.perf_counter() - started < limit:
                if triples() == before + 3:
                    return 1000 * (time.perf_counter() - started)
                time.sleep(0.1)
            errors.append(f"home page: the write not counted after {limit:.0f} s")
            return None
        finally:
            urllib.request.urlopen(urllib.request.Request(target, method="DELETE", headers=auth), timeout=120).read()
    except OSError as exc:
        errors.append(f"home page after a write: {exc}")
        return None


def growth_probe(store_dir: str) -> dict:
    """Latencies that should not grow with the corpus (an article page, a point look-up in SPARQL) and those
    that may (the busiest entity's page, the example queries), on `geokg serve` over the store. The probe
    adds a graph of three triples and removes it again, to time the home page's counts after a write."""
    from kg.store import Store

    store = Store(store_dir, read_only=True)
    article = next(store.articles())
    event = next(iter(store.query(f"SELECT ?e WHERE {{ GRAPH <{article}> {{ ?e a ?c }} "
                                  f"FILTER(CONTAINS(STR(?e), '#event-')) }} LIMIT 1")))["e"].value
    del store
    port = _free_port()
    token = secrets.token_hex(16)
    server = subprocess.Popen([str(BIN / "geokg"), "serve", "--store", store_dir, "--port", str(port),
                               "--query-timeout", "120", "--max-rows", "1000000", "--update-token", token],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/sparql?query=ASK%7B%7D")  # the service description counts the whole store
        point = f"SELECT ?p ?o WHERE {{ <{event}> ?p ?o }}"
        errors: list[str] = []
        queries = [_p50_ms(f"{base}/sparql", 3, errors, f"example query {i + 1}",
                           urllib.parse.urlencode({"query": q}).encode(), budget=10) for i, q in enumerate(QUERIES)]
        done = [q for q in queries if q is not None]
        latencies = {"article_page_p50_ms": _p50_ms(f"{base}/article/{article.rsplit('/', 1)[-1]}", 15, errors,
                                                    "article page"),
                     "point_query_p50_ms": _p50_ms(f"{base}/sparql", 15, errors, "point query",
                                                   urllib.parse.urlencode({"query": point}).encode()),
                     "hub_page_p50_ms": _p50_ms(f"{base}/resource/state/RUS", 15, errors, "hub page")}
        home = _home_page(f"{base}/", errors)  # late: it starts counting the store on the server's threads
        after_write = _counts_after_a_write(base, token, errors) if home[1] is not None else None
        return {**latencies, "home_page_first_ms": home[0], "home_page_counted_ms": home[1],
                "home_page_counts_after_a_write_ms": after_write,
                "example_query_p50_ms": queries,
                "example_queries_median_p50_ms": statistics.median(done) if done else None,
                "errors": errors}
    finally:
        server.terminate()
        server.wait(timeout=30)


def serve_compare(store_dir: str, work: str, seconds: float) -> dict:
    """GeoKG's endpoint and oxigraph serve over the same quads (articles + reference + ontology)."""
    dump = Path(work) / "all.nq"
    subprocess.run([str(BIN / "geokg"), "export", "--store", store_dir, "--format", "nquads", "-o", str(dump)],
                   check=True, capture_output=True)
    ox_dir = Path(work) / "oxigraph"
    subprocess.run([str(BIN / "oxigraph"), "load", "--location", str(ox_dir), "--file", str(dump)], check=True,
                   capture_output=True)
    out: dict = {}
    gport, oport = _free_port(), _free_port()
    geokg = subprocess.Popen([str(BIN / "geokg"), "serve", "--store", store_dir, "--port", str(gport),
                              "--threads", "16", "--query-workers", "2", "--max-rows", "1000000",
                              "--query-timeout", "60", "--queue-wait", "60"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    oxs = subprocess.Popen([str(BIN / "oxigraph"), "serve-read-only", "--location", str(ox_dir), "--bind",
                            f"127.0.0.1:{oport}", "--union-default-graph"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(f"http://127.0.0.1:{gport}/sparql?query=ASK%7B%7D")
        _wait(f"http://127.0.0.1:{oport}/query?query=ASK%7B%7D")
        for clients in (1, 8):
            out[f"geokg_{clients}"] = _hammer(f"http://127.0.0.1:{gport}/sparql", clients, seconds)
            out[f"oxigraph_{clients}"] = _hammer(f"http://127.0.0.1:{oport}/query", clients, seconds)
    finally:
        for p in (geokg, oxs):
            p.terminate()
            p.wait(timeout=20)
    return out


RDFLIB_BUDGET = 60.0  # seconds per query: rdflib evaluates some joins of subqueries for hours


class _OverBudget(Exception):
    pass


def _timed(run: Callable[[], object], budget: float) -> float | None:
    """Seconds that `run()` took, or None if it was stopped after `budget` seconds. The stop is an alarm
    signal whose handler raises: it interrupts pure-Python work such as rdflib's (main thread only)."""
    def stop(*_: object) -> None:
        raise _OverBudget

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, budget)
    started = time.perf_counter()
    try:
        run()
        return time.perf_counter() - started
    except _OverBudget:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def rdflib_compare(nquads_all: str, budget: float = RDFLIB_BUDGET) -> dict:
    """Each example query on the embedded store and on rdflib's in-memory Dataset of the same quads. A query
    rdflib has not answered within `budget` seconds is stopped and counted at the budget (so the ratio is
    then a lower bound), its number listed in `rdflib_stopped`."""
    import rdflib

    store = ox.Store()
    store.bulk_load(path=nquads_all, format=ox.RdfFormat.N_QUADS)
    ds = rdflib.Dataset(default_union=True)
    ds.parse(nquads_all, format="nquads")
    ours, theirs = [], []
    for q in QUERIES:
        started = time.perf_counter()
        for _ in store.query(q, use_default_graph_as_union=True):
            pass
        ours.append(time.perf_counter() - started)
        theirs.append(_timed(lambda q=q: sum(1 for _ in ds.query(q)), budget))
    return {"oxigraph_seconds": sum(ours), "rdflib_seconds": sum(budget if t is None else t for t in theirs),
            "oxigraph_query_seconds": ours, "rdflib_query_seconds": theirs,
            "rdflib_stopped": [i for i, t in enumerate(theirs, 1) if t is None], "budget_seconds": budget}


# ------------------------------------------------------------------------------------------ driver
STAGES = ("extract", "ingest", "load", "serve", "rdflib", "growth", "search")
REAL_NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "news-2016"


def run_size(n: int, jobs_list: list[int], seconds: float, work: Path, stages: tuple[str, ...] = STAGES,
             baseline: bool = True) -> dict:
    data = corpus.write(n, work / f"corpus-{n}.jsonl")
    res: dict = {"articles": n}
    if "extract" in stages:
        _extract_stage(res, n, data)
    for jobs in jobs_list if "ingest" in stages or not (work / f"store-{n}-{jobs_list[0]}").exists() else []:
        store_dir = work / f"store-{n}-{jobs}"
        shutil.rmtree(store_dir, ignore_errors=True)
        ours = _in_child(geokg_ingest, str(data), str(store_dir), jobs)
        run = res[f"ingest_jobs{jobs}"] = {"geokg_words_per_s": ours["words"] / ours["seconds"],
                                           "geokg_seconds": ours["seconds"], "geokg_peak_mib": ours["peak_mib"],
                                           **{k: ours[k] for k in ("cpu_main_s", "cpu_extraction_s")}}
        if baseline:
            base = _in_child(spacy_baseline, str(data), jobs)
            spacy_words_per_s = base["words"] / base["seconds"]
            run.update(spacy_words_per_s=spacy_words_per_s, spacy_seconds=base["seconds"],
                       spacy_peak_mib=base["peak_mib"], ratio=run["geokg_words_per_s"] / spacy_words_per_s)
        print(json.dumps({n: {f"ingest_jobs{jobs}": res[f"ingest_jobs{jobs}"]}}), flush=True)
    store_dir = str(work / f"store-{n}-{jobs_list[0]}")
    if "ingest" in stages and {"serve", "rdflib", "growth"} & set(stages):
        # what the README says to do after a large ingestion; the query stages read the compacted store
        res["optimize"] = {"seconds": optimize(store_dir), "ingest_seconds": res[f"ingest_jobs{jobs_list[0]}"][
            "geokg_seconds"]}
        print(json.dumps({n: {"optimize": res["optimize"]}}), flush=True)
    nquads = work / f"extract-{n}.nq"
    if not nquads.exists() and "load" in stages:
        subprocess.run([str(BIN / "geokg"), "extract", str(data), "-o", str(nquads)], check=True,
                       capture_output=True)
    if "load" in stages:
        _load_stage(res, n, nquads, work)
    if "serve" in stages:
        _serve_stage(res, n, store_dir, work, seconds)
    if "rdflib" in stages:
        _rdflib_stage(res, n, store_dir, work)
    if "growth" in stages:
        res["growth"] = growth_probe(store_dir)
        print(json.dumps({n: {"growth": res["growth"]}}), flush=True)
    if "search" in stages:
        ingested = res.get(f"ingest_jobs{jobs_list[0]}", {}).get("geokg_seconds")
        _search_stage(res, n, store_dir, ingested)
    return res


def _search_stage(res: dict, n: int, store_dir: str, ingest_seconds: float | None) -> None:
    res["search"] = {**_in_child(index_build_seconds, store_dir), "ingest_seconds": ingest_seconds,
                     **search_probe(store_dir, BIN, _free_port, _wait)}
    print(json.dumps({n: {"search": res["search"]}}), flush=True)


def optimize(store_dir: str | Path) -> float:
    """Seconds that `geokg optimize` took on the store."""
    started = time.perf_counter()
    subprocess.run([str(BIN / "geokg"), "optimize", "--store", str(store_dir)], check=True, capture_output=True)
    return time.perf_counter() - started


def _extract_stage(res: dict, n: int, data: Path) -> None:
    sources = {"synthetic corpus": data}
    if REAL_NEWS.is_dir():
        sources["real 2016 news"] = REAL_NEWS
    res["extract"] = {}
    for name, path in sources.items():
        run = _in_child(extraction_compare, str(path))
        res["extract"][name] = {**run, "ratio": run["geokg_cpu_s"] / run["spacy_cpu_s"]}
    print(json.dumps({n: {"extract": res["extract"]}}), flush=True)


def _load_stage(res: dict, n: int, nquads: Path, work: Path) -> None:
    load = _in_child(load_compare, str(nquads), tempfile.mkdtemp(dir=work))
    res["load"] = {**load, "ratio": load["bulk_seconds"] / load["geokg_seconds"],
                   "geokg_triples_per_s": load["triples"] / load["geokg_seconds"],
                   "bulk_triples_per_s": load["triples"] / load["bulk_seconds"]}
    print(json.dumps({n: {"load": res["load"]}}), flush=True)


def _serve_stage(res: dict, n: int, store_dir: str, work: Path, seconds: float) -> None:
    serve = serve_compare(store_dir, tempfile.mkdtemp(dir=work), seconds)
    for clients in (1, 8):
        serve[f"ratio_qps_{clients}"] = serve[f"geokg_{clients}"]["qps"] / serve[f"oxigraph_{clients}"]["qps"]
    res["serve"] = serve
    print(json.dumps({n: {"serve": serve}}), flush=True)


def _rdflib_stage(res: dict, n: int, store_dir: str, work: Path) -> None:
    all_nq = Path(tempfile.mkdtemp(dir=work)) / "all.nq"
    subprocess.run([str(BIN / "geokg"), "export", "--store", store_dir, "--format", "nquads", "-o", str(all_nq)],
                   check=True, capture_output=True)
    rd = _in_child(rdflib_compare, str(all_nq))
    res["rdflib"] = {**rd, "ratio": rd["rdflib_seconds"] / rd["oxigraph_seconds"]}
    print(json.dumps({n: {"rdflib": res["rdflib"]}}), flush=True)


def replicated(n: int, jobs: int, times: int, work: Path, stages: tuple[str, ...] = STAGES) -> dict:
    from bench.replicate import replicate

    target = work / f"store-{n * times}-replicated"
    rep = _in_child(replicate, work / f"store-{n}-{jobs}", target, times)
    rep["optimize_seconds"] = optimize(target)
    res = {"articles": rep["articles"], "replicated_from": n, "replicate": rep}
    if "growth" in stages:
        res["growth"] = growth_probe(str(target))
    if "search" in stages:
        _search_stage(res, rep["articles"], str(target), None)
    print(json.dumps({rep["articles"]: {k: v for k, v in res.items() if k != "articles"}}), flush=True)
    return res


def markdown(results: list[dict]) -> str:
    lines = ["| articles | measure | GeoKG | baseline | ratio (target) |", "|---|---|---|---|---|"]

    def row(n: int, measure: str, ours: str, theirs: str = "", ratio: str = "") -> None:
        lines.append(f"| {n} | {measure} | {ours} | {theirs} | {ratio} |")

    for r in results:
        n = r["articles"]
        for name, v in (r.get("extract") or {}).items():
            row(n, f"extraction CPU ms per article, {name} ({v['articles']} articles; vs spaCy nlp.pipe)",
                f"{1000 * v['geokg_cpu_s'] / v['articles']:.1f}", f"{1000 * v['spacy_cpu_s'] / v['articles']:.1f}",
                f"{v['ratio']:.2f} (≤ 1.3)")
        for key, v in r.items():
            if not key.startswith("ingest_jobs"):
                continue
            jobs = key.removeprefix("ingest_jobs")
            if "ratio" in v:
                row(n, f"ingestion words/s, --jobs {jobs} (vs spaCy nlp.pipe)", f"{v['geokg_words_per_s']:.0f}",
                    f"{v['spacy_words_per_s']:.0f}", f"{v['ratio']:.2f} (≥ 0.8)")
                row(n, f"peak memory MiB, ingestion --jobs {jobs}", f"{v['geokg_peak_mib']:.0f}",
                    f"{v['spacy_peak_mib']:.0f}")
            if "cpu_main_s" in v and jobs == "1":  # extraction runs in the storing process
                row(n, "CPU-s per 1,000 articles, ingestion --jobs 1 (extraction and storing, one process)",
                    f"{1000 * v['cpu_main_s'] / n:.1f}")
            elif "cpu_main_s" in v:
                row(n, f"CPU-s per 1,000 articles, ingestion --jobs {jobs}: storing process + extraction",
                    f"{1000 * v['cpu_main_s'] / n:.1f} + {1000 * v['cpu_extraction_s'] / n:.1f}")
        opt = r.get("optimize")
        if opt:
            row(n, "geokg optimize after the ingestion, s (vs the ingestion's s)", f"{opt['seconds']:.1f}",
                f"{opt['ingest_seconds']:.1f}", f"{opt['seconds'] / opt['ingest_seconds']:.2f}")
        ld = r.get("load")
        if ld:
            row(n, "store loading triples/s (vs bulk_load)", f"{ld['geokg_triples_per_s']:.0f}",
                f"{ld['bulk_triples_per_s']:.0f}", f"{ld['ratio']:.2f} (≥ 0.8)")
            if "fused_seconds" in ld:
                fused = ld["triples"] / ld["fused_seconds"]
                row(n, "store loading triples/s with event fusion, as ingestion stores (vs bulk_load)", f"{fused:.0f}",
                    f"{ld['bulk_triples_per_s']:.0f}", f"{ld['bulk_seconds'] / ld['fused_seconds']:.2f}")
        sv = r.get("serve") or {}
        for c in (1, 8) if sv else ():
            g, o = sv[f"geokg_{c}"], sv[f"oxigraph_{c}"]
            row(n, f"/sparql, {c} client(s): q/s, p50/p99 ms (vs oxigraph serve)",
                f"{g['qps']:.1f}, {g['p50_ms']:.0f}/{g['p99_ms']:.0f}",
                f"{o['qps']:.1f}, {o['p50_ms']:.0f}/{o['p99_ms']:.0f}", f"{sv[f'ratio_qps_{c}']:.2f} (≥ 0.5)")
        rd = r.get("rdflib")
        if rd:
            stopped = rd.get("rdflib_stopped") or []
            note = (f"at least {rd['ratio']:.0f}× faster: rdflib stopped after {rd['budget_seconds']:g} s on "
                    f"quer{'ies' if len(stopped) > 1 else 'y'} {', '.join(map(str, stopped))}" if stopped
                    else f"{rd['ratio']:.1f}× faster")
            row(n, "ten example queries, s (vs rdflib in-memory)", f"{rd['oxigraph_seconds']:.3f}",
                f"{'≥ ' if stopped else ''}{rd['rdflib_seconds']:.3f}", f"{note} (≥ 20×)")
        search_rows(n, r, row)
    return "\n".join([*lines, "", *growth_table(results)])


def growth_table(results: list[dict]) -> list[str]:
    """Each size against the smallest: ingestion time per article (linear growth keeps it at 1) and latencies."""
    rows = [r for r in results if "growth" in r]
    if not rows:
        return []

    def ingest_s_per_1k(r: dict) -> float | None:
        runs = [v for k, v in sorted(r.items()) if k.startswith("ingest_jobs")]
        return 1000 * runs[0]["geokg_seconds"] / r["articles"] if runs else None

    measures = [("ingestion s per 1,000 articles", ingest_s_per_1k),
                ("article page p50 ms", lambda r: r["growth"]["article_page_p50_ms"]),
                ("point SPARQL look-up p50 ms", lambda r: r["growth"]["point_query_p50_ms"]),
                ("busiest entity page (Russia) p50 ms", lambda r: r["growth"]["hub_page_p50_ms"]),
                ("home page, first view after start ms", lambda r: r["growth"].get("home_page_first_ms")),
                ("home page, its counts shown after ms", lambda r: r["growth"].get("home_page_counted_ms")),
                ("home page, a write counted after ms",
                 lambda r: r["growth"].get("home_page_counts_after_a_write_ms")),
                ("example queries, median of p50s, ms", lambda r: r["growth"]["example_queries_median_p50_ms"])]
    sizes = " | ".join(f"{r['articles']:,} articles" + (f" ({r['articles'] // r['replicated_from']} × "
                                                         f"{r['replicated_from']:,}, copied)" if "replicated_from" in r
                                                         else "") for r in rows)
    lines = [f"| measure | {sizes} |", "|---" * (len(rows) + 1) + "|"]
    for name, value in measures:
        cells = []
        for r in rows:
            v, v0 = value(r), value(rows[0])
            if v is None:
                cells.append("" if name.startswith("ingestion") else "no answer in 2 min")
            elif r is rows[0] or not v0:
                cells.append(f"{v:.1f}")
            else:
                cells.append(f"{v:.1f} ({v / v0:.2f}×)")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    for r in rows:
        for error in r["growth"].get("errors", []):
            lines += ["", f"At {r['articles']:,} articles, {error}"]
        if "replicate" in r:
            each = ", ".join(f"{x:.0f}" for x in r["replicate"]["copy_seconds"])
            took = r["replicate"].get("optimize_seconds")
            lines += ["", f"Writing each copy of {r['replicated_from']:,} articles into the growing store "
                          f"(up to {r['articles']:,} articles), seconds: {each}"
                          + (f"; then `geokg optimize`: {took:.0f} s." if took is not None else ".")]
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000", help="comma-separated corpus sizes (default 1000)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated --jobs values (default 1,2)")
    ap.add_argument("--seconds", type=float, default=10.0, help="seconds per query-load measurement")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: a temporary one)")
    ap.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated subset of {','.join(STAGES)}")
    ap.add_argument("--replicate", type=int, default=0, metavar="K",
                    help="also probe a store of K times the largest size, made by copying its articles renamed "
                         "(bench/replicate.py)")
    ap.add_argument("--baseline-max", type=int, default=None,
                    help="measure the spaCy baseline only for sizes up to this many articles (growth runs)")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="geokg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    stages = tuple(x for x in a.stages.split(",") if x)
    if set(stages) - set(STAGES):
        ap.error(f"unknown stages: {', '.join(set(stages) - set(STAGES))}")
    results = [run_size(int(n), [int(j) for j in a.jobs.split(",")], a.seconds, work, stages,
                        baseline=a.baseline_max is None or int(n) <= a.baseline_max)
               for n in a.sizes.split(",")]
    if a.replicate > 1:
        results.append(replicated(results[-1]["articles"], int(a.jobs.split(",")[0]), a.replicate, work, stages))
    print(markdown(results))
    (work / "results.json").write_text(json.dumps(results, indent=1))
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"raw results: {work / 'results.json'}", file=sys.stderr)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
