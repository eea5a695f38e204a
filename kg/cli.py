"""The `geokg` command line."""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kg import __version__, events_graph, reference, shards, sparql_text, vocab
from kg.bulk_load import load_shards
from kg.export import FORMATS, ExportError, export
from kg.ingest import extract_to, ingest
from kg.reference import ReferenceError
from kg.remote import ServerSink, running_server
from kg.results import write_solutions
from kg.sparql_store import SparqlStore, is_url
from kg.store import (
    BULK_BYTES,
    OPTIMIZE_SHARE,
    OPTIMIZE_WORTH_QUADS,
    Store,
    StoreError,
    default_location,
    fusion_version,
    store_exists,
)
from kg.stores import open_store

RESULT_FORMATS = ("table", "json", "csv", "tsv")


def _store_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", metavar="DIR", default=None,
                   help="store directory, or a SPARQL endpoint URL (default: $GEOKG_STORE or the user data "
                        "directory)")


def _number(kind: type[int] | type[float], low: float, high: float = math.inf, *,
            above: bool = False) -> Callable[[str], int | float]:
    """An argparse type: a number of `kind` from `low` (or above it, if `above`) to `high`; else a usage error."""
    bound = f"{'greater than' if above else 'at least'} {low:g}" + (f" and at most {high:g}" if high < math.inf else "")

    def parse(text: str) -> int | float:
        try:
            value = kind(text)
        except ValueError:
            value = math.nan
        if not ((value > low if above else value >= low) and value <= high):  # nan fails both
            raise argparse.ArgumentTypeError(f"must be a{' whole' if kind is int else ''} number {bound}, not {text!r}")
        return value

    return parse


def _load_mb_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument("--load-mb", type=_number(float, 0, above=True), default=BULK_BYTES / 2**20, metavar="MB",
                   help=f"N-Quads megabytes per bulk load into the embedded store (default {BULK_BYTES // 2**20}; "
                        "less needs less memory, more keeps writes into a large store fast)")


def _progress_line() -> Callable[[str], None] | None:
    """Shows progress on one line of standard error, rewritten, when it is a terminal; else None (no progress)."""
    if not sys.stderr.isatty():
        return None
    return lambda msg: print(f"\r{msg}", end="", file=sys.stderr, flush=True)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="geokg", description="Geopolitical knowledge graph from news articles.")
    parser.add_argument("--version", action="version", version=f"geokg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("init", help="create the store and load the ontology and reference knowledge")
    _store_arg(p)

    p = sub.add_parser("ingest", help="extract articles (files or directories) into the store")
    _store_arg(p)
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                   help=".txt, .json, .jsonl or .html files, or directories")
    p.add_argument("--update-token", default=os.environ.get("GEOKG_UPDATE_TOKEN"),
                   help="when geokg serve has the store open: its update token, to ingest through it")
    p.add_argument("--jobs", type=_number(int, 1), default=1, metavar="N", help="extract in N processes (default 1)")
    _load_mb_arg(p)
    p.add_argument("--optimize", action="store_true",
                   help="compact the embedded store afterwards if a quarter of it or more was written since it was "
                        "last optimized (what `geokg optimize` does; queries then read faster)")
    p.add_argument("--no-fuse", action="store_true",
                   help="store the articles without fusing their events into canonical events; `geokg fuse` does it "
                        "later")

    p = sub.add_parser("extract", help="write the articles' graphs as N-Quads without a store")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="article files or directories")
    p.add_argument("-o", "--output", help="output file (default: standard output); with --cluster, the directory "
                                          "of the shards (a path or an fsspec URL that the workers reach too)")
    p.add_argument("--jobs", type=_number(int, 1), default=None, metavar="N", help="extract in N processes (default 1)")
    p.add_argument("--cluster", metavar="ADDRESS",
                   help="extract on a Dask cluster: its scheduler's address (tcp://HOST:8786), or local:N to start N "
                        "worker processes here; writes one N-Quads shard per --shard-size articles into -o DIR, and "
                        "skips the shards written by an earlier run")
    p.add_argument("--shard-size", type=_number(int, 1), default=None, metavar="N",
                   help=f"articles per shard with --cluster (default {shards.SIZE})")

    p = sub.add_parser("load", help="bulk-load N-Quads shards of article graphs (geokg extract's) into the store")
    _store_arg(p)
    p.add_argument("shards", nargs="+", metavar="SHARD",
                   help="N-Quads files, or directories of *.nq files (paths or fsspec URLs)")
    _load_mb_arg(p)
    p.add_argument("--no-fuse", action="store_true",
                   help="store the articles without fusing their events into canonical events; `geokg fuse` does it "
                        "later")

    p = sub.add_parser("query", help="run a SPARQL query over the union of all graphs")
    _store_arg(p)
    p.add_argument("sparql", nargs="?", help="the query (or use -f FILE)")
    p.add_argument("-f", "--file", type=Path, help="read the query from FILE ('-' for standard input)")
    p.add_argument("--format", choices=RESULT_FORMATS, default="table", help="result format for SELECT/ASK")

    p = sub.add_parser("export", help="write the dataset, one graph or one entity as RDF")
    _store_arg(p)
    p.add_argument("--format", choices=list(FORMATS), default="turtle")
    scope = p.add_mutually_exclusive_group()
    scope.add_argument("--graph", metavar="IRI", help="only this named graph (an article's IRI, ...)")
    scope.add_argument("--entity", metavar="IRI", help="only this entity's concise bounded description")
    p.add_argument("-o", "--output", type=Path, help="output file (default: standard output)")

    p = sub.add_parser("remove", help="delete one article's graph")
    _store_arg(p)
    p.add_argument("article", metavar="ARTICLE", help="the article's IRI")

    p = sub.add_parser("fuse", help="fuse the articles' events not fused yet into canonical events (the events graph)")
    _store_arg(p)
    p.add_argument("--rebuild", action="store_true", help="regroup every article's events anew")

    p = sub.add_parser("stats", help="count triples, articles, entities and events")
    _store_arg(p)

    p = sub.add_parser("optimize", help="compact the embedded store's files after large ingestions (faster queries)")
    _store_arg(p)

    p = sub.add_parser("serve", help="run the SPARQL endpoint and web UI (waitress)")
    _store_arg(p)
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    p.add_argument("--port", type=_number(int, 1, 65535), default=8080)
    p.add_argument("--threads", type=_number(int, 1), default=8, help="worker threads")
    p.add_argument("--update-token", default=os.environ.get("GEOKG_UPDATE_TOKEN"),
                   help="bearer token that allows SPARQL Update, graph writes and adding articles "
                        "(default: $GEOKG_UPDATE_TOKEN; without it the server is read-only)")
    p.add_argument("--query-timeout", type=_number(float, 0, above=True), default=30.0,
                   help="seconds a SPARQL query may run (default 30)")
    p.add_argument("--max-rows", type=_number(int, 1), default=10_000,
                   help="result rows (or triples) per query (default 10000)")
    p.add_argument("--query-workers", type=_number(int, 1), default=2,
                   help="processes that evaluate queries (default 2)")
    p.add_argument("--query-memory", type=_number(float, 0, above=True), default=4.0, metavar="GIB",
                   help="memory a query may add to its worker process, in GiB, before it is stopped (default 4)")
    p.add_argument("--queue-wait", type=_number(float, 0), default=5.0,
                   help="seconds a request waits for a free query worker before 503 (default 5)")
    p.add_argument("--optimize-idle", type=_number(float, 0), default=60.0, metavar="SECONDS",
                   help="compact the embedded store once no write came for SECONDS and a quarter of it was "
                        "written since it was last compacted (what `geokg optimize` does; default 60, 0: never)")
    p.add_argument("--service-allow", action="append", default=[], metavar="URL",
                   help="a SPARQL endpoint that SERVICE clauses may call (repeatable; default: none)")

    p = sub.add_parser("validate", help="check the store against the SHACL shapes")
    _store_arg(p)
    p.add_argument("--graph", metavar="IRI", help="validate only this article graph (with the reference knowledge)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    location = getattr(args, "store", None) or default_location()
    try:
        return COMMANDS[args.command](args, location)
    except BrokenPipeError:  # the reader went away (`geokg query ... | head`): stop quietly, as `cat` does
        with contextlib.suppress(OSError):  # else Python reports the pipe again when it flushes at exit
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE: what a shell reports for a command that a closed pipe stopped
    except (StoreError, ExportError, ReferenceError, ValueError, OSError) as exc:
        print(f"geokg {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"geokg {args.command}: interrupted; every article already reported as ingested is stored",
              file=sys.stderr)
        return 130


def cmd_init(args: argparse.Namespace, location: str) -> int:
    store = open_store(location)
    loaded = store.init(reference.load())
    print(f"{'brought up to date' if loaded else 'already up to date'}: ontology, reference knowledge and timeline "
          f"index in {location}")
    store.close()
    return 0


def cmd_ingest(args: argparse.Namespace, location: str) -> int:
    try:
        store: Store | SparqlStore | ServerSink = open_store(location, fuse=not args.no_fuse)
    except StoreError:
        url = running_server(Path(location))
        if url is None:
            raise
        store = ServerSink(url, args.update_token)
        print(f"the store is open in geokg serve at {url}: sending the articles there", file=sys.stderr)
    progress = _progress_line()
    try:
        summary = ingest(store, args.paths, progress=progress, jobs=args.jobs, load_bytes=int(args.load_mb * 2**20))
        if progress is not None:
            print(file=sys.stderr)
        print(summary.report(), flush=True)
        if isinstance(store, Store) and summary.articles and (share := store.unoptimized_share()) >= OPTIMIZE_SHARE:
            if args.optimize:
                _optimize(store, location)
            elif store.triple_count() >= OPTIMIZE_WORTH_QUADS:
                print(f"{share:.0%} of the store was written since it was last optimized: `geokg optimize` compacts "
                      "it, and queries then read faster", file=sys.stderr)
    finally:
        store.close()
    return 1 if summary.failed else 0


def cmd_optimize(args: argparse.Namespace, location: str) -> int:
    if is_url(location):
        raise StoreError("optimize compacts GeoKG's embedded store; a SPARQL server manages its own storage "
                         "(Virtuoso: checkpoint; Fuseki: tdb2.tdbcompact)")
    if not store_exists(location):
        raise StoreError(f"no GeoKG store in {location}: nothing to optimize")
    store = Store(location)
    try:
        _optimize(store, location)
    finally:
        store.close()
    return 0


def _optimize(store: Store, location: str) -> None:
    print(f"compacting {location} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    store.optimize()
    print(f"optimized {location}: {store.triple_count():,} triples in {time.perf_counter() - started:.1f} s")


def cmd_extract(args: argparse.Namespace, location: str) -> int:
    if args.cluster is not None:
        return _extract_on_cluster(args)
    if args.shard_size is not None:
        raise ValueError("--shard-size goes with --cluster: without it the articles' graphs go to one file")
    jobs = args.jobs or 1
    if args.output is None:
        sys.stdout.flush()
        summary = extract_to(sys.stdout.buffer, args.paths, jobs)
    else:
        output = Path(args.output)
        tmp = output.with_name(output.name + ".part")
        try:
            with tmp.open("wb") as f:
                summary = extract_to(f, args.paths, jobs)
            tmp.replace(output)
        finally:
            tmp.unlink(missing_ok=True)
    print(summary.report(), file=sys.stderr)
    return 1 if summary.failed else 0


def _extract_on_cluster(args: argparse.Namespace) -> int:
    if args.output is None:
        raise ValueError("--cluster writes shards into a directory: give it with -o DIR")
    if args.jobs is not None:
        raise ValueError("--jobs and --cluster exclude each other: the cluster's workers are the processes")
    from kg.cluster import extract_on_cluster  # imports Dask, which the other commands do without

    progress = _progress_line()
    summary, counts = extract_on_cluster(args.cluster, args.paths, args.output, args.shard_size or shards.SIZE,
                                         progress)
    if progress is not None:
        print(file=sys.stderr)
    print(summary.report(), file=sys.stderr)
    print(counts.line(args.output), file=sys.stderr)
    return 1 if summary.failed else 0


def cmd_load(args: argparse.Namespace, location: str) -> int:
    store = open_store(location, fuse=not args.no_fuse)
    progress = _progress_line()
    try:
        summary = load_shards(store, args.shards, progress, int(args.load_mb * 2**20))
        if progress is not None:
            print(file=sys.stderr)
        print(summary.report(), flush=True)
        if isinstance(store, Store) and summary.articles and store.unoptimized_share() >= OPTIMIZE_SHARE:
            _optimize(store, location)
    finally:
        store.close()
    return 1 if summary.failed else 0


def cmd_query(args: argparse.Namespace, location: str) -> int:
    if args.file is not None:
        text = sys.stdin.read() if str(args.file) == "-" else args.file.read_text(encoding="utf-8")
    elif args.sparql:
        text = args.sparql
    else:
        raise ValueError("give a query or -f FILE")
    store = open_store(location, read_only=True)
    result = store.query(text)
    out = sys.stdout
    if isinstance(result, ox.QueryBoolean):
        print(json.dumps({"head": {}, "boolean": bool(result)}) if args.format == "json" else str(bool(result)).lower())
    elif isinstance(result, ox.QuerySolutions):
        given = [v.value for v in result.variables]
        names = sparql_text.star_order(text, given)
        if args.format == "table":
            _table(names, result)
        elif names != given:  # SELECT *: in the query's order, streamed
            out.flush()
            write_solutions(sys.stdout.buffer, names, ([sol[n] for n in names] for sol in result), args.format)
        else:
            fmt = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
                   "tsv": ox.QueryResultsFormat.TSV}[args.format]
            out.flush()
            result.serialize(sys.stdout.buffer, fmt)
    else:  # CONSTRUCT / DESCRIBE
        out.flush()
        ox.serialize(result, sys.stdout.buffer, ox.RdfFormat.TURTLE, prefixes=dict(vocab.PREFIXES))
    return 0


def _table(names: list[str], result: ox.QuerySolutions) -> None:
    rows = [[_cell(sol[n]) for n in names] for sol in result]
    widths = [max([len(n)] + [len(r[i]) for r in rows]) for i, n in enumerate(names)]
    print("  ".join(n.ljust(w) for n, w in zip(names, widths, strict=False)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)))
    print(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")


def _cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    return getattr(term, "value", str(term))


def cmd_export(args: argparse.Namespace, location: str) -> int:
    store = open_store(location, read_only=True)
    if args.output is None:
        sys.stdout.flush()
        export(store, sys.stdout.buffer, args.format, graph=args.graph, entity=args.entity)
        return 0
    tmp = args.output.with_name(args.output.name + ".part")
    try:
        with tmp.open("wb") as f:
            export(store, f, args.format, graph=args.graph, entity=args.entity)
        tmp.replace(args.output)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace, location: str) -> int:
    store = open_store(location)
    try:
        if not store.remove_graph(args.article):
            raise ValueError(f"no article graph {args.article} in {location}")
    finally:
        store.close()
    print(f"removed {args.article}")
    return 0


def cmd_fuse(args: argparse.Namespace, location: str) -> int:
    store = open_store(location)
    try:
        version = fusion_version()
        if args.rebuild or not events_graph.is_current(store, version):
            done = events_graph.rebuild(store, version)
            print(f"rebuilt the events graph: {done.reports} reports in {done.written} canonical events")
        else:
            articles = sorted(set(events_graph.pending(store)) | set(events_graph.unreported(store)))
            done = events_graph.fuse_stored(store, articles)
            print(f"fused {done.reports} reports of {len(articles)} article(s): {done.written} canonical events "
                  f"written, {done.removed} merged into others")
    finally:
        store.close()
    return 0


def cmd_stats(args: argparse.Namespace, location: str) -> int:
    store = open_store(location, read_only=True)
    s = store.stats()
    rows = [("triples", s.triples), ("articles", s.articles), *sorted(s.entities.items()), *sorted(s.events.items()),
            ("canonical events", events_graph.count(store))]
    width = max(len(name) for name, _ in rows) + 2  # the counts in one column ("MilitaryOperation" is long)
    for name, n in rows:
        print(f"{name:<{width}}{n}")
    return 0


def cmd_serve(args: argparse.Namespace, location: str) -> int:
    from server.serve import serve

    serve(location, host=args.host, port=args.port, threads=args.threads, update_token=args.update_token,
          query_workers=args.query_workers, query_timeout=args.query_timeout, max_rows=args.max_rows,
          queue_wait=args.queue_wait, query_memory=int(args.query_memory * 2**30),
          service_allow=args.service_allow, optimize_idle=args.optimize_idle)
    return 0


def cmd_validate(args: argparse.Namespace, location: str) -> int:
    from kg.validate import validate

    report = validate(open_store(location, read_only=True), graph=args.graph)
    print(report.text())
    return 0 if report.conforms else 1


COMMANDS = {"init": cmd_init, "ingest": cmd_ingest, "extract": cmd_extract, "load": cmd_load, "query": cmd_query,
            "export": cmd_export, "remove": cmd_remove, "fuse": cmd_fuse, "stats": cmd_stats, "optimize": cmd_optimize,
            "serve": cmd_serve,
            "validate": cmd_validate}

if __name__ == "__main__":
    sys.exit(main())
