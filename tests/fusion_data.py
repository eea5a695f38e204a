"""Article graphs of reports made to order, for the fusion tests: the quads kg.mapping would write for an event,
without the text (what fusion reads: classes, roles, date, modality, confidence, the article's date and publisher)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

import pyoxigraph as ox

import ontology
from kg import reference, vocab
from kg.reports import CONTRACT_EVENTS
from kg.vocab import gkg, rdf, schema

RES = vocab.RES
RUS, SYR, USA, TUR = (f"{RES}state/{c}" for c in ("RUS", "SYR", "USA", "TUR"))
SAA, ISIS = f"{RES}organization/saa", f"{RES}organization/isis"
MANSOUR = f"{RES}person/akhtar-mansour"
ALEPPO, ALEPPO_PROVINCE, DAMASCUS, PALMYRA, ISTANBUL = (
    f"{RES}place/{p}" for p in ("aleppo", "aleppo-governorate", "damascus-syr", "palmyra", "istanbul"))
S400, PANTSIR = f"{RES}asset/s-400", f"{RES}asset/pantsir-s1"
PUBLISHERS = [f"{RES}organization/reuters", f"{RES}organization/bbc"]


@dataclass
class Told:
    """One report: its class (the contract class is added), roles, date, modality."""

    cls: str
    roles: dict[str, list[str]] = field(default_factory=dict)
    date: str | None = None  # ISO day, month or year
    modality: str | None = None
    qualifier: str | None = None
    confidence: float = 0.8


def article(n: int, published: dt.date | None, told: list[Told], publisher: int = 0) -> tuple[str, list[ox.Quad]]:
    """An article graph (IRI, quads) with these reports."""
    iri = f"{vocab.ARTICLE}test{n:05d}"
    g = ox.NamedNode(iri)
    quads = [ox.Quad(g, rdf("type"), gkg("Article"), g), ox.Quad(g, schema("headline"), ox.Literal(f"Article {n}"), g),
             ox.Quad(g, schema("publisher"), ox.NamedNode(PUBLISHERS[publisher % len(PUBLISHERS)]), g)]
    if published is not None:
        quads.append(ox.Quad(g, schema("datePublished"), ox.Literal(published.isoformat(), datatype=vocab.xsd("date")),
                             g))
    supers = ontology.superclasses()
    for i, t in enumerate(told):
        e = ox.NamedNode(f"{iri}#event-{i:04d}")
        kind = next((c for c in CONTRACT_EVENTS if c in supers[t.cls]), "Event")
        for cls in dict.fromkeys((t.cls, kind)):
            quads.append(ox.Quad(e, rdf("type"), gkg(cls), g))
        for role, iris in t.roles.items():
            quads += [ox.Quad(e, gkg(role), ox.NamedNode(x), g) for x in iris]
        if t.date is not None:
            datatype = {4: "gYear", 7: "gYearMonth"}.get(len(t.date), "date")
            quads.append(ox.Quad(e, gkg("date"), ox.Literal(t.date, datatype=vocab.xsd(datatype)), g))
        if t.qualifier:
            quads.append(ox.Quad(e, gkg("dateQualifier"), ox.Literal(t.qualifier), g))
        if t.modality:
            quads.append(ox.Quad(e, gkg("modality"), gkg(t.modality), g))
        quads.append(ox.Quad(e, gkg("confidence"), ox.Literal(f"{t.confidence:.2f}", datatype=vocab.xsd("decimal")), g))
        quads.append(ox.Quad(e, vocab.prov("wasDerivedFrom"), g, g))
    return iri, quads


CLASSES = ["Attack", "AirStrike", "Clash", "GroundOffensive", "Capture", "MissileTest", "Statement", "Deployment",
           "MilitaryOperation"]


def random_articles(seed: int, count: int, start: dt.date = dt.date(2016, 2, 1), days: int = 40,
                    spread: int = 0) -> list[tuple[str, list[ox.Quad]]]:
    """`count` articles of one to five reports each about a few parties, places and days: enough reports fuse (and
    enough almost fuse) to exercise every rule. `spread` more parties and places from the reference knowledge make
    candidates rarer, so that undated reports more often have one dated event to be a mention of."""
    rnd = random.Random(seed)
    parties = [RUS, SYR, USA, TUR, SAA, ISIS, MANSOUR]
    places = [ALEPPO, ALEPPO_PROVINCE, DAMASCUS, PALMYRA, ISTANBUL, SYR, TUR]
    if spread:
        ref = reference.load()
        parties += sorted(e.iri for e in ref.entities.values() if e.type == "State")[:spread]
        places += sorted(e.iri for e in ref.entities.values() if e.cls == "City" and e.place)[:spread]
    out = []
    for n in range(count):
        published = start + dt.timedelta(days=rnd.randrange(days)) if rnd.random() > 0.05 else None
        told = []
        for _ in range(rnd.randrange(1, 6)):
            cls = rnd.choice(CLASSES)
            roles: dict[str, list[str]] = {}
            if cls == "Statement":
                roles["speaker"] = [rnd.choice(parties)]
            else:
                if rnd.random() < 0.7:
                    roles["actor"] = rnd.sample(parties, rnd.choice([1, 1, 2]))
                if rnd.random() < 0.4:
                    roles["target"] = [rnd.choice(parties)]
                if rnd.random() < 0.7 or not roles:
                    roles["location"] = [rnd.choice(places)]
                if rnd.random() < 0.1:
                    roles["asset"] = [S400]
            when = rnd.random()
            base = published or start
            date = None
            if when < 0.35:
                date = (base - dt.timedelta(days=rnd.randrange(4))).isoformat()
            elif when < 0.45:
                date = base.isoformat()[:7]
            elif when < 0.5:
                date = str(base.year)
            modality = rnd.choice([None] * 8 + ["Denied", "Negated", "Planned", "Threatened"])
            told.append(Told(cls, roles, date, modality, confidence=rnd.choice([0.6, 0.7, 0.8, 0.9])))
        out.append(article(n, published, told, publisher=rnd.randrange(3)))
    return out
