from __future__ import annotations

from pathlib import Path

import pytest

from kg.ingest import ingest
from kg.store import Store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
SEED_ARTICLE = SEEDS / "trtworld-russia-syria-air-defence.txt"


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
