"""What an entity page shows first: the offices held (a person's) or of it (a state's or an organization's) with
their terms, the bases it operates, the points of its map, and its facts grouped by property with the years the
reference knowledge gives them (or the year it holds them as of).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import ontology
from kg import vocab
from kg.store import Store
from server.rows import rows as _rows

POINT = re.compile(r"POINT\(([-\d.]+) ([-\d.]+)\)")
# Reference statements that the summary shows in its own way (an office with its term, not "leader of").
SHOWN_AS_OFFICES = {vocab.GKG + "leaderOf", vocab.GKG + "hasLeader"}


def offices(store: Store, s: str) -> list[dict[str, str | None]]:
    """The terms of office the entity holds, or that are of it: holder, office, of whom, start and end years
    (an empty end: not recorded); the latest first within each office."""
    rows = _rows(store, f"""SELECT DISTINCT ?holder ?holderLabel ?office ?officeLabel ?of ?ofLabel ?start ?end WHERE {{
        {{ {s} gkg:holds ?t }} UNION {{ ?t gkg:officeOf {s} }}
        ?t gkg:holder ?holder ; gkg:office ?office ; gkg:officeOf ?of .
        OPTIONAL {{ ?t gkg:startYear ?start }} OPTIONAL {{ ?t gkg:endYear ?end }}
        OPTIONAL {{ ?holder rdfs:label ?holderLabel }} OPTIONAL {{ ?office rdfs:label ?officeLabel }}
        OPTIONAL {{ ?of rdfs:label ?ofLabel }} }}""")
    order = {o: i for i, o in enumerate(("HeadOfState", "HeadOfGovernment", "ForeignMinister", "DefenceMinister",
                                         "MilitaryCommander", "OrganizationLeader", "Envoy"))}
    rows.sort(key=lambda r: (r["end"] or "9999", r["start"] or ""), reverse=True)
    rows.sort(key=lambda r: (order.get((r["office"] or "").removeprefix(vocab.GKG), 99), r["ofLabel"] or ""))
    return list({(r["holder"], r["office"], r["of"], r["start"]): r for r in rows}.values())


def fact_years(store: Store, s: str) -> dict[tuple[str, str, str], tuple[str, str | None]]:
    """(subject, property, object) -> (start year, end year or None) of the dated reference facts about the entity."""
    rows = _rows(store, f"""SELECT ?s ?p ?o ?start ?end WHERE {{ GRAPH <{vocab.REFERENCE_GRAPH}> {{
        {{ ?f rdf:subject {s} }} UNION {{ ?f rdf:object {s} }}
        ?f a gkg:DatedFact ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; gkg:startYear ?start
        OPTIONAL {{ ?f gkg:endYear ?end }} }} }}""")
    return {(r["s"] or "", r["p"] or "", r["o"] or ""): (r["start"] or "", r["end"]) for r in rows}


def reference_as_of(store: Store) -> str | None:
    """The year the reference knowledge holds its undated statements as of (gkg:asOf of its graph)."""
    g = f"<{vocab.REFERENCE_GRAPH}>"
    rows = _rows(store, f"SELECT ?y WHERE {{ GRAPH {g} {{ {g} gkg:asOf ?y }} }}")
    return rows[0]["y"] if rows else None


def bases(store: Store, s: str) -> list[dict[str, str | None]]:
    """The military bases the entity operates, with their host state and coordinates. (What it operates is made
    distinct first: every article that says so repeats it, 0.18 s of Russia's page at 10,000 articles.)"""
    rows = _rows(store, f"""SELECT ?b (SAMPLE(?bl) AS ?label) (SAMPLE(?hl) AS ?host) (SAMPLE(?h) AS ?hostIri)
                                   (SAMPLE(?w) AS ?wkt) WHERE {{
        {{ SELECT DISTINCT ?b WHERE {{ {s} gkg:operates ?b }} }} ?b gkg:hostState ?h .
        OPTIONAL {{ ?b rdfs:label ?bl }} OPTIONAL {{ ?h rdfs:label ?hl }} OPTIONAL {{ ?b geo:hasGeometry/geo:asWKT ?w }}
        }} GROUP BY ?b""")
    rows.sort(key=lambda r: (r["host"] or "", r["label"] or ""))
    return rows


@dataclass
class Point:
    lat: float
    lon: float
    label: str
    iri: str
    kind: str  # "self", "base" (operated by it) or "place" (lying in it)


def points(store: Store, s: str, iri: str, label: str, operated: list[dict[str, str | None]]) -> list[Point]:
    """The entity's own location, the bases it operates and what lies in it (up to 200), where their coordinates
    are known."""
    found = [Point(*_lat_lon(r["wkt"]), r["label"] or "", r["b"] or "", "base") for r in operated
             if _lat_lon(r["wkt"])]
    for r in _rows(store, f"""SELECT ?x ?wkt (SAMPLE(?l) AS ?label) WHERE {{
            {{ {s} geo:hasGeometry/geo:asWKT ?wkt BIND({s} AS ?x) }}
            UNION {{ ?x gkg:locatedIn {s} ; geo:hasGeometry/geo:asWKT ?wkt }}
            OPTIONAL {{ ?x rdfs:label ?l }} }} GROUP BY ?x ?wkt LIMIT 200"""):
        if coords := _lat_lon(r["wkt"]):
            own = r["x"] == iri
            found.append(Point(*coords, label if own else r["label"] or "", r["x"] or "", "self" if own else "place"))
    return list({p.iri: p for p in found}.values())


def _lat_lon(wkt: str | None) -> tuple[float, float] | None:
    m = POINT.match(wkt or "")
    return (float(m.group(2)), float(m.group(1))) if m else None


@dataclass
class FactGroup:
    """The statements of one property about the entity: each item the other end (`other`, its label `label`, or a
    literal `value`), its sources (`reference`, `articles`, `article`) and the reference knowledge's years."""

    label: str
    incoming: bool  # statements of others about the entity, under the property's own label ("operates this")
    items: list[dict[str, object]] = field(default_factory=list)


def group_facts(out: list[dict[str, object]], incoming: list[dict[str, object]], iri: str,
                years: dict[tuple[str, str, str], tuple[str, str | None]]) -> list[FactGroup]:
    """The entity's statements grouped by property (an incoming one under its inverse's label where the ontology
    has one: "contains", not "located in this"), each with the years the reference knowledge dates it by; less
    the reference's "leader of", which the offices show with their terms."""
    labels = ontology.class_labels()
    inverses = ontology.inverses()
    groups: dict[tuple[str, bool], FactGroup] = {}
    for rows, into in ((out, False), (incoming, True)):
        for f in rows:
            p = str(f["p"])
            if p in SHOWN_AS_OFFICES and not f["articles"]:
                continue
            named = inverses.get(p) if into else None
            label = (labels.get(named.removeprefix(vocab.GKG)) if named else None) or str(
                f["pl"] or re.split(r"[#/]", p)[-1])
            group = groups.setdefault((label, into and not named), FactGroup(label, into and not named))
            other = f.get("s") if into else f.get("o")
            group.items.append({"other": other, "label": f.get("sl") if into else f.get("ol"), "value": f.get("value"),
                                "reference": f["reference"] and p not in SHOWN_AS_OFFICES,
                                "articles": f["articles"], "article": f["article"],
                                "years": years.get((str(other), p, iri) if into else (iri, p, str(other)))})
    return sorted(groups.values(), key=lambda g: (g.incoming, g.label))


def ranked_neighbours(links: list[dict[str, str | None]], counterparts: list[dict[str, object]], iri: str,
                      limit: int) -> tuple[list[str], list[dict[str, object]]]:
    """The neighbours most strongly linked to the entity, and the edges to them: a fact weighs 1 and 1 more for each
    article stating it (`n`, up to 5), an event shared 1 each; at most `limit` neighbours."""
    weight: dict[str, float] = {}
    edges: list[dict[str, object]] = []
    for r in links:
        other = r["b"] if r["a"] == iri else r["a"]
        if not other or other == iri:
            continue
        weight[other] = weight.get(other, 0) + 1 + min(int(r["n"] or 0), 5)
        edges.append({"source": r["a"], "target": r["b"], "label": re.split(r"[#/]", r["p"] or "")[-1]})
    for c in counterparts:
        other = str(c["iri"])
        weight[other] = weight.get(other, 0) + int(c["events"])  # type: ignore[call-overload]
        cls = ontology.class_labels().get(str(c["class"]), str(c["class"]))
        edges.append({"source": iri, "target": other, "label": f"{c['events']} event{'s' if c['events'] != 1 else ''}"
                      f" ({cls})", "events": c["events"]})
    kept = sorted(weight, key=lambda k: (-weight[k], k))[:limit]
    chosen = set(kept) | {iri}
    return kept, [e for e in edges if e["source"] in chosen and e["target"] in chosen]
