"""Extraction on a Dask cluster against `geokg extract --jobs N` with as many processes, and `geokg load` of the
shards against pyoxigraph's bulk_load of the same files: each printed as a ratio against its baseline, measured in
the same run, on the synthetic corpus of bench/corpus.py.

    make bench-cluster                       # 300 articles, 1 and 2 processes, each way twice
    .venv/bin/python -m bench.cluster --articles 300 --jobs 1,2 --repeat 2

For each N, every command is run end to end as a user runs it (a fresh process; spaCy loaded in each extraction
process or worker):
  pool      geokg extract --jobs N CORPUS -o FILE                        (the baseline)
  local     geokg extract --cluster local:N CORPUS -o DIR                (starts the Dask cluster itself)
  running   geokg extract --cluster tcp://... CORPUS -o DIR              (a cluster of N fresh workers started
                                                                          beforehand, outside the timing)
and then
  load      geokg load DIR --store S   vs   pyoxigraph bulk_load of the same shards and optimize, both into a
            store that `geokg init` made (the load command's time includes its start: Python, GeoKG's imports)
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dask
import pyoxigraph as ox
from distributed import LocalCluster

from bench import corpus
from bench.run import _texts
from kg.cluster import WORKER_CONFIG

BIN = Path(sys.executable).parent


def _run(*args: str) -> float:
    """Seconds that the geokg command took."""
    started = time.perf_counter()
    subprocess.run([str(BIN / "geokg"), *args], check=True, capture_output=True)
    return time.perf_counter() - started


def _cpu() -> float:
    """CPU seconds of the processes that this one started and that have ended: a command and its workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _quads(*paths: Path) -> int:
    return sum(p.read_bytes().count(b"\n") for p in paths)


def extraction(data: Path, work: Path, jobs: int, shard_size: int, repeat: int) -> dict:
    """Seconds and CPU seconds of each way, the least of `repeat` runs taken in turn (this machine is shared: the
    least is the run that others disturbed least; CPU seconds vary less)."""
    pool, local, running = work / f"pool-{jobs}.nq", work / f"local-{jobs}", work / f"running-{jobs}"
    ways = ("pool", "local", "running")
    times: dict[str, list[float]] = {f"{way}_{m}": [] for way in ways for m in ("seconds", "cpu")}

    def note(way: str, seconds: float, cpu_before: float) -> None:
        times[f"{way}_seconds"].append(seconds)
        times[f"{way}_cpu"].append(_cpu() - cpu_before)

    for _ in range(repeat):
        shutil.rmtree(local, ignore_errors=True)
        shutil.rmtree(running, ignore_errors=True)
        cpu = _cpu()
        note("pool", _run("extract", "--jobs", str(jobs), str(data), "-o", str(pool)), cpu)
        cpu = _cpu()
        note("local", _run("extract", "--cluster", f"local:{jobs}", "--shard-size", str(shard_size), str(data),
                           "-o", str(local)), cpu)
        cpu = _cpu()
        with (dask.config.set(WORKER_CONFIG),
              LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR) as cluster):
            seconds = _run("extract", "--cluster", cluster.scheduler_address, "--shard-size", str(shard_size),
                           str(data), "-o", str(running))
        note("running", seconds, cpu)  # with the workers' CPU, counted once they have ended
    res: dict = {way: min(values) for way, values in times.items()} | {"runs": times}
    quads = _quads(pool)
    assert _quads(*local.glob("*.nq")) == quads == _quads(*running.glob("*.nq")), "the runs wrote different graphs"
    res["quads"] = quads
    for way in ("local", "running"):
        res[f"{way}_ratio"] = res["pool_seconds"] / res[f"{way}_seconds"]
        res[f"{way}_cpu_ratio"] = res["pool_cpu"] / res[f"{way}_cpu"]
    return res


def loading(shards: Path, work: Path) -> dict:
    """Both into a store that holds the ontology and the reference knowledge (`geokg init`, outside the timing)."""
    for name in ("bulk-store", "load-store"):
        _run("init", "--store", str(work / name))
    started = time.perf_counter()
    baseline = ox.Store(str(work / "bulk-store"))
    for shard in sorted(shards.glob("*.nq")):
        baseline.bulk_load(path=str(shard), format=ox.RdfFormat.N_QUADS)
    baseline.optimize()  # what geokg load does after loading a quarter of the store or more
    bulk_seconds = time.perf_counter() - started
    del baseline
    load_seconds = _run("load", str(shards), "--store", str(work / "load-store"))
    return {"load_seconds": load_seconds, "bulk_seconds": bulk_seconds, "ratio": bulk_seconds / load_seconds}


def markdown(n: int, words: int, runs: dict[int, dict], load: dict) -> str:
    lines = ["| articles | measure | GeoKG on Dask | baseline | ratio (target) |", "|---|---|---|---|---|"]
    for jobs, r in runs.items():
        pool = f"{words / r['pool_seconds']:.0f} (--jobs {jobs}, {r['pool_seconds']:.1f} s)"
        for way, what in (("local", f"--cluster local:{jobs}"), ("running", f"a running cluster of {jobs}")):
            lines.append(f"| {n} | extraction words/s, {what} (vs geokg extract --jobs {jobs}) | "
                         f"{words / r[f'{way}_seconds']:.0f} ({r[f'{way}_seconds']:.1f} s) | {pool} | "
                         f"{r[f'{way}_ratio']:.2f} (≥ 0.9) |")
            lines.append(f"| {n} | CPU-s of all processes, {what} (vs geokg extract --jobs {jobs}) | "
                         f"{r[f'{way}_cpu']:.1f} | {r['pool_cpu']:.1f} | {r[f'{way}_cpu_ratio']:.2f} |")
    lines.append(f"| {n} | geokg load of the shards, s (vs bulk_load + optimize in this process) | "
                 f"{load['load_seconds']:.1f} | {load['bulk_seconds']:.1f} | {load['ratio']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=300, help="corpus size (default 300)")
    ap.add_argument("--jobs", default="1,2", help="comma-separated numbers of processes (default 1,2)")
    ap.add_argument("--shard-size", type=int, default=25, help="articles per shard (default 25)")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each way, the least taken (default 2)")
    ap.add_argument("--work", type=Path, default=None, help="working directory (default: a temporary one)")
    a = ap.parse_args()
    work = a.work or Path(tempfile.mkdtemp(prefix="geokg-bench-cluster-"))
    work.mkdir(parents=True, exist_ok=True)
    data = corpus.write(a.articles, work / f"corpus-{a.articles}.jsonl")
    words = sum(len(text.split()) for text in _texts(data))
    runs = {}
    for jobs in (int(j) for j in a.jobs.split(",")):
        runs[jobs] = extraction(data, work, jobs, a.shard_size, a.repeat)
        print(json.dumps({"jobs": jobs, **runs[jobs]}), flush=True)
    load = loading(work / f"local-{max(runs)}", work)
    print(json.dumps({"load": load}), flush=True)
    print(markdown(a.articles, words, runs, load))
    if a.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
