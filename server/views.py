"""What the web pages show, read from the store with SPARQL (every user value escaped with kg.sparql_text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg import vocab
from kg.sparql_text import iri as sparql_iri
from kg.sparql_text import literal
from kg.store import Stats, Store

P = vocab.SPARQL_PREFIXES
CORE_CLASSES = ("State", "Person", "Organization", "MilitaryAsset", "MilitaryBase", "Place")
ROLES = ("supplier", "recipient", "asset", "actor", "target", "location", "speaker")
ENTITY_LINKS = ("leaderOf", "operates", "locatedIn", "alliedWith", "memberOf", "hostState", "origin",
                "affiliatedWith", "capital")


def _v(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


def _rows(store: Store, query: str) -> list[dict[str, str | None]]:
    result = store.query(P + query)
    names = [v.value for v in result.variables]
    return [{n: _v(sol[n]) for n in names} for sol in result]


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


@dataclass
class Home:
    counts: dict[str, int]
    events: dict[str, int]
    triples: int
    articles: list[dict[str, str | None]]
    top: list[dict[str, str | None]]


def home(store: Store, stats: Stats) -> Home:
    articles = _rows(store, """
        SELECT ?a ?title ?date ?publisher WHERE { GRAPH ?a { ?a a gkg:Article ; schema:headline ?title .
          OPTIONAL { ?a schema:datePublished ?date } }
          OPTIONAL { GRAPH ?a { ?a schema:publisher ?pub } ?pub rdfs:label ?publisher } }
        ORDER BY DESC(?date) ?title LIMIT 50""")
    top = _rows(store, """
        SELECT ?e (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?a) AS ?n) WHERE {
          ?a gkg:mentions ?e . ?e rdfs:label ?l } GROUP BY ?e ORDER BY DESC(?n) ?label LIMIT 20""")
    return Home(stats.entities, stats.events, stats.triples, articles, top)


def search(store: Store, text: str, cls: str | None = None, limit: int = 20) -> list[dict[str, str | None]]:
    """Entities whose label or alias contains `text` (case-insensitive); exact and prefix matches first."""
    needle = text.strip().lower()
    if not needle:
        return []
    if cls is not None and cls not in CORE_CLASSES:
        raise ValueError(f"unknown class {cls}")
    classes = [cls] if cls else list(CORE_CLASSES)
    values = " ".join(f"gkg:{c}" for c in classes)
    q = literal(needle)
    # The grouping is a subquery and the ordering uses only its plain results: Virtuoso refuses expressions
    # over aggregates in ORDER BY.
    return _rows(store, f"""
        SELECT ?e ?name ?class WHERE {{ {{
          SELECT ?e (SAMPLE(?label) AS ?name) (SAMPLE(?core) AS ?class) (MIN(?rank) AS ?r) (MIN(?length) AS ?len)
          WHERE {{
            {{ ?e rdfs:label ?l }} UNION {{ ?e skos:altLabel ?l }}
            BIND(LCASE(STR(?l)) AS ?low)
            FILTER(CONTAINS(?low, {q}))
            BIND(IF(?low = {q}, 0, IF(STRSTARTS(?low, {q}), 1, 2)) AS ?rank)
            ?e rdfs:label ?label ; a ?t .
            BIND(STRLEN(STR(?label)) AS ?length)
            VALUES ?core {{ {values} }}
            GRAPH <{vocab.ONTOLOGY_GRAPH}> {{ ?t rdfs:subClassOf* ?core }}
          }} GROUP BY ?e }}
        }} ORDER BY ?r ?len ?name LIMIT {int(limit)}""")


def browse(store: Store, cls: str, page: int, size: int = 50) -> tuple[list[dict[str, str | None]], int]:
    if cls not in CORE_CLASSES:
        raise ValueError(f"unknown class {cls}")
    where = f"""?e a ?t . GRAPH <{vocab.ONTOLOGY_GRAPH}> {{ ?t rdfs:subClassOf* gkg:{cls} }}"""
    total = int(_rows(store, f"SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{ {where} }}")[0]["n"] or 0)
    rows = _rows(store, f"""
        SELECT ?e (SAMPLE(?l) AS ?label) (SAMPLE(?tl) AS ?type) (COUNT(DISTINCT ?a) AS ?mentions) WHERE {{
          {where} ?e rdfs:label ?l . OPTIONAL {{ ?t rdfs:label ?tl }} OPTIONAL {{ ?a gkg:mentions ?e }}
        }} GROUP BY ?e ORDER BY ?label LIMIT {int(size)} OFFSET {int(max(page - 1, 0) * size)}""")
    return rows, total


@dataclass
class Entity:
    iri: str
    label: str
    aliases: list[str] = field(default_factory=list)
    types: list[dict[str, str | None]] = field(default_factory=list)
    out: list[dict[str, str | None]] = field(default_factory=list)
    incoming: list[dict[str, str | None]] = field(default_factory=list)
    events: list[dict[str, str | None]] = field(default_factory=list)
    articles: list[dict[str, str | None]] = field(default_factory=list)
    points: list[tuple[float, float, str]] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)


def entity(store: Store, iri: str) -> Entity | None:
    s = sparql_iri(iri)
    labels = _rows(store, f"SELECT DISTINCT ?l WHERE {{ {s} rdfs:label ?l }}")
    if not labels and not _rows(store, f"SELECT ?p WHERE {{ {s} ?p ?o }} LIMIT 1"):
        return None
    e = Entity(iri, labels[0]["l"] if labels else _local(iri))
    aliases = {r["l"] for r in _rows(store, f"SELECT DISTINCT ?l WHERE {{ {s} skos:altLabel ?l }}")}
    e.aliases = sorted(a for a in aliases - {e.label} if a)
    e.types = _rows(store, f"SELECT DISTINCT ?t ?label WHERE {{ {s} a ?t . OPTIONAL {{ ?t rdfs:label ?label }} }}")
    e.out = _rows(store, f"""
        SELECT DISTINCT ?p ?pl ?o ?ol ?g WHERE {{ GRAPH ?g {{ {s} ?p ?o }} FILTER(isIRI(?o))
          FILTER(?p NOT IN (rdf:type, owl:sameAs, geo:hasGeometry, gkg:holds))
          OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?o rdfs:label ?ol }} }} ORDER BY ?p ?ol LIMIT 300""")
    e.out += _rows(store, f"""
        SELECT DISTINCT ?p ?pl ?value ?g WHERE {{ GRAPH ?g {{ {s} ?p ?value }} FILTER(isLiteral(?value))
          FILTER(?p NOT IN (rdfs:label, skos:altLabel)) OPTIONAL {{ ?p rdfs:label ?pl }} }} ORDER BY ?p LIMIT 100""")
    skipped = ", ".join(["gkg:mentions", "itsrdf:taIdentRef", "rdf:subject", "rdf:object", "gkg:holder",
                         "gkg:officeOf", *(f"gkg:{r}" for r in ROLES)])  # events are listed on their own
    e.incoming = _rows(store, f"""
        SELECT DISTINCT ?s ?sl ?p ?pl ?g WHERE {{ GRAPH ?g {{ ?s ?p {s} }} FILTER(?p NOT IN ({skipped}))
          OPTIONAL {{ ?p rdfs:label ?pl }} OPTIONAL {{ ?s rdfs:label ?sl }} }} ORDER BY ?p ?sl LIMIT 300""")
    e.events = _latest_events(store, s)
    e.articles = _rows(store, f"""
        SELECT ?a ?title ?date WHERE {{ GRAPH ?a {{ ?a gkg:mentions {s} ; schema:headline ?title .
          OPTIONAL {{ ?a schema:datePublished ?date }} }} }} ORDER BY DESC(?date) LIMIT 200""")
    for r in _rows(store, f"""SELECT ?wkt ?l WHERE {{
            {{ {s} geo:hasGeometry/geo:asWKT ?wkt BIND({literal(e.label)} AS ?l) }}
            UNION {{ ?x gkg:locatedIn {s} ; geo:hasGeometry/geo:asWKT ?wkt ; rdfs:label ?l }} }} LIMIT 200"""):
        m = re.match(r"POINT\(([-\d.]+) ([-\d.]+)\)", r["wkt"] or "")
        if m:
            e.points.append((float(m.group(2)), float(m.group(1)), r["l"] or ""))
    e.same_as = [r["x"] for r in _rows(store, f"SELECT ?x WHERE {{ {s} owl:sameAs ?x }}")]
    return e


def _latest_events(store: Store, s: str, limit: int = 200) -> list[dict[str, str | None]]:
    """The entity's latest events with their labels, sentences and articles' titles.

    The events are found through the role predicates (only events have them; scanning every statement
    about a hub entity, mentions included, took seconds), then the details of just those are looked up
    by IRI (event IRIs are unique to their article). Joined in one query, or with the article's graph
    as a variable, the store matched the details of every event first: seconds at 10,000 articles."""
    roles = " ".join(f"gkg:{r}" for r in ROLES)
    latest = _rows(store, f"""
        SELECT ?ev ?role ?article ?date WHERE {{
          VALUES ?role {{ {roles} }}
          GRAPH ?article {{ ?ev ?role {s} . OPTIONAL {{ ?ev gkg:date ?date }} }}
        }} ORDER BY DESC(?date) LIMIT {int(limit)}""")
    if not latest:
        return []
    events = " ".join(sorted({sparql_iri(r["ev"] or "") for r in latest}))
    articles = " ".join(sorted({sparql_iri(r["article"] or "") for r in latest}))
    details: dict[str, list[dict[str, str | None]]] = {}
    for r in _rows(store, f"""
            SELECT ?ev ?label ?sentence WHERE {{ VALUES ?ev {{ {events} }} ?ev rdfs:label ?label .
              OPTIONAL {{ ?ev gkg:sentence ?s . ?s nif:anchorOf ?sentence }} }}"""):
        details.setdefault(r["ev"] or "", []).append(r)
    titles = {r["article"]: r["title"] for r in _rows(store, f"""
        SELECT ?article ?title WHERE {{ VALUES ?article {{ {articles} }} ?article schema:headline ?title }}""")}
    latest = [{**r, "title": titles.get(r["article"])} for r in latest]
    rows = [{**r, **d} for r in latest for d in details.get(r["ev"] or "", [])]
    rows.sort(key=lambda r: r["label"] or "")
    rows.sort(key=lambda r: r["date"] or "", reverse=True)
    return rows


def neighbourhood(store: Store, iri: str, limit: int = 80) -> dict[str, list[dict[str, str]]]:
    """Nodes and edges around an entity, for the interactive graph: facts between entities, and events."""
    s = sparql_iri(iri)
    links = " ".join(f"gkg:{p}" for p in ENTITY_LINKS)
    roles = " ".join(f"gkg:{r}" for r in ROLES)
    rows = _rows(store, f"""
        SELECT DISTINCT ?a ?p ?b WHERE {{
          {{ VALUES ?p {{ {links} }} {s} ?p ?b . BIND({s} AS ?a) }}
          UNION {{ VALUES ?p {{ {links} }} ?a ?p {s} . BIND({s} AS ?b) }}
          UNION {{ VALUES ?p {{ {roles} }} ?a ?p {s} . BIND({s} AS ?b) }}
          UNION {{ VALUES ?r {{ {roles} }} VALUES ?p {{ {roles} }} ?a ?r {s} . ?a ?p ?b . FILTER(?b != {s}) }}
          FILTER(isIRI(?a) && isIRI(?b))
        }} LIMIT {int(limit)}""")
    ids = {iri} | {r["a"] for r in rows} | {r["b"] for r in rows}
    values = " ".join(sparql_iri(i) for i in ids if i)
    info = {r["n"]: r for r in _rows(store, f"""
        SELECT ?n (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) WHERE {{ VALUES ?n {{ {values} }}
          OPTIONAL {{ ?n rdfs:label ?l }} OPTIONAL {{ ?n a ?t FILTER(STRSTARTS(STR(?t), STR(gkg:))) }} }}
        GROUP BY ?n""")}
    nodes = [{"id": i, "label": (info.get(i) or {}).get("label") or _local(i),
              "type": _local((info.get(i) or {}).get("type") or "")} for i in sorted(ids) if i]
    edges = [{"source": r["a"], "target": r["b"], "label": _local(r["p"] or "")} for r in rows]
    return {"nodes": nodes, "edges": edges}


@dataclass
class ArticleView:
    iri: str
    title: str
    date: str | None
    publisher: str | None
    publisher_iri: str | None
    url: str | None
    text: str
    extractor: str | None
    mentions: list[tuple[int, int, str, str, str]]  # begin, end, entity IRI, label, class
    facts: list[dict[str, str | None]]
    events: list[dict[str, str | None]]


def article(store: Store, iri: str) -> ArticleView | None:
    g = sparql_iri(iri)
    meta = _rows(store, f"""
        SELECT ?title ?date ?publisher ?pub ?url ?text ?extractor WHERE {{ GRAPH {g} {{
          {g} a gkg:Article ; schema:headline ?title ; gkg:textContext/nif:isString ?text .
          OPTIONAL {{ {g} schema:datePublished ?date }} OPTIONAL {{ {g} schema:url ?url }}
          OPTIONAL {{ {g} gkg:extractor ?extractor }} }}
          OPTIONAL {{ GRAPH {g} {{ {g} schema:publisher ?pub }} OPTIONAL {{ ?pub rdfs:label ?publisher }} }}
        }} LIMIT 1""")
    if not meta:
        return None
    m = meta[0]
    mentions = []
    for r in _rows(store, f"""
            SELECT ?b ?e ?ent (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) WHERE {{ GRAPH {g} {{
              ?span itsrdf:taIdentRef ?ent ; nif:beginIndex ?b ; nif:endIndex ?e }}
              OPTIONAL {{ ?ent rdfs:label ?l }} OPTIONAL {{ ?ent a ?t }} }} GROUP BY ?b ?e ?ent ORDER BY ?b"""):
        mentions.append((int(r["b"]), int(r["e"]), r["ent"], r["label"] or "", _local(r["type"] or "")))
    facts = _rows(store, f"""
        SELECT ?s ?sl ?p ?o ?ol ?sentence ?confidence WHERE {{ GRAPH {g} {{
          ?f a gkg:Assertion ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; gkg:confidence ?confidence .
          OPTIONAL {{ ?f gkg:sentence/nif:anchorOf ?sentence }} }}
          OPTIONAL {{ ?s rdfs:label ?sl }} OPTIONAL {{ ?o rdfs:label ?ol }} }} ORDER BY ?p ?sl""")
    events = _rows(store, f"""
        SELECT ?ev ?label ?type ?date ?confidence (GROUP_CONCAT(DISTINCT ?src; SEPARATOR="; ") AS ?sources)
               (SAMPLE(?sent) AS ?sentence) WHERE {{ GRAPH {g} {{
          ?ev a ?type ; rdfs:label ?label ; gkg:confidence ?confidence .
          VALUES ?type {{ gkg:ArmsTransfer gkg:Deployment gkg:MilitaryOperation gkg:Statement }}
          OPTIONAL {{ ?ev gkg:date ?date }} OPTIONAL {{ ?ev gkg:reportedBy/rdfs:label ?src }}
          OPTIONAL {{ ?ev gkg:sentence/nif:anchorOf ?sent }} }} }}
        GROUP BY ?ev ?label ?type ?date ?confidence ORDER BY ?type ?label""")
    return ArticleView(iri, m["title"] or "", m["date"], m["publisher"], m["pub"], m["url"], m["text"] or "",
                       m["extractor"], mentions, facts, events)


def has_entity_data(store: Store, iri: str) -> bool:
    return bool(next(iter(store.quads(ox.NamedNode(iri))), None))
