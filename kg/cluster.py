"""Extraction on a Dask cluster (`geokg extract --cluster`).

The inputs are read here, a record at a time, and cut into shards of articles; each shard is extracted on a Dask
worker, which writes it as one N-Quads file (kg.shards) into a directory that every worker and this process reach
(local, shared, or object storage through fsspec). Each worker loads spaCy and the reference knowledge once, when it
joins (a worker plugin). A shard already written is skipped, so a rerun finishes the rest; an article whose extraction
fails is reported and the rest of its shard written; the shards of a worker that dies are extracted again on another
(the scheduler reschedules them; `retries` covers errors that a task raises, such as a failed write).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dask
from distributed import Client, Future, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from kg import shards
from kg.article import Article, ArticleError
from kg.ingest import BATCH, Extracted, Progress, Summary, articles, batched, extract_batch, files, warm_up

RETRIES = 2  # more tries of a shard whose task raised (a worker's death is counted by the scheduler)
# Dask's configuration for the workers of `local:N` (docs/scaling.md gives it for the workers of a cluster). Dask
# starts worker processes with MALLOC_TRIM_THRESHOLD_ set, which turns off glibc's adaptive thresholds: extraction
# then took 20 % more CPU per article than in a plain process. A worker's profiler (a sample of the task's stack
# every 10 ms) and its event loop's checks (every 20 ms) took another 6-8 % of CPU beside the task, 2 % without
# the profiler and with checks every second.
WORKER_CONFIG = {"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                 "distributed.worker.profile.enabled": False, "distributed.admin.tick.interval": "1s"}


class WarmUp(WorkerPlugin):
    """Loads the pipeline and the reference knowledge on each worker as it joins, once (kg.extract caches them)."""

    name = "geokg-extraction"

    def setup(self, worker: object) -> None:
        warm_up()


def extract_shard(batch: list[Article], url: str) -> Summary:
    """On a worker: extract the articles and write their graphs as the shard `url`, with those that failed left out
    (and said in the summary)."""
    summary = Summary(stored=False)
    parts = []
    for i in range(0, len(batch), BATCH):
        for x in _extract(batch[i:i + BATCH], summary.failed):
            parts.append(x.as_nquads())
            summary.count(x)
    shards.write(url, b"".join(parts))
    return summary


def _extract(batch: list[Article], failed: list[str]) -> list[Extracted]:
    """The batch extracted; if that fails, each article alone, the failing ones added to `failed`."""
    try:
        return extract_batch(batch, as_bytes=True)
    except Exception as exc:  # anything extraction raises on one article must not lose the others
        if len(batch) == 1:
            failed.append(f"{batch[0].origin}: extraction failed: {type(exc).__name__}: {exc}")
            return []
        return [x for a in batch for x in _extract([a], failed)]


@dataclass
class Shards:
    """What became of the shards of a run."""

    written: int = 0
    present: int = 0  # written by an earlier run, skipped
    failed: int = 0

    def line(self, folder: str) -> str:
        return (f"{self.written + self.present + self.failed} shard(s) in {folder}: {self.written} written, "
                f"{self.present} written before (skipped), {self.failed} failed")


def local_workers(address: str) -> int | None:
    """N of `local:N`; None for a scheduler's address."""
    if not address.startswith("local:"):
        return None
    n = address.removeprefix("local:")
    if not n.isdigit() or int(n) < 1:
        raise ValueError(f"--cluster local:N needs a number of worker processes N of 1 or more, not {address!r}")
    return int(n)


@contextmanager
def connect(address: str, n: int | None) -> Iterator[Client]:
    """A client of the scheduler at `address`, or, if `n` is given, of a cluster of n worker processes on this
    machine (one thread each: extraction holds Python's global lock) that ends with it. Dask's configuration
    applies (distributed.comm.timeouts.connect: how long to try reaching a scheduler, 30 s by default)."""
    logging.getLogger("distributed").setLevel(logging.ERROR)  # its notes on workers coming and going
    if n is not None:
        with (dask.config.set(WORKER_CONFIG),
              LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR) as cluster, Client(cluster) as client):
            yield client
        return
    try:
        client = Client(address)
    except (OSError, ValueError) as exc:  # TimeoutError is an OSError
        raise OSError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
    with client:
        yield client


@dataclass(frozen=True)
class _Submitted:
    name: str
    articles: int
    origins: str  # where its first and last articles come from, for a failure line


def extract_on_cluster(address: str, paths: list[Path], out: str, shard_size: int = shards.SIZE,
                       progress: Callable[[str], None] | None = None) -> tuple[Summary, Shards]:
    """Extract every article under `paths` on the cluster at `address` into shards of `shard_size` articles in the
    directory `out` (a path or an fsspec URL that the workers reach too)."""
    workers = local_workers(address)
    summary, counts = Summary(stored=False), Shards()
    found = list(files(paths))
    bar = Progress(sum(p.stat().st_size for p in found if isinstance(p, Path)), progress)
    fs, folder = shards.directory(out)
    complete: set[str] = set()  # the shards of this run that are written, now or before

    def failed(err: ArticleError | str) -> None:
        summary.failed.append(str(err))
        print(f"error: {err}", file=sys.stderr)

    def done(future: Future, shard: _Submitted) -> None:
        try:
            result: Summary = future.result()
        except Exception as exc:  # the task failed RETRIES + 1 times, or killed the workers it ran on
            counts.failed += 1
            reason = (str(exc).strip().splitlines() or [""])[0] or type(exc).__name__
            failed(f"shard {shard.name} ({shard.origins}): {reason}")
        else:
            counts.written += 1
            complete.add(shard.name)
            for line in result.failed:
                print(f"error: {line}", file=sys.stderr)
            summary.add(result)
        bar.update(shard.articles)

    with connect(address, workers) as client:
        try:
            client.register_plugin(WarmUp())
        except Exception as exc:  # e.g. a worker without GeoKG cannot unpickle the plugin
            raise OSError(f"the Dask workers cannot start GeoKG's extraction (the same GeoKG must be installed on "
                          f"every worker): {type(exc).__name__}: {exc}") from None
        running = as_completed()
        submitted: dict[Future, _Submitted] = {}
        for batch in batched(articles(found, bar), shard_size, lambda _: False, failed, lambda _: None):
            shard = _Submitted(shards.name(batch), len(batch), f"{batch[0].origin} to {batch[-1].origin}")
            if fs.exists(f"{folder}/{shard.name}"):
                complete.add(shard.name)
                counts.present += 1
                summary.skipped += len(batch)
                bar.update(len(batch))
                continue
            future = client.submit(extract_shard, batch, fs.unstrip_protocol(f"{folder}/{shard.name}"),
                                   key=f"geokg-extract-{shard.name}", retries=RETRIES)
            submitted[future] = shard
            running.add(future)
            # a few shards per worker thread wait their turn: enough to keep them busy, not the whole input
            while running.count() >= max(2 * sum(client.nthreads().values()), 2):
                finished = next(running)
                done(finished, submitted.pop(finished))
        for finished in running:
            done(finished, submitted.pop(finished))
    shards.remove_leftovers(fs, folder, complete)
    return summary, counts
