"""The quality bar: the shared scorer on the seed article and on our own annotated articles."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import DATA, ROOT, SEEDS

SHARED = Path(ROOT.parent / "shared")
SCORER = SHARED / "eval" / "score.py"
GEOKG = Path(sys.executable).with_name("geokg")

pytestmark = pytest.mark.skipif(not SCORER.exists(), reason=f"the shared scorer is not at {SCORER}")


def score(gold: Path, articles: Path) -> tuple[float, float, str]:
    run = subprocess.run([sys.executable, str(SCORER), "--gold", str(gold), "--articles", str(articles),
                          "--geokg", str(GEOKG), "--verbose"], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    m = re.search(r"entities P=\S+ R=\S+ F1=(\S+)\s+facts P=\S+ R=\S+ F1=(\S+)", run.stdout)
    assert m, run.stdout
    return float(m.group(1)), float(m.group(2)), run.stdout


def test_seed_article_meets_the_bar() -> None:
    entities, facts, report = score(SHARED / "eval" / "gold", SEEDS)
    assert entities >= 0.90, report
    assert facts >= 0.80, report


def test_own_articles_meet_the_bar() -> None:
    golds = sorted((DATA / "gold").glob("*.json"))
    assert len(golds) >= 5
    entities, facts, report = score(DATA / "gold", DATA / "articles")
    assert entities >= 0.90, report
    assert facts >= 0.80, report
