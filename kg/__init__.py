"""GeoKG: news articles about states, leaders, weapons and bases turned into a provenance-carrying RDF graph.

Data flow: article text (kg.article) -> extraction (kg.nlp, kg.mentions, kg.events) -> linking to the
reference knowledge (kg.gazetteer, kg.reference) -> triples (kg.mapping) -> store (kg.store) -> export/HTTP.
"""

__version__ = "0.1.0"
