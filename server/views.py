"""What the web pages show, read from the store with SPARQL (every user value escaped with kg.sparql_text)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox

import ontology
from kg import timeline, vocab
from kg.sparql_text import iri as sparql_iri
from kg.store import STATE_GRAPH, Store
from server import entity_summary
from server.rows import rows as _rows

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


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def most_mentioned(store: Store, top: int = 20) -> list[dict[str, str | None]]:
    """The entities mentioned in the most articles: one scan over every mention (seconds on a large store),
    labels read for the few shown."""
    most = _rows(store, f"""SELECT ?e (COUNT(*) AS ?n) WHERE {{ GRAPH ?a {{ ?a gkg:mentions ?e }} }}
                            GROUP BY ?e ORDER BY DESC(?n) LIMIT {int(top)}""")
    labels = _labels(store, {r["e"] or "" for r in most})
    ranked = [{**r, "label": labels.get(r["e"] or "") or _local(r["e"] or "")} for r in most]
    ranked.sort(key=lambda r: (-int(r["n"] or 0), r["label"]))
    return ranked


def vocabulary_terms(store: Store) -> dict[str, list[str]]:
    """The classes and properties the query editor completes: the ontology's, and those the reference knowledge and
    an article graph use (every article graph has the same shape; reading them all would scan the store)."""
    sample = _rows(store, "SELECT ?a WHERE { GRAPH ?a { ?a a gkg:Article } } LIMIT 1")
    graphs = " ".join(sparql_iri(g) for g in [vocab.REFERENCE_GRAPH, *(r["a"] or "" for r in sample)])
    onto = sparql_iri(vocab.ONTOLOGY_GRAPH)
    classes = _rows(store, f"""SELECT DISTINCT ?t WHERE {{ {{ GRAPH {onto} {{ ?t a owl:Class }} }}
        UNION {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?x a ?t }} }} FILTER(isIRI(?t)) }}""")
    properties = _rows(store, f"""SELECT DISTINCT ?t WHERE {{
        {{ VALUES ?k {{ owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }} GRAPH {onto} {{ ?t a ?k }} }}
        UNION {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?x ?t ?y }} }} FILTER(isIRI(?t)) }}""")
    return {"classes": sorted(r["t"] or "" for r in classes), "properties": sorted(r["t"] or "" for r in properties)}


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
    facts: list[entity_summary.FactGroup] = field(default_factory=list)
    offices: list[dict[str, str | None]] = field(default_factory=list)
    bases: list[dict[str, str | None]] = field(default_factory=list)
    as_of: str | None = None  # the year the reference knowledge holds its undated statements as of
    articles: list[dict[str, str | None]] = field(default_factory=list)
    article_count: int = 0
    points: list[entity_summary.Point] = field(default_factory=list)
    same_as: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        """The label of its most specific class ("Air base")."""
        cls = ontology.specific_class(str(t["t"]).removeprefix(vocab.GKG) for t in self.types if t["t"])
        return ontology.class_labels().get(cls or "", "")


def entity(store: Store, iri: str) -> Entity | None:
    s = sparql_iri(iri)
    labels = _rows(store, f"SELECT DISTINCT ?l WHERE {{ {s} rdfs:label ?l }}")
    if not labels and not _rows(store, f"SELECT ?p WHERE {{ {s} ?p ?o }} LIMIT 1"):
        return None
    e = Entity(iri, labels[0]["l"] if labels else _local(iri))
    aliases = {r["l"] for r in _rows(store, f"SELECT DISTINCT ?l WHERE {{ {s} skos:altLabel ?l }}")}
    e.aliases = sorted(a for a in aliases - {e.label} if a)
    e.types = _rows(store, f"SELECT DISTINCT ?t ?label WHERE {{ {s} a ?t . OPTIONAL {{ ?t rdfs:label ?label }} }}")
    out = _statements(store, f"{s} ?p ?o", "?p ?o",
                      "FILTER(?p NOT IN (rdf:type, owl:sameAs, geo:hasGeometry, gkg:holds))", "FILTER(isIRI(?o))")
    out += _statements(store, f"{s} ?p ?value", "?p ?value", "FILTER(?p NOT IN (rdfs:label, skos:altLabel))",
                       "FILTER(isLiteral(?value))")
    incoming = _statements(store, f"?s ?p {s}", "?s ?p", f"VALUES ?p {{ {' '.join(map(sparql_iri, INCOMING))} }}")
    years = entity_summary.fact_years(store, s)
    e.facts = entity_summary.group_facts(out, incoming, iri, years)
    e.offices = entity_summary.offices(store, s)
    e.bases = [{**b, "years": years.get((iri, vocab.GKG + "operates", b["b"] or ""))}
               for b in entity_summary.bases(store, s)]
    e.as_of = entity_summary.reference_as_of(store)
    e.articles, e.article_count = _latest_articles(store, s, limit=20)
    e.points = entity_summary.points(store, s, iri, e.label, e.bases)
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


def _headlines(store: Store, articles: set[str], chunk: int = 200) -> list[dict[str, str | None]]:
    """Title and date of each article, `chunk` articles per query: with a thousand, the store read every article's
    title instead (3.6 s at 100,000 articles); naming the articles' graphs did the same."""
    ordered = sorted(articles)
    rows = []
    for i in range(0, len(ordered), chunk):
        values = " ".join(sparql_iri(a) for a in ordered[i:i + chunk])
        rows += _rows(store, f"""SELECT * WHERE {{ VALUES ?a {{ {values} }} ?a a gkg:Article ;
                                   schema:headline ?title OPTIONAL {{ ?a schema:datePublished ?date }} }}""")
    return rows


def neighbourhood(store: Store, iri: str, counterparts: list[dict[str, object]], limit: int = 12
                  ) -> dict[str, list[dict[str, object]]]:
    """Nodes and edges around an entity, for the interactive graph: its `limit` most strongly linked neighbours
    (entity_summary.ranked_neighbours) through facts between entities and the events it shares with them
    (`counterparts`, from the search index)."""
    s = sparql_iri(iri)
    links = " ".join(f"gkg:{p}" for p in ENTITY_LINKS)
    rows = _rows(store, f"""
        SELECT ?a ?p ?b (SUM(IF(?g = {sparql_iri(vocab.REFERENCE_GRAPH)}, 0, 1)) AS ?n) WHERE {{
          {{ VALUES ?p {{ {links} }} GRAPH ?g {{ {s} ?p ?b }} BIND({s} AS ?a) }}
          UNION {{ VALUES ?p {{ {links} }} GRAPH ?g {{ ?a ?p {s} }} BIND({s} AS ?b) }}
          FILTER(isIRI(?a) && isIRI(?b))
        }} GROUP BY ?a ?p ?b""")
    kept, edges = entity_summary.ranked_neighbours(rows, counterparts, iri, limit)
    ids = [iri, *kept]
    info = {r["n"]: r for r in _rows(store, f"""
        SELECT ?n (SAMPLE(?l) AS ?label) (SAMPLE(?t) AS ?type) WHERE {{ VALUES ?n {{ {" ".join(map(sparql_iri, ids))} }}
          OPTIONAL {{ ?n rdfs:label ?l }} OPTIONAL {{ ?n a ?t FILTER(STRSTARTS(STR(?t), STR(gkg:))) }} }}
        GROUP BY ?n""")}
    nodes = [{"id": i, "label": (info.get(i) or {}).get("label") or _local(i),
              "type": _local((info.get(i) or {}).get("type") or "")} for i in ids]
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
    classes = " ".join(f"gkg:{c}" for c in ontology.event_classes())
    events = _rows(store, f"""
        SELECT ?ev ?label (GROUP_CONCAT(DISTINCT STR(?type); SEPARATOR=" ") AS ?types) ?date ?qualifier ?modality
               ?confidence (GROUP_CONCAT(DISTINCT ?src; SEPARATOR="; ") AS ?sources) (SAMPLE(?sent) AS ?sentence)
        WHERE {{ GRAPH {g} {{
          ?ev a ?type ; rdfs:label ?label ; gkg:confidence ?confidence . VALUES ?type {{ {classes} }}
          OPTIONAL {{ ?ev gkg:date ?date }} OPTIONAL {{ ?ev gkg:dateQualifier ?qualifier }}
          OPTIONAL {{ ?ev gkg:modality ?modality }} OPTIONAL {{ ?ev gkg:reportedBy/rdfs:label ?src }}
          OPTIONAL {{ ?ev gkg:sentence/nif:anchorOf ?sent }} }} }}
        GROUP BY ?ev ?label ?date ?qualifier ?modality ?confidence""")
    for ev in events:  # as the search index lists them: the most specific class, the modality's local name
        ev["iri"] = ev["ev"]
        ev["class"] = ontology.specific_class(t.removeprefix(vocab.GKG) for t in (ev.pop("types") or "").split())
        ev["modality"] = (ev["modality"] or "").removeprefix(vocab.GKG) or None
    labels = ontology.class_labels()
    events.sort(key=lambda ev: (labels.get(ev["class"] or "", ""), ev["label"] or ""))
    return ArticleView(iri, m["title"] or "", m["date"], m["publisher"], m["pub"], m["url"], m["text"] or "",
                       m["extractor"], mentions, facts, events)


def has_entity_data(store: Store, iri: str) -> bool:
    return bool(next(iter(store.quads(ox.NamedNode(iri))), None))
