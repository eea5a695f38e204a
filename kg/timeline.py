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

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kg import vocab
from kg.vocab import gkg

TIME = vocab.RES + "time/"
UNDATED = "undated"
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
    entries = {(period(published), MENTION, iri) for iri in mentioned}
    entries |= {(period(date or published), EVENT, iri) for date, iris in events for iri in iris}
    for subject, predicate, iri in sorted(entries, key=lambda e: (e[1].value, e[0].value, e[2])):
        yield ox.Quad(subject, predicate, ox.NamedNode(iri), graph)


def build_update() -> str:
    """SPARQL Update that adds the entries of every article graph already stored (stores written before the
    index existed). Idempotent: the entries of newer articles are there already."""
    roles = " ".join(f"gkg:{r}" for r in vocab.EVENT_ROLES)
    return f"""{vocab.SPARQL_PREFIXES}
        INSERT {{ GRAPH ?a {{ ?t gkg:timelineMention ?e }} }} WHERE {{
          GRAPH ?a {{ ?a a gkg:Article ; gkg:mentions ?e . OPTIONAL {{ ?a schema:datePublished ?d }} }}
          BIND(IRI(CONCAT("{TIME}", COALESCE(STR(?d), "{UNDATED}"))) AS ?t) }} ;
        INSERT {{ GRAPH ?a {{ ?t gkg:timelineEvent ?e }} }} WHERE {{
          VALUES ?role {{ {roles} }}
          GRAPH ?a {{ ?a a gkg:Article . ?ev ?role ?e . OPTIONAL {{ ?ev gkg:date ?d }}
                      OPTIONAL {{ ?a schema:datePublished ?p }} }}
          BIND(IRI(CONCAT("{TIME}", COALESCE(STR(?d), STR(?p), "{UNDATED}"))) AS ?t) }}"""
