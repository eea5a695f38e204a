from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from kg import vocab
from kg.ingest import ingest
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
SEED_ARTICLE = SEEDS / "trtworld-russia-syria-air-defence.txt"


def quad(graph: str, n: int) -> ox.Quad:
    """A small statement numbered n in the graph: urn:s:n urn:p "n"."""
    return ox.Quad(ox.NamedNode(f"urn:s:{n}"), ox.NamedNode("urn:p"), ox.Literal(str(n)), ox.NamedNode(graph))


def answer(store: Any, query: str, value: Callable[[Any], str] = lambda term: term.value
           ) -> list[tuple[str | None, ...]]:
    """A SELECT's rows on any store, as tuples of `value(term)` (None where unbound), in variable order; the
    gallery's prefixes are declared."""
    result = store.query(vocab.SPARQL_PREFIXES + query)
    names = [v.value for v in result.variables]
    return [tuple(None if row[n] is None else value(row[n]) for n in names) for row in result]


def seccomp_mode(pid: int) -> str:
    """The Seccomp field of the process's Linux /proc status: "0" without a seccomp filter, "2" with one."""
    status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    return next(line.split()[1] for line in status.splitlines() if line.startswith("Seccomp:"))


def build_store(path: Path, *sources: Path) -> Path:
    """A closed store at `path` with the articles under `sources` ingested."""
    store = Store(path)
    ingest(store, list(sources))
    store.close()
    return path


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with the seed article ingested (built once per session; tests must not modify it)."""
    return build_store(tmp_path_factory.mktemp("seed-store") / "store", SEEDS)


@pytest.fixture()
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "store")
    yield s
    s.close()
