"""Canonical events as RDF: what a group of reports that tell one event (kg.fusion) says, in the events graph.

For each group, in the graph https://w3id.org/geokg/graph/events:

    <event/ID> a gkg:CanonicalEvent ; rdfs:label "Air strike: Russia in Aleppo, 2016-02-12"@en ;
        gkg:eventClass gkg:AirStrike, gkg:MilitaryOperation ;      # its reports' classes (see below)
        gkg:actor ... ; gkg:target ... ; gkg:asset ... ;            # every participant any report names
        gkg:location <the best-supported place> ; gkg:date "..."^^xsd:date ;   # its best-supported date and precision
        gkg:articleCount 4 ; gkg:publisherCount 2 ; gkg:firstReported "..."^^xsd:date ; gkg:lastReported "..." ;
        gkg:confidence 0.96 ; gkg:contradictedBy <a report that denies or negates it> ;
        prov:wasDerivedFrom <each article> ; gkg:indexKey <key> .  # the index (kg.events_graph)
    <report> gkg:reportOf <event/ID> .                            # each report

Canonical events are typed gkg:CanonicalEvent and name their classes with gkg:eventClass rather than rdf:type, so
that every query over reports (`?e a gkg:ArmsTransfer`) still finds each article's report once and nothing else.

The IRI comes from the group's founding report, the earliest reported (by its article's publication, then by IRI):
an event keeps its IRI while reports come in later, as news does; it is renamed if a report of an earlier
article joins it or its founding report's article is removed.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

import pyoxigraph as ox

import ontology
from kg import fusion, vocab
from kg.labels import event_label
from kg.reports import Report
from kg.vocab import gkg, prov, rdf, rdfs

EVENTS = ox.NamedNode(vocab.EVENTS_GRAPH)
KEY = vocab.EVENT + "key/"
REPORT_OF = gkg("reportOf")
INDEX_KEY = gkg("indexKey")
PARTICIPANTS = ("supplier", "recipient", "actor", "speaker", "target", "asset")  # merged; the place is chosen
PRECISION = {"date": 3, "gYearMonth": 2, "gYear": 1}
_SAFE_PATH = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.-]*")


@lru_cache(maxsize=1024)
def _integer(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=vocab.xsd("integer"))


def _day(day: object) -> ox.Literal:
    return ox.Literal(str(day), datatype=vocab.xsd("date"))


def founder(group: Iterable[Report]) -> Report:
    """The report an event is named after: the earliest reported, then the least IRI."""
    return min(group, key=lambda r: (r.published.isoformat() if r.published else "9999", r.iri))


def event_iri(group: Iterable[Report]) -> str:
    return vocab.EVENT + hashlib.sha256(founder(group).iri.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=65536)
def _entity_path(iri: str) -> str:
    """An entity's part of a key IRI: its path under the resource namespace, else a hash of it."""
    rest = iri.removeprefix(vocab.RES)
    if rest != iri and _SAFE_PATH.fullmatch(rest):
        return rest
    return "x/" + hashlib.sha256(iri.encode("utf-8")).hexdigest()[:20]


@lru_cache(maxsize=262144)
def key_iri(kind: str, entity: str, period: str) -> str:
    """The index key of an entry (party, place or asset, or two entities apart by a space) in a period and of a kind
    of report (kg.fusion.keys); with no entry, the key under which every event with a report of that period is filed
    (for lists of the latest events)."""
    if not kind:
        return f"{KEY}{period}"
    return f"{KEY}{period}/{kind}/{'/'.join(_entity_path(e) for e in entity.split(' '))}"


def keys(r: Report) -> set[str]:
    """The index keys a report files its event under: its entries in the periods of its time, with its kind
    (kg.fusion.keys), its home period alone (for lists of the latest events), and its keys for background mentions
    (kg.fusion.background_keys)."""
    return ({key_iri(*k) for k in fusion.keys(r) | fusion.background_keys(r)}
            | {key_iri("", "", fusion.home(r))})


def lookup_keys(r: Report) -> set[str]:
    """The index keys under which the events that `r` may belong to are filed."""
    return {key_iri(*k) for k in fusion.lookup(r)}


def _class(group: list[Report]) -> str:
    """The class most reports give, the most specific first: the event's class."""
    counts = Counter(r.cls for r in group)
    depth = {c: len(ontology.superclasses().get(c, ())) for c in counts}
    return max(counts, key=lambda c: (counts[c], depth[c], c))


def _date(group: list[Report]) -> tuple[str, str] | None:
    """The date most of the reports that date the event give (not the dates they were reported by), the most precise
    first, then the earliest: (lexical value, datatype)."""
    dates = Counter((r.date, r.datatype) for r in group
                    if r.date is not None and r.datatype in PRECISION and r.qualifier != "by")
    if not dates:
        return None
    return min(dates, key=lambda d: (-dates[d], -PRECISION[d[1] or ""], d[0]))


def _place(group: list[Report]) -> str | None:
    """The place most reports name, the most specific (the deepest in the reference's places) first."""
    counts = Counter(p for r in group for p in r.role("location"))
    if not counts:
        return None
    return max(counts, key=lambda p: (counts[p], len(fusion.within(p)), p))


def _confidence(group: list[Report]) -> float:
    """The chance that at least one of its articles reports it rightly, articles taken as independent: 1 - the product
    over articles of 1 - the article's highest report confidence (at most 0.99; written in the canonical form of an
    xsd:decimal, "0.8", as servers give it back)."""
    best: dict[str, float] = {}
    for r in group:
        best[r.article] = max(best.get(r.article, 0.0), r.confidence)
    doubt = 1.0
    for c in best.values():
        doubt *= 1.0 - c
    return min(0.99, 1.0 - doubt)


def describe(group: list[Report], label: Callable[[str], str]) -> Iterator[ox.Quad]:
    """The quads of a group's canonical event (its description, its reports' gkg:reportOf, its index keys)."""
    e = ox.NamedNode(event_iri(group))

    def q(p: ox.NamedNode, o: ox.NamedNode | ox.Literal, s: ox.NamedNode = e) -> ox.Quad:
        return ox.Quad(s, p, o, EVENTS)

    kind, cls = group[0].kind, _class(group)
    roles: dict[str, list[str]] = {}
    for role in PARTICIPANTS:
        named = sorted({i for r in group for i in r.role(role)})
        if named:
            roles[role] = named
    place = _place(group)
    if place is not None:
        roles["location"] = [place]
    modalities = {r.modality for r in group}
    modality = next(iter(modalities)) if len(modalities) == 1 else None
    date = _date(group)
    yield q(rdf("type"), gkg("CanonicalEvent"))
    for c in dict.fromkeys((cls, kind)):
        yield q(gkg("eventClass"), gkg(c))
    yield q(rdfs("label"), ox.Literal(event_label(kind, cls, roles, date[0] if date else None, None, modality, label),
                                      language="en"))
    for role, iris in roles.items():
        for i in iris:
            yield q(gkg(role), ox.NamedNode(i))
    if date is not None:
        yield q(gkg("date"), ox.Literal(date[0], datatype=vocab.xsd(date[1])))
    if modality is not None:
        yield q(gkg("modality"), gkg(modality))
    articles = sorted({r.article for r in group})
    published = sorted({r.published for r in group if r.published is not None})
    yield q(gkg("articleCount"), _integer(len(articles)))
    yield q(gkg("publisherCount"), _integer(len({r.publisher for r in group if r.publisher})))
    if published:
        yield q(gkg("firstReported"), _day(published[0]))
        yield q(gkg("lastReported"), _day(published[-1]))
    yield q(gkg("confidence"), ox.Literal(str(round(_confidence(group), 2)), datatype=vocab.xsd("decimal")))
    for r in group:
        if r.modality in fusion.CONTRADICTING:
            yield q(gkg("contradictedBy"), ox.NamedNode(r.iri))
    for a in articles:
        yield q(prov("wasDerivedFrom"), ox.NamedNode(a))
    for k in sorted({k for r in group for k in keys(r)}):
        yield q(INDEX_KEY, ox.NamedNode(k))
    for r in group:
        yield q(REPORT_OF, e, ox.NamedNode(r.iri))
