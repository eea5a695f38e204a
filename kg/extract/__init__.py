"""One article in, everything extracted from it out: mentions, facts, events, sentences."""

from __future__ import annotations

from dataclasses import dataclass

from kg.article import Article
from kg.extract import frames, gazetteer, parse
from kg.extract.coref import Coref
from kg.extract.events import Event, extract_events
from kg.extract.facts import Fact, extract_facts
from kg.extract.mentions import Mention, find_mentions
from kg.extract.roles import DocView


@dataclass(frozen=True)
class Extraction:
    article: Article
    sentences: list[tuple[int, int]]
    mentions: list[Mention]
    facts: list[Fact]
    events: list[Event]
    extractor: str


def extract(article: Article) -> Extraction:
    return extract_many([article])[0]


def extract_many(articles: list[Article], batch_size: int = 32) -> list[Extraction]:
    gaz = gazetteer.default()
    pipe = parse.pipeline()
    described = parse.describe()
    out = []
    lex = frames.lexicon()
    for article, doc in zip(articles, pipe.pipe((a.content for a in articles), batch_size=batch_size), strict=False):
        text = article.content
        mentions = find_mentions(text, doc, gaz)
        view = DocView(doc, mentions, lex, gaz.reference)
        coref = Coref(view)
        events = extract_events(text, view, coref, article.date)
        out.append(Extraction(
            article=article,
            sentences=[(s.start_char, s.end_char) for s in doc.sents],
            mentions=mentions,
            facts=extract_facts(text, doc, mentions, view, coref, events),
            events=events,
            extractor=f"GeoKG {__import__('kg').__version__}; {described}",
        ))
    return out
