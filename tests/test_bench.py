"""The benchmark corpus generator: deterministic, realistic lengths, real names the extractor finds."""

from __future__ import annotations

import json
from pathlib import Path

from bench import corpus
from kg import article, pipeline


def test_corpus_is_deterministic_with_article_lengths_in_range(tmp_path: Path) -> None:
    a = corpus.write(20, tmp_path / "a.jsonl", seed=3).read_text(encoding="utf-8")
    b = corpus.write(20, tmp_path / "b.jsonl", seed=3).read_text(encoding="utf-8")
    assert a == b
    records = [json.loads(line) for line in a.splitlines()]
    assert len(records) == 20 and len({r["title"] for r in records}) == 20
    assert all(300 <= len(r["text"].split()) <= 850 for r in records)


def test_corpus_articles_yield_entities_and_events(tmp_path: Path) -> None:
    (record,) = [json.loads(line) for line in corpus.write(1, tmp_path / "c.jsonl").read_text().splitlines()]
    x = pipeline.extract(article.from_record(record, "bench"))
    assert len({m.iri for m in x.mentions}) >= 10
    assert {e.kind for e in x.events} & {"ArmsTransfer", "Statement", "MilitaryOperation", "Deployment"}
