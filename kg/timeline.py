"""The timeline index: when each article mentions an entity, and when its events involve one.

A hub entity (Russia, in nearly every article) has tens of thousands of articles and events. Its
latest ones cannot be found by joining each with its date: that costs the store one look-up per
item (9 s for Russia's page at 100,000 articles). So each article's graph also says, per entity,
when — with the date in the subject's IRI and the article as the graph:

    GRAPH <article> { gkr:time/2013-08-27 gkg:timelineMention gkr:state/RUS }   (published that day)
    GRAPH <article> { gkr:time/2013 gkg:timelineEvent gkr:state/RUS }           (an event of 2013)

One index scan over (predicate, entity) then yields every (period, article) pair without look-ups;
counted per period, it tells which few periods hold the latest items, and only those are read.
Removing an article's graph removes its entries. An event without a date of its own is placed at
the article's date; what has no date at all is at gkr:time/undated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import pyoxigraph as ox

from kg import sparql_text, vocab
from kg.vocab import gkg

TIME = vocab.RES + "time/"
UNDATED = "undated"
INDEX = ox.NamedNode(vocab.GRAPH + "timeline")  # subject of the state-graph mark: the store's index is complete
MENTION = gkg("timelineMention")
EVENT = gkg("timelineEvent")


def period(date: str | None) -> ox.NamedNode:
    """The node of a calendar day, month or year, given as xsd:date, xsd:gYearMonth or xsd:gYear."""
    return ox.NamedNode(TIME + (date or UNDATED))


def sort_key(period_iri: str) -> str:
    """Newest last when sorted ascending (ISO dates sort as text); undated before everything."""
    date = period_iri.removeprefix(TIME)
    return "" if date == UNDATED else date


def quads(graph: ox.NamedNode, published: str | None, mentioned: Iterable[str],
          events: Iterable[tuple[str | None, Iterable[str]]]) -> Iterator[ox.Quad]:
    """The article's entries: each mentioned entity at the publication date; each entity with a role in an
    event at the event's date (or the publication date)."""
    entries = {(MENTION.value, published or UNDATED, iri) for iri in mentioned}
    entries |= {(EVENT.value, date or published or UNDATED, iri) for date, iris in events for iri in iris}
    nodes = {MENTION.value: MENTION, EVENT.value: EVENT}
    periods: dict[str, ox.NamedNode] = {}
    for predicate, date, iri in sorted(entries):  # by predicate, period and entity (strings: 1 ms less an article)
        node = periods.get(date) or periods.setdefault(date, period(date))
        yield ox.Quad(node, nodes[predicate], ox.NamedNode(iri), graph)


def rebuild(articles: Iterable[str], query: Callable[[str], Iterable[ox.QuerySolution]],
            write: Callable[[list[ox.Quad]], object], per_write: int = 200) -> None:
    """Add the entries of article graphs stored before the index existed: each article's mentions, event
    participants and dates are read with one query, its entries made by `quads` (exactly what ingestion
    writes) and written `per_write` articles at a time. Idempotent.

    (One SPARQL Update for the whole store held millions of entries in memory; per-article updates that
    compute the period in SPARQL lose the undated ones on Virtuoso, which drops OPTIONAL rows there.)"""
    roles = " ".join(f"<{vocab.GKG}{r}>" for r in vocab.EVENT_ROLES)
    batch: list[ox.Quad] = []
    for done, iri in enumerate(articles, 1):
        a = sparql_text.iri(iri)
        published, mentioned, events = None, set(), []
        for r in query(f"""SELECT ?e ?event ?date ?published WHERE {{
                GRAPH {a} {{ {{ {a} <{vocab.GKG}mentions> ?e }} UNION {{ VALUES ?role {{ {roles} }}
                  ?event ?role ?e OPTIONAL {{ ?event <{vocab.GKG}date> ?date }} }} }}
                OPTIONAL {{ GRAPH {a} {{ {a} <{vocab.SCHEMA}datePublished> ?published }} }} }}"""):
            published = r["published"].value if r["published"] is not None else published
            if r["event"] is None:
                mentioned.add(r["e"].value)
            else:
                events.append((r["date"].value if r["date"] is not None else None, [r["e"].value]))
        batch += quads(ox.NamedNode(iri), published, mentioned, events)
        if done % per_write == 0:
            write(batch)
            batch = []
    if batch:
        write(batch)
