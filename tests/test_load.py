"""A bounded load test on loopback: cheap queries, queries that hit the time limit, and ingests, all at once."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import SEEDS, build_store
from .live_server import free_port, wait_until_up

pytestmark = pytest.mark.slow
DURATION = 15.0
CLIENTS = 8
CHEAP = ["ASK { ?s ?p ?o }",
         "SELECT ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } LIMIT 20",
         "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/geokg/ontology#ArmsTransfer> }"]
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def request(url: str, data: dict[str, str] | None = None) -> tuple[int, float]:
    body = urllib.parse.urlencode(data).encode() if data else None
    started = time.monotonic()
    req = urllib.request.Request(url, data=body, headers={"Accept": "application/sparql-results+json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            r.read()
            status = r.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.monotonic() - started


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def test_mixed_load(tmp_path: Path) -> None:
    store = build_store(tmp_path / "store", SEEDS)
    number = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).with_name("geokg")), "serve", "--store", str(store),
                             "--port", str(number), "--threads", "8", "--query-workers", "2", "--query-timeout", "2",
                             "--queue-wait", "1", "--update-token", "t"], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{number}"
    try:
        wait_until_up(base + "/sparql", proc)
        results: list[tuple[str, int, float]] = []
        added: list[str] = []
        lock = threading.Lock()
        opener = urllib.request.build_opener(NoRedirect)
        stop = time.monotonic() + DURATION

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            n = 0
            while time.monotonic() < stop:
                kind = rnd.choices(["cheap", "expensive", "ingest"], weights=[7, 1, 2])[0]
                if kind == "ingest":
                    n += 1
                    title = f"Load test article {seed}-{n}"
                    data = urllib.parse.urlencode({"title": title, "token": "t",
                                                   "text": f"Russia sends S-400 systems to Syria ({seed}, {n})."})
                    started = time.monotonic()
                    try:
                        status = opener.open(base + "/add", data=data.encode(), timeout=30).status
                    except urllib.error.HTTPError as exc:
                        status = exc.code
                    elapsed = time.monotonic() - started
                    if status == 303:
                        with lock:
                            added.append(title)
                else:
                    q = rnd.choice(CHEAP) if kind == "cheap" else EXPENSIVE
                    status, elapsed = request(base + "/sparql?" + urllib.parse.urlencode({"query": q}))
                with lock:
                    results.append((kind, status, elapsed))

        threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        statuses = {(k, s) for k, s, _ in results}
        assert all(s < 500 or s in (503, 504) for _, s in statuses), statuses
        assert ("cheap", 200) in statuses and ("expensive", 504) in statuses and ("ingest", 303) in statuses
        q = ("SELECT (COUNT(*) AS ?n) WHERE { ?a <http://schema.org/headline> ?t "
             "FILTER(STRSTARTS(STR(?t), 'Load test')) }")
        with urllib.request.urlopen(base + "/sparql?" + urllib.parse.urlencode({"query": q})) as r:
            stored = int(json.load(r)["results"]["bindings"][0]["n"]["value"])
        assert stored == len(added)  # no lost articles
        for kind in ("cheap", "expensive", "ingest"):
            times = sorted(e for k, _, e in results if k == kind)
            if times:
                p50, p99 = times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))]
                print(f"load {kind}: {len(times)} requests, p50 {p50 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
