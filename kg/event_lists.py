"""A canonical event's reports, as its entry in a list shows them (the lists themselves are read from the search index:
kg.search_index.SearchIndex.canonical_events).
"""

from __future__ import annotations

from kg import sparql_text, vocab
from kg.events_graph import EventStore

EVENTS = vocab.EVENTS_GRAPH

Row = dict[str, str | None]


def _run(store: EventStore, sparql: str) -> list[Row]:
    result = store.query(vocab.SPARQL_PREFIXES + sparql)
    names = [v.value for v in result.variables]
    return [{n: (None if row[n] is None else row[n].value) for n in names} for row in result]


def reports_of(store: EventStore, event: str) -> list[Row]:
    """An event's reports: each report's label, modality and sentence, with its article's IRI, title, date and
    publisher, newest article first. (The publisher's label is looked up inside the group that binds it: outside, an
    article without a publisher was joined with every label of the store.)"""
    rows = _run(store, f"""
        SELECT ?report ?label ?modality ?sentence ?article ?title ?published ?publisher WHERE {{
          GRAPH <{EVENTS}> {{ ?report gkg:reportOf {sparql_text.iri(event)} }}
          GRAPH ?article {{ ?report rdfs:label ?label . ?article a gkg:Article ; schema:headline ?title
            OPTIONAL {{ ?report gkg:modality ?modality }} OPTIONAL {{ ?report gkg:sentence/nif:anchorOf ?sentence }}
            OPTIONAL {{ ?article schema:datePublished ?published }} }}
          OPTIONAL {{ GRAPH ?article {{ ?article schema:publisher ?p }} OPTIONAL {{ ?p rdfs:label ?publisher }} }}
        }}""")
    rows.sort(key=lambda r: (r["published"] or "", r["article"] or "", r["report"] or ""), reverse=True)
    return rows
