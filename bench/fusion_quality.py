"""Event fusion quality on real news: B-cubed precision and recall of the canonical events against gold clusters.

    .venv/bin/python -m bench.fusion_quality              # ingest ../shared/corpus/news-2016 with geokg, then score
    .venv/bin/python -m bench.fusion_quality --store DIR  # score a store that holds those articles
    .venv/bin/python -m bench.fusion_quality -v           # and list each gold event's reports and canonical events

`make eval` runs it after the extraction scores (bench/quality.py). The gold (bench/fusion_gold.json) names, for
each real-world event, the articles that report it and how to recognise its reports there: the event's contract
class, names of its participants or places (matched against the labels of the report's role entities), and a
cue (a word or two looked for in the report's sentence); reports dated outside the event's days are not its own.
A report fits a member when it is of the event's class, names one of each group of its names and holds its cue.
The extraction keeps changing, so members are mapped to whatever reports it now makes: a report that fits
members of two events is counted as ambiguous and left out, a member with no report is listed as unmatched.

B-cubed is computed over the mapped reports: a report's precision is the share of the reports in its canonical
event that belong to its gold event, its recall the share of its gold event's reports that are in its canonical
event (both among mapped reports only); the figures are the averages over reports.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
GOLD = Path(__file__).resolve().parent / "fusion_gold.json"
FACTUAL = (None, "Denied", "Negated")
SLACK = dt.timedelta(days=3)  # a report's own date may differ this much from the gold event's days


@dataclass
class Seen:
    """A report as the scorer sees it."""

    iri: str
    article: str
    kind: str
    cls: str
    modality: str | None
    span: tuple[dt.date, dt.date] | None  # the days its own date covers, if it has one
    names: set[str]  # folded labels of its role entities
    text: str  # its sentences
    event: str  # the canonical event it is a report of (system cluster)


@dataclass
class Mapping:
    items: dict[str, str] = field(default_factory=dict)  # report IRI -> gold event
    unmatched: list[tuple[str, str]] = field(default_factory=list)  # (gold event, article file)
    ambiguous: int = 0


def _days(value: str) -> tuple[dt.date, dt.date] | None:
    """The days a date, month or year (ISO) covers, or a span of them ("2016-05-22..2016-06-26")."""
    if ".." in value:
        first, last = (_days(v) for v in value.split("..", 1))
        return (first[0], last[1]) if first and last else None
    try:
        if len(value) == 4:
            return dt.date(int(value), 1, 1), dt.date(int(value), 12, 31)
        if len(value) == 7:
            first = dt.date(int(value[:4]), int(value[5:]), 1)
            return first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        day = dt.date.fromisoformat(value[:10])
        return day, day
    except ValueError:
        return None


def _fold(text: str) -> str:
    from kg.vocab import fold

    return fold(text).strip()


def _groups(names: object) -> list[set[str]]:
    """Names as groups of alternatives: ["A", ["B", "C"]] is A, and B or C."""
    if not names:
        return []
    return [{_fold(n)} if isinstance(n, str) else {_fold(x) for x in n} for n in names]  # type: ignore[union-attr]


def _fits(event: dict, member: dict, r: Seen) -> int:
    """How well a report fits a gold member (0: not at all). It must be of the event's contract class (and of one of
    its classes, if the event lists them), of its modality, dated (if at all) within its days, name one of each group
    of its names among its role entities, and hold its cue in its sentence; the score counts the names it has."""
    if r.kind != event["kind"] or r.modality not in ((event["modality"], "Denied", "Negated")
                                                       if event.get("modality") else FACTUAL):
        return 0
    if event.get("classes") and r.cls not in event["classes"]:
        return 0
    when = _days(event["when"])
    if r.span is not None and when is not None and (r.span[1] < when[0] - SLACK or r.span[0] > when[1] + SLACK):
        return 0
    groups = _groups(member.get("names", event.get("names")))
    if any(not group & r.names for group in groups):
        return 0
    cue = member.get("cue", event.get("cue"))
    if cue and not re.search(cue, r.text, re.I):
        return 0
    if member.get("not") and re.search(member["not"], r.text, re.I):
        return 0
    return 1 + sum(len(group & r.names) for group in groups)


def map_gold(gold: dict, reports: dict[str, list[Seen]], articles: dict[str, str]) -> Mapping:
    """Map each gold member to the reports of its article that fit it; `articles` gives each file's article IRI."""
    best: dict[str, list[tuple[int, str]]] = {}
    out = Mapping()
    for event in gold["events"]:
        for member in event["reports"]:
            iri = articles.get(member["article"])
            fits = [(s, r.iri) for r in reports.get(iri or "", []) if (s := _fits(event, member, r))]
            if not fits:
                out.unmatched.append((event["event"], member["article"]))
            for score, report in fits:
                best.setdefault(report, []).append((score, event["event"]))
    for report, claims in best.items():
        top = max(s for s, _ in claims)
        winners = {e for s, e in claims if s == top}
        if len(winners) == 1:
            out.items[report] = winners.pop()
        else:
            out.ambiguous += 1
    return out


def bcubed(gold: dict[str, str], system: dict[str, str]) -> tuple[float, float]:
    """B-cubed precision and recall of `system` (item -> cluster) against `gold` (item -> cluster), over gold's
    items."""
    items = [i for i in gold if i in system]
    if not items:
        return 0.0, 0.0
    by_gold: dict[str, set[str]] = {}
    by_system: dict[str, set[str]] = {}
    for i in items:
        by_gold.setdefault(gold[i], set()).add(i)
        by_system.setdefault(system[i], set()).add(i)
    precision = sum(len(by_system[system[i]] & by_gold[gold[i]]) / len(by_system[system[i]]) for i in items)
    recall = sum(len(by_system[system[i]] & by_gold[gold[i]]) / len(by_gold[gold[i]]) for i in items)
    return precision / len(items), recall / len(items)


def article_iris(directory: Path, files: Iterable[str]) -> dict[str, str]:
    from kg.article import read

    out = {}
    for name in files:
        found = [a for a in read(directory / name) if not isinstance(a, Exception)]
        if found:
            out[name] = found[0].iri
    return out


def store_reports(store_dir: Path, articles: Iterable[str]) -> dict[str, list[Seen]]:
    """The reports of these articles in the store, with their canonical events, by article."""
    from kg import fusion, reports, vocab
    from kg.sparql_text import iri as sparql_iri
    from kg.store import Store

    store = Store(store_dir, read_only=True)
    chosen = sorted(set(articles))
    found = reports.article_reports(store.query, chosen)
    iris = sorted({r.iri for r in found})
    entities = sorted({i for r in found for _, v in r.roles for i in v})
    labels: dict[str, set[str]] = {}
    text: dict[str, list[str]] = {}
    events: dict[str, str] = {}
    for i in range(0, len(entities), 400):
        values = " ".join(sparql_iri(e) for e in entities[i:i + 400])
        for row in store.query(f"SELECT ?e ?l WHERE {{ VALUES ?e {{ {values} }} ?e <{vocab.RDFS}label> ?l }}"):
            labels.setdefault(row["e"].value, set()).add(_fold(row["l"].value))
    for i in range(0, len(iris), 400):
        values = " ".join(sparql_iri(r) for r in iris[i:i + 400])
        for row in store.query(f"""SELECT ?r ?s WHERE {{ VALUES ?r {{ {values} }}
                                   ?r <{vocab.GKG}sentence>/<{vocab.NIF}anchorOf> ?s }}"""):
            text.setdefault(row["r"].value, []).append(row["s"].value)
        for row in store.query(f"""SELECT ?r ?e WHERE {{ VALUES ?r {{ {values} }}
                                   GRAPH <{vocab.EVENTS_GRAPH}> {{ ?r <{vocab.GKG}reportOf> ?e }} }}"""):
            events[row["r"].value] = row["e"].value
    out: dict[str, list[Seen]] = {}
    for r in found:
        own = fusion._dated(r) if r.qualifier != "by" else None
        out.setdefault(r.article, []).append(Seen(
            r.iri, r.article, r.kind, r.cls, r.modality, own,
            {n for _, v in r.roles for e in v for n in labels.get(e, {_fold(e.rsplit("/", 1)[-1])})},
            " ".join(text.get(r.iri, [])), events.get(r.iri, r.iri)))
    store.close()
    return out


def ingest(articles: Path, store_dir: Path, geokg: str, jobs: int) -> None:
    run = subprocess.run([geokg, "ingest", "--store", str(store_dir), "--jobs", str(jobs), str(articles)],
                         capture_output=True, text=True)
    if run.returncode not in (0, 1):  # 1: some articles failed, which the figures then show
        raise SystemExit(f"geokg ingest failed: {run.stderr.strip()}")


def score(gold: dict, reports: dict[str, list[Seen]], articles: dict[str, str]) -> tuple[dict, Mapping]:
    mapping = map_gold(gold, reports, articles)
    system = {r.iri: r.event for rs in reports.values() for r in rs}
    p, r = bcubed(mapping.items, system)
    events = gold["events"]
    multi = [e for e in events if len({m["article"] for m in e["reports"]}) > 1]
    members = sum(len(e["reports"]) for e in events)
    return {"P": p, "R": r, "F1": 2 * p * r / (p + r) if p + r else 0.0, "events": len(events),
            "multi": len(multi), "single": len(events) - len(multi), "members": members,
            "matched": members - len(mapping.unmatched), "reports": len(mapping.items),
            "ambiguous": mapping.ambiguous}, mapping


def report_lines(s: dict, mapping: Mapping, verbose: bool, gold: dict, reports: dict[str, list[Seen]]) -> list[str]:
    lines = [f"fusion B-cubed P={s['P']:.2f} R={s['R']:.2f} F1={s['F1']:.2f}  on {s['reports']} reports of "
             f"{s['events']} gold events ({s['multi']} told by several articles, {s['single']} by one); "
             f"{s['matched']} of {s['members']} gold members found a report, {s['ambiguous']} reports fit two events"]
    if mapping.unmatched:
        lines.append("unmatched gold members: " + "; ".join(f"{e} in {a}" for e, a in mapping.unmatched))
    if verbose:
        by_iri = {r.iri: r for rs in reports.values() for r in rs}
        for event in gold["events"]:
            mine = [i for i, e in mapping.items.items() if e == event["event"]]
            clusters = Counter(by_iri[i].event for i in mine)
            lines.append(f"{event['event']}: {len(mine)} reports in {len(clusters)} canonical events "
                         f"{sorted(clusters.values(), reverse=True)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--articles", type=Path, default=SHARED / "corpus" / "news-2016")
    ap.add_argument("--store", type=Path, help="a store holding the articles (default: ingest them into a new one)")
    ap.add_argument("--geokg", default=str(Path(sys.executable).with_name("geokg")))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument("-v", "--verbose", action="store_true", help="each gold event's reports and canonical events")
    args = ap.parse_args(argv)
    gold = json.loads(args.gold.read_text(encoding="utf-8"))
    if not args.articles.is_dir():
        print(f"geokg eval: no articles at {args.articles}", file=sys.stderr)
        return 2
    articles = article_iris(args.articles, {m["article"] for e in gold["events"] for m in e["reports"]})
    with tempfile.TemporaryDirectory() as tmp:
        store_dir = args.store
        if store_dir is None:
            store_dir = Path(tmp) / "store"
            ingest(args.articles, store_dir, args.geokg, args.jobs)
        reports = store_reports(store_dir, articles.values())
    s, mapping = score(gold, reports, articles)
    print("\n".join(report_lines(s, mapping, args.verbose, gold, reports)))
    if args.json:
        args.json.write_text(json.dumps(s, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
