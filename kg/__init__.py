"""GeoKG: news articles about states, leaders, weapons and bases turned into a provenance-carrying RDF graph.

Data flow: article text (kg.article) -> extraction (kg.extract: parse, mentions linked to the reference
knowledge of kg.reference, facts and events) -> triples (kg.mapping) -> store (kg.store) -> export/HTTP.
"""

__version__ = "0.1.0"
