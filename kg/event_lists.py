"""A canonical event's reports, as its entry in a list shows them (the lists themselves are read from the search index:
kg.search_index.SearchIndex.canonical_events).
"""

from __future__ import annotations

from kg import sparql_text, vocab
from kg.events_graph import EventStore

EVENTS = vocab.EVENTS_GRAPH

Row = dict[str, str | None]


def _run(store: EventStore, sparql: str) -> list[Row]:
    result = store.query(vocab.SPARQL_PREFIXES + sparql)
    names = [v.value for v in result.variables]
    return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]


# What `reports_of` reads of each report and article: predicate -> column.
READ = {vocab.RDFS + "label": "label", vocab.GKG + "modality": "modality", vocab.GKG + "sentence": "sentence",
        vocab.SCHEMA + "headline": "title", vocab.SCHEMA + "datePublished": "published",
        vocab.SCHEMA + "publisher": "publisher"}
ANCHOR = vocab.NIF + "anchorOf"


def _statements(store: EventStore, subjects: set[str], predicates: list[str]) -> dict[str, dict[str, str]]:
    """Each subject's value (the least) of each predicate, by column name or predicate, in any graph: look-ups by
    subject, the predicates a filter (joined as OPTIONALs in one pattern, each was read for the whole store: seconds a
    report at 10,000 articles)."""
    if not subjects:
        return {}
    values = " ".join(sparql_text.iri(x) for x in sorted(subjects))
    among = ", ".join(sparql_text.iri(p) for p in predicates)
    found: dict[str, dict[str, str]] = {}
    for r in _run(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} "
                         f"FILTER(?p IN ({among})) }}"):
        mine = found.setdefault(r["s"] or "", {})
        name, o = READ.get(r["p"] or "", r["p"] or ""), r["o"] or ""
        mine[name] = min(o, mine.get(name, o))
    return found


def reports_of(store: EventStore, event: str) -> list[Row]:
    """An event's reports: each report's label, modality and sentence, with its article's IRI, title, date and
    publisher, newest article first."""
    reports = {r["report"] or "": r["article"] or "" for r in _run(store, f"""
        SELECT ?report ?article WHERE {{ GRAPH <{EVENTS}> {{ ?report gkg:reportOf {sparql_text.iri(event)} }}
                                        GRAPH ?article {{ ?report rdfs:label ?label . ?article a gkg:Article }} }}""")}
    told = _statements(store, set(reports) | set(reports.values()), list(READ))
    linked = {told.get(x, {}).get(c) for r, a in reports.items() for x, c in ((r, "sentence"), (a, "publisher"))}
    more = _statements(store, {x for x in linked if x}, [ANCHOR, vocab.RDFS + "label"])
    rows: list[Row] = []
    for report, article in reports.items():
        mine, its = told.get(report, {}), told.get(article, {})
        if "label" not in mine or "title" not in its:
            continue
        rows.append({"report": report, "label": mine["label"], "modality": mine.get("modality"),
                     "sentence": more.get(mine.get("sentence", ""), {}).get(ANCHOR), "article": article,
                     "title": its["title"], "published": its.get("published"),
                     "publisher": more.get(its.get("publisher", ""), {}).get("label")})
    rows.sort(key=lambda r: (r["published"] or "", r["article"] or "", r["report"] or ""), reverse=True)
    return rows
