"""The search stage of bench.run: search and listing latency of `geokg serve` over a store, against a baseline
measured in the same run on the same server — the search the UI ran before the search index: a SPARQL query over
every label and alias (CONTAINS), run by the same query workers through /sparql — and the time the search index
takes to build from the store against the store's ingestion time.
"""

from __future__ import annotations

import secrets
import statistics
import subprocess
import time
import urllib.parse
from pathlib import Path

from kg import reference, vocab
from kg.search_index import SearchIndex
from kg.sparql_text import literal
from kg.store import Store

# What analysts type: names (two letters, an alias, an accent folded), words of events and articles.
SEARCHES = ["Ru", "Tartus", "S-400", "SA-22", "erdogan", "Palmyra", "air strike", "missile launch", "drones",
            "North Korea"]
CORE = ("State", "Person", "Organization", "MilitaryAsset", "MilitaryBase", "Place")


def label_search_query(text: str, limit: int = 12) -> str:
    """The entity search the UI ran before the search index (its autocomplete's): every label and alias containing
    the text, exact and prefix matches first."""
    q = literal(text.strip().lower())
    values = " ".join(f"gkg:{c}" for c in CORE)
    return vocab.SPARQL_PREFIXES + f"""
        SELECT ?e ?name ?class WHERE {{ {{
          SELECT ?e (SAMPLE(?label) AS ?name) (SAMPLE(?core) AS ?class) (MIN(?rank) AS ?r) (MIN(?length) AS ?len)
          WHERE {{
            {{ ?e rdfs:label ?l }} UNION {{ ?e skos:altLabel ?l }}
            BIND(LCASE(STR(?l)) AS ?low)
            FILTER(CONTAINS(?low, {q}))
            BIND(IF(?low = {q}, 0, IF(STRSTARTS(?low, {q}), 1, 2)) AS ?rank)
            ?e rdfs:label ?label ; a ?t .
            BIND(STRLEN(STR(?label)) AS ?length)
            VALUES ?core {{ {values} }}
            GRAPH <{vocab.ONTOLOGY_GRAPH}> {{ ?t rdfs:subClassOf* ?core }}
          }} GROUP BY ?e }}
        }} ORDER BY ?r ?len ?name LIMIT {int(limit)}"""


def _latencies(url: str, data: bytes | None = None, n: int = 15) -> list[float]:
    """Milliseconds of `n` requests; a request the server stopped at its time limit (504) counts as the time it
    took (a lower bound of the answer's)."""
    import urllib.error
    import urllib.request

    out = []
    for _ in range(n):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(urllib.request.Request(url, data=data), timeout=600) as r:
                r.read()
        except urllib.error.HTTPError as exc:
            if exc.code != 504:
                raise
        out.append(1000 * (time.perf_counter() - started))
    return out


def index_build_seconds(store_dir: str) -> dict:
    """Seconds to build the search index of the store from nothing (what `geokg init` does for a store written
    without one), and the number of articles."""
    store = Store(store_dir)
    try:
        assert store.index is not None
        index_path = store.index.path
        store.index.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{index_path}{suffix}").unlink(missing_ok=True)
        store.index = SearchIndex(index_path)
        started, cpu = time.perf_counter(), time.process_time()
        store.init(reference.load())
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        return {"index_build_seconds": seconds, "index_build_cpu_seconds": cpu,
                "articles": store.index.articles(limit=1)[1],
                "index_mib": sum(Path(f"{index_path}{x}").stat().st_size for x in ("", "-wal")
                                 if Path(f"{index_path}{x}").exists()) / 2**20}
    finally:
        store.close()


def search_probe(store_dir: str, bin_dir: Path, free_port, wait, baseline_searches: int = 3) -> dict:
    """p50 latencies of the search (the autocomplete's /api/search, the /search page with entities, events and
    articles) and of the listings (/events, filtered, an entity page), and of the label search in SPARQL that
    /api/search replaced (seconds each: timed once, for the first `baseline_searches` searches), on `geokg serve`
    over the store."""
    port = free_port()
    server = subprocess.Popen([str(bin_dir / "geokg"), "serve", "--store", store_dir, "--port", str(port),
                               "--query-timeout", "120", "--update-token", secrets.token_hex(8)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait(f"{base}/sparql?query=ASK%7B%7D")
        out: dict = {"api_search_ms": {}, "search_page_ms": {}, "sparql_label_search_ms": {}}
        for text in SEARCHES:
            q = urllib.parse.quote(text)
            out["api_search_ms"][text] = statistics.median(_latencies(f"{base}/api/search?q={q}"))
            out["search_page_ms"][text] = statistics.median(_latencies(f"{base}/search?q={q}"))
            if len(out["sparql_label_search_ms"]) < baseline_searches:
                body = urllib.parse.urlencode({"query": label_search_query(text)}).encode()
                out["sparql_label_search_ms"][text] = _latencies(f"{base}/sparql", body, n=1)[0]
        for key, path in (("events_page_ms", "/events"), ("events_page_20_ms", "/events?page=20"),
                          ("events_filtered_ms", "/events?class=MilitaryOperation&place=Syria&from=2016&to=2017"),
                          ("entity_page_ms", "/resource/state/RUS")):
            out[key] = statistics.median(_latencies(base + path, n=9))
        for key in ("api_search_ms", "search_page_ms", "sparql_label_search_ms"):
            out[key.replace("_ms", "_p50_ms")] = statistics.median(out[key].values())
        same = [out["api_search_ms"][t] for t in out["sparql_label_search_ms"]]  # the same searches
        out["ratio"] = statistics.median(same) / out["sparql_label_search_p50_ms"]
        return out
    finally:
        server.terminate()
        server.wait(timeout=30)


def search_rows(n: int, res: dict, row) -> None:
    """The search stage's rows of bench.run's table."""
    s = res.get("search")
    if not s:
        return
    row(n, "search, /api/search p50 ms over 10 searches (vs the SPARQL label search it replaced, same server, "
           f"{len(s['sparql_label_search_ms'])} searches)",
        f"{s['api_search_p50_ms']:.1f}", f"{s['sparql_label_search_p50_ms']:.0f}", f"{s['ratio']:.4f} (< 100 ms)")
    row(n, "search page (entities, events, articles) p50 ms", f"{s['search_page_p50_ms']:.1f}")
    row(n, "/events p50 ms: first page, page 20, filtered by class, place and years",
        f"{s['events_page_ms']:.1f}, {s['events_page_20_ms']:.1f}, {s['events_filtered_ms']:.1f}")
    row(n, "Russia's page p50 ms", f"{s['entity_page_ms']:.1f}")
    if "index_build_seconds" in s:
        row(n, "search index built from the store, s (CPU-s) (vs the store's ingestion, s)",
            f"{s['index_build_seconds']:.1f} ({s['index_build_cpu_seconds']:.1f})",
            f"{s['ingest_seconds']:.1f}" if s.get("ingest_seconds") else "",
            f"{s['index_build_seconds'] / s['ingest_seconds']:.3f}" if s.get("ingest_seconds") else "")
        row(n, "search index size MiB", f"{s['index_mib']:.0f}")
