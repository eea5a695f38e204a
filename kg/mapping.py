"""An extraction as RDF: the quads of one article's named graph, with provenance on every event and fact.

IRIs are derived from content (the article's hash, character offsets, a hash of an event's
participants), so ingesting the same article again yields exactly the same quads.

- article:   gkg:Article, schema:NewsArticle, headline, date, URL, publisher, gkg:mentions
- text:      nif:Context (full text), nif:Sentence and nif:Phrase spans with offsets (RFC 5147 style IRIs)
- mentions:  nif:Phrase itsrdf:taIdentRef entity, with gkg:confidence
- new nodes: type and label of entities the reference knowledge does not have
- facts:     the triple itself, plus a gkg:Assertion (rdf:Statement) with sentence and confidence
- events:    typed node with participants, gkg:date, gkg:reportedBy, prov:wasDerivedFrom, gkg:confidence
- timeline:  when each entity is mentioned and involved in events (kg.timeline), for the entity pages
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from kg import timeline, vocab
from kg.extract import Extraction
from kg.extract.attribution import Source
from kg.extract.dates import When
from kg.extract.events import Event
from kg.extract.facts import Fact
from kg.labels import event_label
from kg.reference import Reference
from kg.vocab import gkg, nif, prov, rdf, rdfs, schema, skos

ITS_IDENT = ox.NamedNode(vocab.ITSRDF + "taIdentRef")


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


@lru_cache(maxsize=65536)
def _int(n: int) -> ox.Literal:
    return ox.Literal(str(n), datatype=vocab.xsd("integer"))


@lru_cache(maxsize=1024)
def _decimal(x: float) -> ox.Literal:
    return ox.Literal(f"{x:.2f}", datatype=vocab.xsd("decimal"))


def _short_hash(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass
class _MergedEvent:
    """Events with the same type, participants and date, found in several sentences, are one event."""

    kind: str
    classes: tuple[str, ...]  # the most specific class first, then the contract class
    modality: str | None
    roles: dict[str, list[str]]
    date: When | None
    sentences: list[tuple[int, int]] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.0
    inferred: set[str] = field(default_factory=set)


def article_quads(x: Extraction, reference: Reference, events: list[_MergedEvent] | None = None) -> Iterator[ox.Quad]:
    """The article's graph; `events` are its events already merged (by `merge_events`), if the caller has them."""
    art = x.article
    a = ox.NamedNode(art.iri)
    g = a
    text = art.content
    mention_labels = {m.iri: m.label for m in x.mentions}

    def label(iri: str) -> str:
        if iri in mention_labels:
            return mention_labels[iri]
        return reference.entities[iri].label if iri in reference.entities else iri
    spans: dict[tuple[int, int], ox.NamedNode] = {}

    def q(s: ox.NamedNode, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
        return ox.Quad(s, p, o, g)

    def span(start: int, end: int) -> ox.NamedNode:
        node = spans.get((start, end))
        if node is None:
            node = spans[start, end] = ox.NamedNode(f"{art.iri}#char={start},{end}")
        return node

    # ---------------------------------------------------------------- the article and its text
    context = span(0, len(text))
    yield q(a, rdf("type"), gkg("Article"))
    yield q(a, rdf("type"), schema("NewsArticle"))
    yield q(a, schema("headline"), _en(art.title))
    yield q(a, rdfs("label"), _en(art.title))
    yield q(a, gkg("contentHash"), ox.Literal(art.content_hash))
    yield q(a, gkg("extractor"), ox.Literal(x.extractor))
    if art.date:
        yield q(a, schema("datePublished"), ox.Literal(art.date.isoformat(), datatype=vocab.xsd("date")))
    if art.url:
        yield q(a, schema("url"), ox.Literal(art.url, datatype=vocab.xsd("anyURI")))
    if art.publisher:
        yield from _publisher(a, art.publisher, reference, q)
    yield q(a, gkg("textContext"), context)
    yield q(context, rdf("type"), nif("Context"))
    yield q(context, nif("isString"), ox.Literal(text))
    yield q(context, nif("beginIndex"), _int(0))
    yield q(context, nif("endIndex"), _int(len(text)))

    used_sentences: set[tuple[int, int]] = set()

    starts = [s[0] for s in x.sentences]

    def sentence_of(start: int) -> tuple[int, int]:
        i = bisect.bisect_right(starts, start) - 1
        if i >= 0 and start < x.sentences[i][1]:
            return x.sentences[i]
        return (start, start)

    # ---------------------------------------------------------------- mentions
    described: set[tuple[str, str]] = set()  # (entity, class) already linked from the article (and typed, if new)
    for m in x.mentions:
        entity = ox.NamedNode(m.iri)
        node = span(m.start, m.end)
        sentence = sentence_of(m.start)
        used_sentences.add(sentence)
        first = (m.iri, m.cls) not in described
        described.add((m.iri, m.cls))
        if first:
            yield q(a, gkg("mentions"), entity)
        yield q(node, rdf("type"), nif("Phrase"))
        yield q(node, nif("anchorOf"), ox.Literal(m.text))
        yield q(node, nif("beginIndex"), _int(m.start))
        yield q(node, nif("endIndex"), _int(m.end))
        yield q(node, nif("referenceContext"), context)
        yield q(node, nif("sentence"), span(*sentence))
        yield q(node, ITS_IDENT, entity)
        yield q(node, gkg("confidence"), _decimal(m.confidence))
        if m.new and first:
            yield q(entity, rdf("type"), gkg(m.cls))
            yield q(entity, rdfs("label"), _en(m.label))
        if m.new and m.text != m.label:
            yield q(entity, skos("altLabel"), _en(m.text))

    # ---------------------------------------------------------------- facts
    for f in x.facts:
        used_sentences.add(f.sentence)
        yield from _fact_quads(art.iri, f, span(*f.sentence), a, q)

    # ---------------------------------------------------------------- events
    merged = merge_events(x.events) if events is None else events
    sources: set[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]] = set()  # said once for all events
    for ev in merged:
        used_sentences.update(ev.sentences)
        yield from _event_quads(art.iri, ev, label, [span(*s) for s in ev.sentences], a, q, sources)

    # ---------------------------------------------------------------- the timeline index (kg.timeline)
    yield from timeline.quads(a, art.date.isoformat() if art.date else None, mention_labels,
                              ((ev.date.value if ev.date else None, [i for v in ev.roles.values() for i in v])
                               for ev in merged))

    # ---------------------------------------------------------------- sentences that carry something
    for start, end in sorted(used_sentences):
        node = span(start, end)
        yield q(node, rdf("type"), nif("Sentence"))
        yield q(node, nif("anchorOf"), ox.Literal(text[start:end]))
        yield q(node, nif("beginIndex"), _int(start))
        yield q(node, nif("endIndex"), _int(end))
        yield q(node, nif("referenceContext"), context)


def _publisher(a: ox.NamedNode, publisher: str, reference: Reference, q) -> Iterator[ox.Quad]:
    org = reference.organization_named(publisher)
    if org is not None:
        yield q(a, schema("publisher"), ox.NamedNode(org.iri))
        return
    node = vocab.resource("organization", publisher)
    yield q(a, schema("publisher"), node)
    yield q(node, rdf("type"), gkg("NewsOrganization"))
    yield q(node, rdfs("label"), _en(publisher.strip()))


def _fact_quads(article: str, f: Fact, sentence: ox.NamedNode, a: ox.NamedNode, q) -> Iterator[ox.Quad]:
    s, p, o = ox.NamedNode(f.subject.iri), gkg(f.predicate), ox.NamedNode(f.object.iri)
    yield q(s, p, o)
    if f.predicate == "alliedWith":
        yield q(o, p, s)
    node = ox.NamedNode(f"{article}#fact-{_short_hash(f.predicate, f.subject.iri, f.object.iri)}")
    yield q(node, rdf("type"), gkg("Assertion"))
    yield q(node, rdf("subject"), s)
    yield q(node, rdf("predicate"), p)
    yield q(node, rdf("object"), o)
    yield q(node, prov("wasDerivedFrom"), sentence)
    yield q(node, prov("wasDerivedFrom"), a)
    yield q(node, gkg("sentence"), sentence)
    yield q(node, gkg("confidence"), _decimal(f.confidence))


def merge_events(events: list[Event]) -> list[_MergedEvent]:
    merged: dict[tuple, _MergedEvent] = {}
    for ev in events:
        roles = {r: iris for r in vocab.EVENT_ROLES if (iris := ev.role_iris(r))}
        key = (ev.classes, ev.modality, tuple((r, tuple(v)) for r, v in roles.items()),
               (ev.date.value, ev.date.qualifier) if ev.date else None)
        m = merged.setdefault(key, _MergedEvent(ev.kind, ev.classes, ev.modality, roles, ev.date))
        for sentence in (ev.sentence, *ev.more_sentences):
            if sentence not in m.sentences:
                m.sentences.append(sentence)
        m.sources += [s for s in ev.sources if s.label not in {x.label for x in m.sources}]
        m.confidence = max(m.confidence, ev.confidence)
        m.inferred |= set(ev.inferred)
    return list(merged.values())


def _event_quads(article: str, ev: _MergedEvent, label: Callable[[str], str], sentences: list[ox.NamedNode],
                 a: ox.NamedNode, q, sources: set[tuple[ox.NamedNode, ox.NamedNode, ox.NamedNode | ox.Literal]]
                 ) -> Iterator[ox.Quad]:
    signature = [ev.kind] + [f"{r}={','.join(v)}" for r, v in ev.roles.items()]
    if ev.date:
        signature.append(f"date={ev.date.value}/{ev.date.qualifier}")
    if ev.classes[0] != ev.kind:
        signature.append(f"class={ev.classes[0]}")
    if ev.modality:
        signature.append(f"modality={ev.modality}")
    node = ox.NamedNode(f"{article}#event-{_short_hash(*signature)}")
    for cls in ev.classes:
        yield q(node, rdf("type"), gkg(cls))
    yield q(node, rdfs("label"), _en(_event_label(ev, label)))
    if ev.modality:
        yield q(node, gkg("modality"), gkg(ev.modality))
    for role, iris in ev.roles.items():
        for iri in iris:
            yield q(node, gkg(role), ox.NamedNode(iri))
    if ev.date:
        yield q(node, gkg("date"), ox.Literal(ev.date.value, datatype=vocab.xsd(ev.date.datatype)))
        if ev.date.qualifier:
            yield q(node, gkg("dateQualifier"), ox.Literal(ev.date.qualifier))
    for source in ev.sources:
        s = ox.NamedNode(f"{article}#source-{vocab.slug(source.label)}")
        yield q(node, gkg("reportedBy"), s)
        for p, o in ((rdf("type"), gkg("Source")), (rdfs("label"), _en(source.label)),
                     *((prov("actedOnBehalfOf"), ox.NamedNode(iri)) for iri in source.on_behalf_of)):
            if (s, p, o) not in sources:
                sources.add((s, p, o))
                yield q(s, p, o)
    yield q(node, prov("wasDerivedFrom"), a)
    for sentence in sentences:
        yield q(node, prov("wasDerivedFrom"), sentence)
        yield q(node, gkg("sentence"), sentence)
    yield q(node, gkg("confidence"), _decimal(ev.confidence))


def _event_label(ev: _MergedEvent, label: Callable[[str], str]) -> str:
    return event_label(ev.kind, ev.classes[0], ev.roles, ev.date.value if ev.date else None,
                       ev.date.qualifier if ev.date else None, ev.modality, label)


