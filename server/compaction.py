"""The served embedded store compacts itself once writes stop (see kg.store.Store.optimize).

Articles sent to a running server (`geokg ingest` finds it and posts them, or any Graph Store Protocol
client) arrive as bulk loads that leave the store in overlapping files: queries then read at about two
thirds of their speed on the same data compacted (bench/RESULTS.md). So the server compacts the store in
the background when no write has come for a while and at least a quarter of the store was written since
it was last compacted — the rule `geokg ingest` uses to suggest `geokg optimize`, which bounds how often
each quad is rewritten. Queries and writes go on meanwhile; the query workers then read a new snapshot.
A store left uncompacted by an earlier ingestion is compacted once the server has been idle as long.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable

from kg.store import OPTIMIZE_SHARE, Store


class Compactor:
    """Calls `store.optimize()` on a thread of its own once no write was noted (`written`) for `idle` seconds
    and at least OPTIMIZE_SHARE of the store is new since it was last optimized; then `done()` (the query
    pool's bump, so that its workers read the compacted files)."""

    def __init__(self, store: Store, idle: float, done: Callable[[], None]) -> None:
        self.store, self.idle, self.done = store, idle, done
        self.checks = self.compactions = 0  # how often it looked whether to compact, and compacted
        self._cond = threading.Condition()
        self._last_write: float | None = time.monotonic()  # at the start: a store left uncompacted is checked
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="geokg-compactor", daemon=True)
        self._thread.start()

    def written(self) -> None:
        with self._cond:
            self._last_write = time.monotonic()
            self._cond.notify()

    def close(self) -> None:
        """Stop checking. A compaction under way goes on (RocksDB offers no way to interrupt it) until it ends
        or the process does: RocksDB then keeps the files as they were before it, and the store's counts
        are counted again at the next opening (they are saved only for a store closed with nothing open)."""
        with self._cond:
            self._stopped = True
            self._cond.notify()

    def _quiet(self) -> bool:
        """Wait until `idle` seconds passed without a write; False once closed."""
        with self._cond:
            while not self._stopped:
                if self._last_write is None:
                    self._cond.wait()
                    continue
                left = self._last_write + self.idle - time.monotonic()
                if left <= 0:
                    self._last_write = None
                    return True
                self._cond.wait(left)
            return False

    def _run(self) -> None:
        while self._quiet():
            try:
                share = self.store.unoptimized_share()
                if share < OPTIMIZE_SHARE:
                    continue
                print(f"compacting the store: {share:.0%} of it was written since it was last compacted", flush=True)
                started = time.perf_counter()
                self.store.optimize()
                self.compactions += 1
                print(f"compacted the store in {time.perf_counter() - started:.1f} s", flush=True)
                self.done()
            except Exception as exc:  # the store was closed meanwhile, or the disk is full: serve on as it is
                print(f"could not compact the store: {exc}", file=sys.stderr, flush=True)
            finally:
                self.checks += 1
