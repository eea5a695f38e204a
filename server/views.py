"""What the web pages show, read from the store with SPARQL (every user value escaped with kg.sparql_text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

import ontology
from kg import timeline, vocab
from kg.sparql_text import iri as sparql_iri
from kg.sparql_text import literal
from kg.store import STATE_GRAPH, Store

P = vocab.SPARQL_PREFIXES
CORE_CLASSES = ("State", "Person", "Organization", "MilitaryAsset", "MilitaryBase", "Place")
# What the entity page lists as statements about it from others: the ontology's object properties (each
# read with an index look-up; scanning every statement that points at a hub entity took most of its page),
# less those of mentions, events, reification and terms of office, which the page shows in their own way.
INCOMING = tuple(p for p in ontology.object_properties() if p not in {
    vocab.GKG + p for p in ("mentions", "mentionedIn", "holder", "officeOf", "timelineMention", "timelineEvent",
                            "sentence", "textContext", "reportedBy", *vocab.EVENT_ROLES)}
                 and not p.startswith(vocab.RDF))
ENTITY_LINKS = ("leaderOf", "operates", "locatedIn", "alliedWith", "memberOf", "hostState", "origin",
                "affiliatedWith", "capital")


def _v(term: object) -> str | None:
    return None if term is None else term.value  # type: ignore[attr-defined]


def _rows(store: Store, query: str) -> list[dict[str, str | None]]:
    return table(store.query(P + query))


def table(result: ox.QuerySolutions) -> list[dict[str, str | None]]:
    """A SELECT's rows, as {variable: value or None}."""
    names = [v.value for v in result.variables]
    return [{n: _v(sol[n]) for n in names} for sol in result]


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def latest_articles(store: Store, latest: int = 50) -> list[dict[str, str | None]]:
    """The latest articles with title, date and publisher: one index scan over every article's date, then
    the titles of the few shown (joining them to every article first took seconds at 10,000 articles)."""
    dated = _rows(store, f"""SELECT ?a ?date WHERE {{ GRAPH ?a {{ ?a schema:datePublished ?date }} }}
                             ORDER BY DESC(?date) LIMIT {int(latest)}""")
    if len(dated) < latest:
        dated += _rows(store, f"""SELECT ?a WHERE {{ GRAPH ?a {{ ?a a gkg:Article
            FILTER NOT EXISTS {{ ?a schema:datePublished ?date }} }} }} LIMIT {int(latest - len(dated))}""")
    # one row per article (one publisher label)
    articles = list({r["a"]: r for r in _headlines(store, {r["a"] or "" for r in dated}, publisher=True)}.values())
    return _newest_first(articles)


def most_mentioned(store: Store, top: int = 20) -> list[dict[str, str | None]]:
    """The entities mentioned in the most articles: one scan over every mention (seconds on a large store),
    labels read for the few shown."""
    most = _rows(store, f"""SELECT ?e (COUNT(*) AS ?n) WHERE {{ GRAPH ?a {{ ?a gkg:mentions ?e }} }}
                            GROUP BY ?e ORDER BY DESC(?n) LIMIT {int(top)}""")
    labels = _labels(store, {r["e"] or "" for r in most})
    ranked = [{**r, "label": labels.get(r["e"] or "") or _local(r["e"] or "")} for r in most]
    ranked.sort(key=lambda r: (-int(r["n"] or 0), r["label"]))
    return ranked


def search_query(text: str, cls: str | None = None, limit: int = 20) -> str | None:
    """The query for the entities whose label or alias contains `text` (case-insensitive), exact and prefix matches
    first: ?e ?name ?class. None for a blank `text`. It reads every label: run it where time is limited."""
    needle = text.strip().lower()
    if not needle:
        return None
    if cls is not None and cls not in CORE_CLASSES:
        raise ValueError(f"unknown class {cls}")
    classes = [cls] if cls else list(CORE_CLASSES)
    values = " ".join(f"gkg:{c}" for c in classes)
    q = literal(needle)
    # The grouping is a subquery and the ordering uses only its plain results: Virtuoso refuses expressions
    # over aggregates in ORDER BY.
    return P + f"""
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
        }} ORDER BY ?r ?len ?name LIMIT {int(limit)}"""


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
    out: list[dict[str, object]] = field(default_factory=list)
    incoming: list[dict[str, object]] = field(default_factory=list)
    events: list[dict[str, str | None]] = field(default_factory=list)
    articles: list[dict[str, str | None]] = field(default_factory=list)
    article_count: int = 0
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
    e.out = _statements(store, f"{s} ?p ?o", "?p ?o",
                        "FILTER(?p NOT IN (rdf:type, owl:sameAs, geo:hasGeometry, gkg:holds))", "FILTER(isIRI(?o))")
    e.out += _statements(store, f"{s} ?p ?value", "?p ?value", "FILTER(?p NOT IN (rdfs:label, skos:altLabel))",
                         "FILTER(isLiteral(?value))")
    e.incoming = _statements(store, f"?s ?p {s}", "?s ?p", f"VALUES ?p {{ {' '.join(map(sparql_iri, INCOMING))} }}")
    e.events = _latest_events(store, s)
    e.articles, e.article_count = _latest_articles(store, s)
    for r in _rows(store, f"""SELECT ?wkt ?l WHERE {{
            {{ {s} geo:hasGeometry/geo:asWKT ?wkt BIND({literal(e.label)} AS ?l) }}
            UNION {{ ?x gkg:locatedIn {s} ; geo:hasGeometry/geo:asWKT ?wkt ; rdfs:label ?l }} }} LIMIT 200"""):
        m = re.match(r"POINT\(([-\d.]+) ([-\d.]+)\)", r["wkt"] or "")
        if m:
            e.points.append((float(m.group(2)), float(m.group(1)), r["l"] or ""))
    e.same_as = [r["x"] for r in _rows(store, f"SELECT ?x WHERE {{ {s} owl:sameAs ?x }}")]
    return e


def _statements(store: Store, pattern: str, key: str, filters: str, grouped_filters: str = "",
                limit: int = 300) -> list[dict[str, object]]:
    """The distinct statements matching `pattern` and `filters`, with the terms in `key` (?p and the other end),
    kept if they pass `grouped_filters` (applied to the distinct statements: a test of a term's kind such as
    isIRI reads its value, 80 ms for Russia's 60,000 article statements at 100,000 articles): each with
    whether the reference knowledge (or the ontology) states it, in how many articles, and one of them;
    labelled, sorted. Every graph but GeoKG's own (reference, ontology, state) is an article's.

    Grouped in the store, so that a hub entity's thousands of article statements cost one index scan
    and no look-ups; labels are read for the few distinct terms only. (Telling article graphs by their
    IRI instead, with STRSTARTS(STR(?g), ...), read every graph's IRI: 129 ms instead of 32 for Russia's
    statements at 100,000 articles.)"""
    own = [sparql_iri(g) for g in (vocab.REFERENCE_GRAPH, vocab.ONTOLOGY_GRAPH)]
    rows = _rows(store, f"""SELECT * WHERE {{ {{
        SELECT {key} (COUNT(?g) AS ?n) (SAMPLE(?g) AS ?source) WHERE {{
          GRAPH ?g {{ {pattern} }} {filters} FILTER(?g NOT IN ({", ".join([*own, sparql_iri(STATE_GRAPH.value)])}))
        }} GROUP BY {key} }} {grouped_filters} }}""")
    rows += [{**r, "n": None} for r in _rows(store, f"""SELECT DISTINCT {key} WHERE {{
        {" UNION ".join(f"{{ GRAPH {g} {{ {pattern} }} }}" for g in own)} {filters} {grouped_filters} }}""")]
    names = key.replace("?", "").split()
    merged: dict[tuple[str | None, ...], dict[str, object]] = {}
    for r in rows:
        m = merged.setdefault(tuple(r[n] for n in names), {**{n: r[n] for n in names}, "articles": 0,
                                                             "article": None, "reference": False})
        if r["n"] is not None:
            m["articles"], m["article"] = int(r["n"]), r["source"]
        else:
            m["reference"] = True
    iris = {v for m in merged.values() for n in names if isinstance(v := m[n], str) and n != "value"}
    labels = _labels(store, iris)
    out = [{**m, **{f"{n[0]}l": labels.get(str(m[n])) for n in names if n != "value"}} for m in merged.values()]
    out.sort(key=lambda m: tuple(str(m.get(f"{n[0]}l") or m[n] or "") for n in ("p", *names)))
    return out[:limit]


def _labels(store: Store, iris: set[str]) -> dict[str, str | None]:
    if not iris:
        return {}
    values = " ".join(sparql_iri(i) for i in sorted(iris))
    return {r["x"] or "": r["l"] for r in _rows(store, f"""
        SELECT ?x (SAMPLE(?label) AS ?l) WHERE {{ VALUES ?x {{ {values} }} ?x rdfs:label ?label }} GROUP BY ?x""")}


def _timeline(store: Store, s: str, predicate: str, limit: int) -> tuple[list[dict[str, str | None]], int]:
    """From the timeline index (kg.timeline): the (article ?a, period ?t) entries of the entity's newest
    periods, enough of them to hold its latest `limit` items; and how many entries it has in all.

    The entries are counted per period in one scan of the index, with no look-ups (about 2 µs an entry:
    25 ms for Russia's 10,000 at 10,000 articles), then read for the chosen periods only. Joining every
    article or event with its date instead cost a look-up each (10 µs and more) before sorting."""
    counts = _rows(store, f"SELECT ?t (COUNT(*) AS ?n) WHERE {{ GRAPH ?a {{ ?t gkg:{predicate} {s} }} }} GROUP BY ?t")
    counts.sort(key=lambda r: timeline.sort_key(r["t"] or ""), reverse=True)
    chosen, held = [], 0
    for r in counts:
        if held >= limit:
            break
        chosen.append(sparql_iri(r["t"] or ""))
        held += int(r["n"] or 0)
    total = sum(int(r["n"] or 0) for r in counts)
    if not chosen:
        return [], total
    return _rows(store, f"""SELECT ?a ?t WHERE {{ VALUES ?t {{ {" ".join(chosen)} }}
                              GRAPH ?a {{ ?t gkg:{predicate} {s} }} }}"""), total


def _latest_articles(store: Store, s: str, limit: int = 200) -> tuple[list[dict[str, str | None]], int]:
    """The latest articles that mention the entity (title, date), and how many mention it in all."""
    entries, total = _timeline(store, s, "timelineMention", limit)
    if not entries:
        return [], total
    rows = _headlines(store, {r["a"] or "" for r in entries})
    return _newest_first(rows)[:limit], total


def _newest_first(articles: list[dict[str, str | None]]) -> list[dict[str, str | None]]:
    """Articles by date, newest first (undated last), then by title."""
    articles.sort(key=lambda r: r["title"] or "")
    articles.sort(key=lambda r: r["date"] or "", reverse=True)
    return articles


def _headlines(store: Store, articles: set[str], chunk: int = 200,
               publisher: bool = False) -> list[dict[str, str | None]]:
    """Title and date (and the publisher's name, if asked) of each article, `chunk` articles per query: with
    a thousand, the store read every article's title instead (3.6 s at 100,000 articles); naming the articles'
    graphs did the same."""
    ordered = sorted(articles)
    named = "OPTIONAL { ?a schema:publisher ?pub . ?pub rdfs:label ?publisher }" if publisher else ""
    rows = []
    for i in range(0, len(ordered), chunk):
        values = " ".join(sparql_iri(a) for a in ordered[i:i + chunk])
        rows += _rows(store, f"""SELECT * WHERE {{ VALUES ?a {{ {values} }} ?a a gkg:Article ;
                                   schema:headline ?title OPTIONAL {{ ?a schema:datePublished ?date }} {named} }}""")
    return rows


def _latest_events(store: Store, s: str, limit: int = 200) -> list[dict[str, str | None]]:
    """The entity's latest events (by their date, else their article's; then by article and event) with labels,
    sentences and articles' titles: the articles come from the timeline index; the details are read for
    those events only.

    Each of the newest `limit` timeline entries, ordered the same way (period, article), stands for at least
    one event of its article at its period, and every event of another article comes after all of those: so
    these articles hold the latest `limit` events. (Reading the events of every article of the chosen
    periods instead read thousands where a period is a year: 0.38 s of Russia's page at 100,000 articles.)"""
    entries, _ = _timeline(store, s, "timelineEvent", limit)
    if not entries:
        return []
    entries.sort(key=lambda r: r["a"] or "")
    entries.sort(key=lambda r: timeline.sort_key(r["t"] or ""), reverse=True)
    entries = entries[:limit]
    # Joining the roles (VALUES ?role) or the events' details here made the store read every event of the
    # entity; a FILTER on the role is checked on each statement as it is read, without reading its value.
    articles = " ".join(sorted({sparql_iri(r["a"] or "") for r in entries}))
    roles = ", ".join(f"gkg:{r}" for r in vocab.EVENT_ROLES)
    latest = _rows(store, f"""SELECT ?ev ?role ?article WHERE {{ VALUES ?article {{ {articles} }}
                                GRAPH ?article {{ ?ev ?role {s} FILTER(?role IN ({roles})) }} }}""")
    dates = {r["ev"]: r["date"] for r in _rows(store, f"""SELECT ?ev ?date WHERE {{
        VALUES ?ev {{ {" ".join(sorted({sparql_iri(r["ev"] or "") for r in latest}))} }} ?ev gkg:date ?date }}""")}
    heads = {r["a"]: r for r in _headlines(store, {r["article"] or "" for r in latest})}
    latest = [{**r, "date": dates.get(r["ev"]), "published": heads[r["article"]]["date"],
               "title": heads[r["article"]]["title"]} for r in latest if r["article"] in heads]
    latest.sort(key=lambda r: (r["article"] or "", r["ev"] or ""))
    latest.sort(key=lambda r: r["date"] or r["published"] or "", reverse=True)
    latest = latest[:limit]
    events = " ".join(sorted({sparql_iri(r["ev"] or "") for r in latest}))
    details: dict[str, list[dict[str, str | None]]] = {}
    for r in _rows(store, f"""
            SELECT ?ev ?label ?sentence WHERE {{ VALUES ?ev {{ {events} }} ?ev rdfs:label ?label .
              OPTIONAL {{ ?ev gkg:sentence ?s . ?s nif:anchorOf ?sentence }} }}"""):
        details.setdefault(r["ev"] or "", []).append(r)
    rows = [{**r, **d} for r in latest for d in details.get(r["ev"] or "", [])]
    rows.sort(key=lambda r: r["label"] or "")
    rows.sort(key=lambda r: r["date"] or r["published"] or "", reverse=True)
    return rows


def neighbourhood(store: Store, iri: str, limit: int = 80) -> dict[str, list[dict[str, str]]]:
    """Nodes and edges around an entity, for the interactive graph: facts between entities, and events."""
    s = sparql_iri(iri)
    links = " ".join(f"gkg:{p}" for p in ENTITY_LINKS)
    roles = " ".join(f"gkg:{r}" for r in vocab.EVENT_ROLES)
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
