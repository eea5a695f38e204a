"""Event fusion's cost, each figure a ratio against the same run without it (see bench/RESULTS.md):

    .venv/bin/python -m bench.fusion --articles 10000 --jobs 2     # about half an hour here

On a synthetic corpus (bench/corpus.py):
  ingest  CPU seconds of `geokg ingest` (its process and its extraction processes) with fusion  vs  the same ingest
          with --no-fuse, into fresh stores; the share fusion adds is the ratio minus one (target: at most 10 %)
  fuse    `geokg fuse` on the store ingested without fusion (the deferred path) and `geokg fuse --rebuild`, in
          seconds  vs  that ingestion's seconds
  lists   p50 latency of the latest canonical events and of the busiest entity's (the search index's pages of them,
          kg.search_index.SearchIndex.canonical_events)  vs  the busiest
          entity's latest reports as its page reads them (the search index's first page of its events)
  daily   with --daily M: CPU seconds of ingesting M more articles (other days, another seed) into the fused store,
          optimized first (as `geokg ingest --optimize` or an idle server leaves it), by a fresh process as a daily
          `geokg ingest` is: with fusion  vs  the same ingest with --no-fuse, each into a copy of that store
  copies  with --copies K: the same lists on a store of K × the articles (bench.replicate.replicate_fused: the fused
          store copied K times, its events graph with it, on the same days)  vs  the lists at the ingested size
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import corpus
from bench.run import BIN, _in_child, geokg_ingest


def _timed(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True)
    return time.perf_counter() - started


def _p50(read: Callable[[], object], times: int) -> float:
    read()  # warm the caches once
    seconds = []
    for _ in range(times):
        started = time.perf_counter()
        read()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def busiest(store_dir: str) -> tuple[str, int]:
    """The entity most canonical events name (in any role), and how many."""
    from kg import vocab
    from kg.store import Store

    store = Store(store_dir, read_only=True)
    roles = " ".join(f"<{vocab.GKG}{r}>" for r in vocab.EVENT_ROLES)
    row = next(iter(store.query(f"""SELECT ?x (COUNT(DISTINCT ?e) AS ?n) WHERE {{ VALUES ?r {{ {roles} }}
        GRAPH <{vocab.EVENTS_GRAPH}> {{ ?e ?r ?x }} }} GROUP BY ?x ORDER BY DESC(?n) LIMIT 1""")))
    store.close()
    return row["x"].value, int(row["n"].value)


def lists(store_dir: str, times: int) -> dict:
    """p50 seconds of the canonical event lists (a page of 50, as /events/canonical reads it from the search index;
    the busiest entity's with the forces that stand for it, and its tenth page), and of the busiest entity's latest
    reports read as its page does."""
    from kg import events_graph, fusion
    from kg.search_index import INDEX_FILE, EventFilter, SearchIndex
    from kg.store import Store

    entity, named = busiest(store_dir)
    store = Store(store_dir, read_only=True)
    index = SearchIndex(Path(store_dir) / INDEX_FILE, read_only=True)
    entities = [entity, *fusion.standing_for(entity)]
    out = {"canonical_events": events_graph.count(store), "busiest": entity, "busiest_events": named,
           "latest_s": _p50(lambda: index.canonical_events(None, 0, 50), times),
           "entity_s": _p50(lambda: index.canonical_events(entities, 0, 50), times),
           "entity_page10_s": _p50(lambda: index.canonical_events(entities, 450, 50), times),
           "reports_page_s": _p50(lambda: index.events(EventFilter(roles=(("entity", entity),)), 0, 25), times)}
    index.close()
    store.close()
    return out


def _ingested(data: Path, store_dir: Path, jobs: int, fused: bool) -> dict:
    """bench.run.geokg_ingest in a fresh process, with its CPU seconds in all (storing and extraction)."""
    got = _in_child(geokg_ingest, str(data), str(store_dir), jobs, fused)
    return {**got, "cpu_s": got["cpu_main_s"] + got["cpu_extraction_s"]}


def daily(fused_store: Path, m: int, work: Path, jobs: int) -> dict:
    """`geokg ingest` of m new articles into copies of the fused store, with fusion and without."""
    data = corpus.write(m, work / f"daily-{m}.jsonl", seed=99)
    subprocess.run([str(BIN / "geokg"), "optimize", "--store", str(fused_store)], check=True, capture_output=True)
    res: dict = {"articles": m}
    for fused in (False, True):
        copy = work / f"daily-{'fused' if fused else 'plain'}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(fused_store, copy)
        res["fused" if fused else "plain"] = _ingested(data, copy, jobs, fused)
        shutil.rmtree(copy, ignore_errors=True)
    res["cpu_ratio"] = res["fused"]["cpu_s"] / res["plain"]["cpu_s"]
    print(json.dumps({"daily": res}), flush=True)
    return res


def run(n: int, jobs: int, work: Path, times: int, copies: int = 1, more: int = 0) -> dict:
    data = corpus.write(n, work / f"corpus-{n}.jsonl")
    res: dict = {"articles": n, "jobs": jobs}
    for fused in (False, True):
        store_dir = work / f"store-{'fused' if fused else 'plain'}"
        shutil.rmtree(store_dir, ignore_errors=True)
        res["fused" if fused else "plain"] = _ingested(data, store_dir, jobs, fused)
        print(json.dumps({n: {"fused" if fused else "plain": res["fused" if fused else "plain"]}}), flush=True)
    res["cpu_ratio"] = res["fused"]["cpu_s"] / res["plain"]["cpu_s"]
    res["main_cpu_ratio"] = res["fused"]["cpu_main_s"] / res["plain"]["cpu_main_s"]
    plain = str(work / "store-plain")
    res["fuse_later_s"] = _timed([str(BIN / "geokg"), "fuse", "--store", plain])
    res["rebuild_s"] = _timed([str(BIN / "geokg"), "fuse", "--rebuild", "--store", plain])
    res["lists"] = lists(str(work / "store-fused"), times)
    if more:
        res["daily"] = daily(work / "store-fused", more, work, jobs)
    if copies > 1:
        from bench.replicate import replicate_fused

        target = work / f"store-fused-x{copies}"
        res["copied"] = _in_child(replicate_fused, work / "store-fused", target, copies)
        res["copied_lists"] = lists(str(target), times)
        print(json.dumps({"copied": res["copied"], "copied_lists": res["copied_lists"]}), flush=True)
    return res


def markdown(r: dict) -> str:
    plain, fused, lst = r["plain"], r["fused"], r["lists"]
    rows = [
        (f"ingestion CPU-s, --jobs {r['jobs']}: storing process + extraction",
         f"{fused['cpu_main_s']:.1f} + {fused['cpu_extraction_s']:.1f}",
         f"{plain['cpu_main_s']:.1f} + {plain['cpu_extraction_s']:.1f}", f"{r['cpu_ratio']:.3f} (≤ 1.10)"),
        ("ingestion s", f"{fused['seconds']:.1f}", f"{plain['seconds']:.1f}",
         f"{fused['seconds'] / plain['seconds']:.3f}"),
        ("geokg fuse afterwards, s (vs the ingestion without fusion)", f"{r['fuse_later_s']:.1f}",
         f"{plain['seconds']:.1f}", f"{r['fuse_later_s'] / plain['seconds']:.3f}"),
        ("geokg fuse --rebuild, s", f"{r['rebuild_s']:.1f}", f"{plain['seconds']:.1f}",
         f"{r['rebuild_s'] / plain['seconds']:.3f}"),
        ("latest canonical events p50 ms (vs the busiest entity's latest reports)", f"{lst['latest_s'] * 1000:.1f}",
         f"{lst['reports_page_s'] * 1000:.1f}", f"{lst['latest_s'] / lst['reports_page_s']:.2f}"),
        (f"busiest entity's canonical events p50 ms ({lst['busiest_events']} events)", f"{lst['entity_s'] * 1000:.1f}",
         f"{lst['reports_page_s'] * 1000:.1f}", f"{lst['entity_s'] / lst['reports_page_s']:.2f}"),
    ]
    if "daily" in r:
        d = r["daily"]
        rows.append((f"then {d['articles']} more articles into it by a new process, CPU-s: storing + extraction",
                     f"{d['fused']['cpu_main_s']:.1f} + {d['fused']['cpu_extraction_s']:.1f}",
                     f"{d['plain']['cpu_main_s']:.1f} + {d['plain']['cpu_extraction_s']:.1f}",
                     f"{d['cpu_ratio']:.3f} (≤ 1.10)"))
    if "copied_lists" in r:
        big, n = r["copied_lists"], r["copied"]["articles"]
        rows += [(f"latest canonical events p50 ms at {n} articles (vs at {r['articles']})",
                  f"{big['latest_s'] * 1000:.1f}", f"{lst['latest_s'] * 1000:.1f}",
                  f"{big['latest_s'] / lst['latest_s']:.2f}"),
                 (f"busiest entity's canonical events p50 ms at {n} articles ({big['busiest_events']} events)",
                  f"{big['entity_s'] * 1000:.1f}", f"{lst['entity_s'] * 1000:.1f}",
                  f"{big['entity_s'] / lst['entity_s']:.2f}")]
    lines = [f"| {r['articles']} articles | fusion | without / baseline | ratio |", "|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    return "\n".join([*lines, f"canonical events: {lst['canonical_events']}; busiest entity: {lst['busiest']}"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--times", type=int, default=20, help="reads per list latency (default 20)")
    ap.add_argument("--copies", type=int, default=1,
                    help="also measure the lists on a store of this many copies of the fused one (default: none)")
    ap.add_argument("--daily", type=int, default=0, metavar="M",
                    help="also measure a later ingest of M more articles into the fused store (default: none)")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: a temporary one, removed)")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="geokg-fusion-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    res = run(a.articles, a.jobs, work, a.times, a.copies, a.daily)
    print(markdown(res))
    (work / "fusion-results.json").write_text(json.dumps(res, indent=1))
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
