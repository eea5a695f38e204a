"""Ingestion: files and directories of articles -> extraction -> one named graph per article in the store."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg import mapping, pipeline, reference
from kg.article import SUFFIXES, Article, ArticleError, read
from kg.remote import ServerSink
from kg.store import Store


@dataclass
class Summary:
    articles: int = 0
    skipped: int = 0
    entities: int = 0
    events: int = 0
    triples: int = 0
    failed: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (f"{self.articles} article(s) ingested, {self.skipped} already present; "
                f"{self.entities} entities, {self.events} events, {self.triples} triples added")
        if self.failed:
            text += f"; {len(self.failed)} failed"
        return text


def files(paths: list[Path]) -> Iterator[Path | ArticleError]:
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not found:
                yield ArticleError(f"{path}: no article files ({', '.join(sorted(SUFFIXES))}) in this directory")
            yield from found
        elif path.exists():
            yield path
        else:
            yield ArticleError(f"{path}: no such file or directory")


def articles(paths: list[Path]) -> Iterator[Article | ArticleError]:
    for item in files(paths):
        if isinstance(item, ArticleError):
            yield item
        else:
            yield from read(item)


def ingest(store: Store | ServerSink, paths: list[Path], progress: Callable[[str], None] | None = None,
           batch: int = 16) -> Summary:
    """Ingest every article under `paths`. Each article's graph is written in one transaction."""
    ref = reference.load()
    store.init(ref)
    summary = Summary()
    pending: list[Article] = []
    started = time.monotonic()
    seen: set[str] = set()

    def flush() -> None:
        for x in pipeline.extract_many(pending):
            quads = list(mapping.article_quads(x, ref))
            summary.triples += store.add_graph(quads)
            summary.articles += 1
            summary.entities += len({m.iri for m in x.mentions})
            summary.events += len(mapping.merge_events(x.events))
        pending.clear()
        if progress:
            done = summary.articles + summary.skipped + len(summary.failed)
            rate = done / max(time.monotonic() - started, 1e-6)
            progress(f"{done} article(s) processed ({rate:.1f}/s)")

    for item in articles(paths):
        if isinstance(item, ArticleError):
            summary.failed.append(str(item))
            print(f"error: {item}", file=sys.stderr)
            continue
        if store.has_graph(item.iri) or item.iri in seen:
            summary.skipped += 1
            continue
        seen.add(item.iri)
        pending.append(item)
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return summary
