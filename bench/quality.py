"""Extraction quality on annotated real news: the shared scorer's totals, and precision and recall per kind of fact.

    make eval                                                 # the 45 annotated 2016 articles, through the CLI
    .venv/bin/python -m bench.quality --in-process -v         # the same graphs, built in this process (faster)
    .venv/bin/python -m bench.quality --gold ../shared/eval/gold --articles seeds --no-fusion

For each gold file the article goes through GeoKG and the scorer of `../shared/eval/score.py` compares the
graph with the gold. By default each article is ingested into a fresh store and exported with the `geokg`
command, as the scorer itself does (its `run_project`); `--in-process` builds the same quads (ontology,
reference knowledge, the article's graph) without a store. The per-kind figures use the scorer's own
matching: recall of a kind is the share of its gold facts found; precision is the share of the kind's
asserted facts (in an article's graph) that a gold fact of that kind explains.

Then, unless --no-fusion, the B-cubed score of event fusion on all 186 articles (bench/fusion_quality.py).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from functools import lru_cache
from io import StringIO
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KINDS = ("leaderOf", "operates", "locatedIn", "alliedWith", "armsTransfer", "deployment", "militaryOperation",
         "statement")


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("geokg_shared_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer at {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=1)
def _background_quads() -> list:
    """The ontology and reference graphs that every export holds beside the article's."""
    import pyoxigraph as ox

    import ontology
    from kg import reference, vocab

    onto = ox.NamedNode(vocab.ONTOLOGY_GRAPH)
    quads = [ox.Quad(t.subject, t.predicate, t.object, onto) for t in ontology.ontology_triples()]
    return quads + list(reference.load().quads())


def in_process_quads(article: Path) -> list:
    from kg import ingest
    from kg.article import read

    items = list(read(article))
    found = [a for a in items if not isinstance(a, Exception)]
    if len(found) != 1:
        raise RuntimeError(f"{article}: expected one article, read {items}")
    (extracted,) = ingest.extract_batch(found)
    return _background_quads() + extracted.graph


def cli_quads(score: ModuleType, article: Path, geokg: str) -> list:
    with tempfile.TemporaryDirectory() as tmp:
        return score.load_quads(score.run_project(geokg, article, tmp))


def score_one(score: ModuleType, gold: dict, quads: list, verbose: bool) -> tuple[dict, str]:
    """The scorer's counts for one article, in all and per kind, and its verbose report."""
    graph = score.Graph(quads)
    out = StringIO()
    with redirect_stdout(out):
        entities, facts = score.score_article(graph, gold, verbose)
    mentioned = {o for (s, o) in graph.triples.get(score.GKG + "mentions", ()) if s in graph.articles}
    asserted = Counter(kind for kind, args in score._asserted_facts(graph)
                       if kind != "locatedIn" or args[0] in mentioned)
    per_kind = {}
    for kind in KINDS:
        only = dict(gold, facts=[f for f in gold["facts"] if f["rel"] == kind])
        with redirect_stdout(StringIO()):
            _, (hits, explained, _, total) = score.score_article(graph, only, False)
        per_kind[kind] = {"found": hits, "gold": total, "explained": explained, "asserted": asserted[kind]}
    return {"entities": entities, "facts": facts, "kinds": per_kind}, out.getvalue()


def ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def summary(results: list[dict]) -> dict:
    ent = [sum(r["entities"][i] for r in results) for i in range(4)]
    fac = [sum(r["facts"][i] for r in results) for i in range(4)]
    out = {"articles": len(results)}
    for name, (tp, ok, pred, gold) in (("entities", ent), ("facts", fac)):
        p, r = ratio(ok, pred), ratio(tp, gold)
        out[name] = {"P": p, "R": r, "F1": f1(p, r), "gold": gold, "predicted": pred}
    for kind in KINDS:
        k = {key: sum(r["kinds"][kind][key] for r in results) for key in ("found", "gold", "explained", "asserted")}
        p, r = ratio(k["explained"], k["asserted"]), ratio(k["found"], k["gold"])
        out[kind] = {"P": p, "R": r, "F1": f1(p, r), **k}
    return out


def table(s: dict) -> str:
    lines = [f"entities P={s['entities']['P']:.2f} R={s['entities']['R']:.2f} F1={s['entities']['F1']:.2f}  "
             f"facts P={s['facts']['P']:.2f} R={s['facts']['R']:.2f} F1={s['facts']['F1']:.2f}",
             "",
             f"| {'kind':<17} | {'gold':>4} | {'found':>5} | {'asserted':>8} | {'right':>5} |   P  |   R  |  F1  |",
             f"|{'-' * 19}|{'-' * 6}|{'-' * 7}|{'-' * 10}|{'-' * 7}|------|------|------|"]
    for kind in (*KINDS, "facts"):
        k = s[kind]
        if kind == "facts":
            row = f"| {'all facts':<17} | {k['gold']:>4} | {'':>5} | {k['predicted']:>8} | {'':>5} |"
        else:
            row = (f"| {kind:<17} | {k['gold']:>4} | {k['found']:>5} | {k['asserted']:>8} | {k['explained']:>5} |")
        predicted = k["predicted"] if kind == "facts" else k["asserted"]
        precision = f"{k['P']:.2f}" if predicted else "  - "  # nothing asserted: no precision to speak of
        lines.append(row + f" {precision} | {k['R']:.2f} | {k['F1']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=SHARED / "corpus" / "gold")
    ap.add_argument("--articles", type=Path, default=SHARED / "corpus" / "news-2016")
    ap.add_argument("--scorer", type=Path, default=SHARED / "eval" / "score.py")
    ap.add_argument("--geokg", default=str(Path(sys.executable).with_name("geokg")))
    ap.add_argument("--in-process", action="store_true", help="build the graphs here instead of with the CLI")
    ap.add_argument("--jobs", type=int, default=2, help="articles scored at once through the CLI")
    ap.add_argument("--json", type=Path, help="also write the figures (per article and in all) to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="the scorer's misses and unexplained facts")
    ap.add_argument("--no-fusion", action="store_true", help="leave out the event fusion score (bench.fusion_quality)")
    args = ap.parse_args(argv)
    if not args.scorer.exists():
        print(f"geokg eval: the shared scorer is not at {args.scorer}", file=sys.stderr)
        return 2
    score = load_scorer(args.scorer)
    golds = sorted(args.gold.glob("*.json")) if args.gold.is_dir() else [args.gold]
    if not golds:
        print(f"geokg eval: no gold files in {args.gold}", file=sys.stderr)
        return 2

    def run(path: Path) -> tuple[str, dict, str]:
        gold = json.loads(path.read_text(encoding="utf-8"))
        article = args.articles / gold["article"]
        quads = in_process_quads(article) if args.in_process else cli_quads(score, article, args.geokg)
        result, report = score_one(score, gold, quads, args.verbose)
        return path.stem, result, report

    if args.in_process:
        done = [run(p) for p in golds]
    else:
        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            done = list(pool.map(run, golds))
    for stem, result, report in done:
        ent, fac = result["entities"], result["facts"]
        if args.verbose:
            print(f"{stem}:\n{report}", end="")
        print(f"{stem}: entities {ent[0]}/{ent[3]} found, {ent[2] - ent[1]} unexpected; "
              f"facts {fac[0]}/{fac[3]} found, {fac[2] - fac[1]} unexplained")
    s = summary([r for _, r, _ in done])
    print()
    print(table(s))
    if args.json:
        args.json.write_text(json.dumps({"summary": s, "articles": {stem: r for stem, r, _ in done}}, indent=1))
    if not args.no_fusion:
        from bench import fusion_quality

        print()
        return fusion_quality.main(["--articles", str(args.articles), "--geokg", args.geokg, "--jobs", str(args.jobs)]
                                   + (["-v"] if args.verbose else []))
    return 0


if __name__ == "__main__":
    sys.exit(main())
