"""What a SPARQL query or update would make the store fetch: the endpoints of its SERVICE clauses and the
sources of its LOAD operations, read from the parse of it by rdflib's SPARQL parser.

Decided from the parse, not from patterns in the text: a pattern cannot tell the keyword from the same
letters in an IRI, a string, a comment or a prefixed name, nor follow every way the grammar allows to write
it (`SERVICE<http://...>`, `SERVICE e:x`, `BASE <http://...> ... SERVICE <x>`, `FILTER(1<2)SERVICE#>`).
Where rdflib's reading could differ from Oxigraph's, the text is made to read the same to both: rdflib would
first expand \\u escapes everywhere (a `\\u000A` in a comment then ends it), which Oxigraph reads in strings
and IRIs only, so its grammar is run on the text as it is (and refuses such escapes, which GeoKG's queries
do not use); a carriage return ends a comment for Oxigraph but not for rdflib, so it is read as a line feed.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator


def outbound_targets(text: str, update: bool = False) -> list[str | None]:
    """The IRIs that a query's SERVICE clauses name (or an update's, and its LOAD operations: `update`), with
    prefixed names and relative IRIs resolved; None for a variable, or an IRI that does not resolve to an
    absolute one. ValueError if it cannot be parsed.

    Text without the letters of the keywords, in any case, cannot name one (Oxigraph reads no escape sequence
    outside strings and IRIs) and is not parsed: the parser takes about 6 µs per character."""
    words = ("service", "load") if update else ("service",)
    if not any(w in text.lower() for w in words):
        return []
    # rdflib is imported only here: 0.1 s more at every start of a query worker otherwise
    from rdflib.plugins.sparql.algebra import translatePrologue
    from rdflib.plugins.sparql.parser import Query, UpdateUnit
    from rdflib.term import URIRef

    text = text.replace("\r", "\n")
    try:
        if update:
            tree = UpdateUnit.parse_string(text, parse_all=True)[0]
            # an update's declarations hold for the operations after them; the last ones may have no operation
            parts = list(zip(tree.prologue or [], tree.request or [], strict=False))
        else:
            parts = [tuple(Query.parse_string(text, parse_all=True))]
        targets, prologue = [], None
        for declarations, operation in parts:
            prologue = translatePrologue(declarations, None, prologue=prologue)
            targets += [prologue.absolutize(term) for term in _outbound_terms(operation)]
    except Exception as exc:  # pyparsing's ParseException; RecursionError on deep nesting; an undeclared prefix
        raise ValueError(str(exc).split("\n", 1)[0] or type(exc).__name__) from None
    return [str(t) if isinstance(t, URIRef) and urllib.parse.urlsplit(t).scheme else None for t in targets]


def _outbound_terms(node: object) -> Iterator[object]:
    """The endpoints of the SERVICE patterns and LOAD operations in a part of the parse tree, as written."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        if node.name == "ServiceGraphPattern":
            yield node["term"]
        elif node.name == "Load":
            yield node["iri"]
        for value in node.values():
            yield from _outbound_terms(value)
    elif isinstance(node, list | tuple | ParseResults):
        for value in node:
            yield from _outbound_terms(value)
