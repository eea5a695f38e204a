"""Lists of canonical events for pages and APIs: the latest, an entity's latest, and one event's reports.

Events are ordered by their newest period: the newest date one of their reports gives, or, for a report that gives
none, its article's day (kg.fusion.home); a day sorts after its month, a month after its year. The events graph's
index files every event under each of those periods (kg.canonical.key_iri with no entry), so the newest events are
read period by period, from the newest article's day backwards, a few days at a time and then twice as many,
without reading every event (periods after the newest article's day, of events planned for later, are not
listed). A list that can hold at most SMALL events (all the store's, or an entity's) is read
whole instead: as cheap, and it needs no periods.

An entity's events are those that name it, or a force, ministry or service of it (kg.fusion.standing_for), in one
of their roles (actor, target, supplier, recipient, speaker, asset, or as their place).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from kg import canonical, fusion, sparql_text, vocab
from kg.events_graph import EventStore

EVENTS = canonical.EVENTS.value
SMALL = 500  # events at most that are read whole instead of period by period
FIRST_DAYS = 4  # days of the first periods read; each next read reaches twice as far back
READS = 16  # reads at most (4 × 2^16 days: centuries)
PER_QUERY = 400
ROLES = " ".join(f"<{vocab.GKG}{r}>" for r in vocab.EVENT_ROLES)

Row = dict[str, str | None]


def _run(store: EventStore, sparql: str) -> list[Row]:
    result = store.query(vocab.SPARQL_PREFIXES + sparql)
    names = [v.value for v in result.variables]
    return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]


def _chunks(items: Iterable[str], size: int = PER_QUERY) -> list[str]:
    ordered = sorted(set(items))
    return [" ".join(sparql_text.iri(i) for i in ordered[n:n + size]) for n in range(0, len(ordered), size)]


def _last_day(store: EventStore) -> dt.date | None:
    """The newest article's day: lists go no further (an event planned for a later day is listed by its other
    periods)."""
    rows = _run(store, "SELECT ?d WHERE { GRAPH ?a { ?a schema:datePublished ?d } } ORDER BY DESC(?d) LIMIT 1")
    return dt.date.fromisoformat((rows[0]["d"] or "")[:10]) if rows else None


def _newest(store: EventStore, events: Iterable[str]) -> dict[str, str]:
    """Each event's newest period up to the newest article's day, read from its period keys."""
    last = _last_day(store)
    if last is None:
        return {}
    newest: dict[str, str] = {}
    for values in _chunks(events):
        for row in _run(store, f"SELECT ?e ?k WHERE {{ VALUES ?e {{ {values} }} "
                               f"GRAPH <{EVENTS}> {{ ?e gkg:indexKey ?k }} }}"):
            period = (row["k"] or "").removeprefix(canonical.KEY)
            if ("/" not in period and period != fusion.UNDATED and period <= last.isoformat()
                    and period > newest.get(row["e"] or "", "")):
                newest[row["e"] or ""] = period
    return newest


def _periods(first: dt.date, last: dt.date) -> list[str]:
    """The periods that sort within these days: the days, and the months and years that begin in them."""
    periods = []
    for n in range((last - first).days + 1):
        day = first + dt.timedelta(days=n)
        periods.append(day.isoformat())
        if day.day == 1:
            periods.append(day.isoformat()[:7])
            if day.month == 1:
                periods.append(str(day.year))
    return periods


def _read_back(store: EventStore, limit: int, keep: tuple[str, ...] = ()) -> dict[str, str]:
    """The newest `limit` events and their newest periods (or all those of the periods read, if more), period by
    period backwards from the newest article's day; with `keep`, only the events that name one of those entities."""
    last = _last_day(store)
    if last is None:
        return {}
    found: dict[str, str] = {}
    days = FIRST_DAYS
    for _ in range(READS):
        first = last - dt.timedelta(days=days - 1)
        read: dict[str, str] = {}
        for values in _chunks(canonical.KEY + p for p in _periods(first, last)):
            for row in _run(store, f"SELECT ?k ?e WHERE {{ VALUES ?k {{ {values} }} "
                                   f"GRAPH <{EVENTS}> {{ ?e gkg:indexKey ?k }} }}"):
                e, period = row["e"] or "", (row["k"] or "").removeprefix(canonical.KEY)
                if e not in found and period > read.get(e, ""):
                    read[e] = period
        if keep:
            named = _naming(store, read, keep)
            read = {e: p for e, p in read.items() if e in named}
        found.update(read)
        if len(found) >= limit or first.year < 1800:
            break
        last, days = first - dt.timedelta(days=1), days * 2
    return found


def _naming(store: EventStore, events: Iterable[str], entities: tuple[str, ...]) -> set[str]:
    """Those of the events that name one of the entities in a role (each event's statements looked up by subject and
    filtered: joined with VALUES of the entities and roles, Oxigraph scanned the roles)."""
    who = ", ".join(sparql_text.iri(i) for i in entities)
    roles = ", ".join(ROLES.split())
    return {r["e"] or "" for values in _chunks(events) for r in _run(store, f"""SELECT DISTINCT ?e WHERE {{
        VALUES ?e {{ {values} }} GRAPH <{EVENTS}> {{ ?e ?role ?x }} FILTER(?role IN ({roles}) && ?x IN ({who})) }}""")}


def _top(newest: dict[str, str], limit: int) -> list[str]:
    return sorted(newest, key=lambda e: (newest[e], e), reverse=True)[:limit]


def latest(store: EventStore, limit: int = 50) -> list[Row]:
    """The latest canonical events, newest first, as `describe` gives them."""
    few = _run(store, f"SELECT ?e WHERE {{ GRAPH <{EVENTS}> {{ ?e a gkg:CanonicalEvent }} }} LIMIT {SMALL + 1}")
    newest = _newest(store, (r["e"] or "" for r in few)) if len(few) <= SMALL else _read_back(store, limit)
    return describe(store, _top(newest, limit), newest)


def of_entity(store: EventStore, iri: str, limit: int = 50) -> list[Row]:
    """The latest canonical events that name an entity (or a force, ministry or service of it), newest first."""
    entities = (iri, *fusion.standing_for(iri))
    who = " ".join(sparql_text.iri(i) for i in entities)
    few = _run(store, f"""SELECT DISTINCT ?e WHERE {{ VALUES ?x {{ {who} }} VALUES ?role {{ {ROLES} }}
                          GRAPH <{EVENTS}> {{ ?e ?role ?x }} }} LIMIT {SMALL + 1}""")
    newest = (_newest(store, (r["e"] or "" for r in few)) if len(few) <= SMALL
              else _read_back(store, limit, entities))
    return describe(store, _top(newest, limit), newest)


# What `describe` reads of each event: (predicate, column); classes gathered, contradicting reports counted.
DESCRIBED = {"rdfs:label": "label", "gkg:eventClass": "classes", "gkg:date": "date", "gkg:location": "place",
             "gkg:articleCount": "articles", "gkg:publisherCount": "publishers", "gkg:firstReported": "first",
             "gkg:lastReported": "last", "gkg:confidence": "confidence", "gkg:modality": "modality",
             "gkg:contradictedBy": "contested"}
_FULL = {vocab.RDFS + "label": "label", **{vocab.GKG + k[4:]: v for k, v in DESCRIBED.items() if k.startswith("gkg:")}}


def describe(store: EventStore, events: list[str], newest: dict[str, str] | None = None) -> list[Row]:
    """Each event's label, classes, date, place, counts of articles and publishers, first and last report,
    confidence, modality, how many reports contradict it (`contested`) and its newest period (`period`), in the
    order given. Read as each event's statements (look-ups by subject; a join of the properties made Oxigraph scan
    each of them: 1.3 s for 50 events of 16,000), then put together here."""
    found: dict[str, dict[str, list[str]]] = {}
    among = ", ".join(DESCRIBED)
    for values in _chunks(events):
        for r in _run(store, f"""SELECT ?e ?p ?o WHERE {{ VALUES ?e {{ {values} }}
                                 GRAPH <{EVENTS}> {{ ?e ?p ?o }} FILTER(?p IN ({among})) }}"""):
            found.setdefault(r["e"] or "", {}).setdefault(_FULL[r["p"] or ""], []).append(r["o"] or "")
    rows: list[Row] = []
    for e in events:
        got = found.get(e)
        if got is None or not all(got.get(k) for k in ("label", "classes", "articles", "publishers", "confidence")):
            continue
        row: Row = {"e": e, **{k: min(got[k]) if got.get(k) else None
                               for k in ("label", "date", "place", "articles", "publishers", "first", "last",
                                         "confidence", "modality")}}
        row["classes"] = " ".join(sorted(set(got["classes"])))
        row["contested"] = str(len(set(got.get("contested", []))))
        rows.append({**row, "period": (newest or {}).get(e)})
    return rows


def reports_of(store: EventStore, event: str) -> list[Row]:
    """An event's reports: each report's label, modality and sentence, with its article's IRI, title, date and
    publisher, newest article first."""
    rows = _run(store, f"""
        SELECT ?report ?label ?modality ?sentence ?article ?title ?published ?publisher WHERE {{
          GRAPH <{EVENTS}> {{ ?report gkg:reportOf {sparql_text.iri(event)} }}
          GRAPH ?article {{ ?report rdfs:label ?label . ?article a gkg:Article ; schema:headline ?title
            OPTIONAL {{ ?report gkg:modality ?modality }} OPTIONAL {{ ?report gkg:sentence/nif:anchorOf ?sentence }}
            OPTIONAL {{ ?article schema:datePublished ?published }} OPTIONAL {{ ?article schema:publisher ?p }} }}
          OPTIONAL {{ ?p rdfs:label ?publisher }}
        }}""")
    rows.sort(key=lambda r: (r["published"] or "", r["article"] or "", r["report"] or ""), reverse=True)
    return rows
