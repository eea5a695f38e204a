"""The named graphs a SPARQL Update may change, read from its parse by rdflib's SPARQL parser (its algebra), not from
patterns in the text: the graphs of its data and templates (GRAPH blocks, WITH), of CLEAR, DROP, LOAD INTO, ADD, COPY
and MOVE. The store uses them to keep the events graph up to date across the update (kg.events_graph.refusing).

As in server/outbound.py, the text is read as Oxigraph reads it: rdflib's grammar is run on it as it is (no \\u
expansion outside strings and IRIs), a carriage return read as a line feed.
"""

from __future__ import annotations

import urllib.parse


class Unknown(Exception):
    """The update may change graphs that its text does not name."""


def written_graphs(text: str) -> set[str] | None:
    """The IRIs of the named graphs the update may change (the default graph left out: it holds no article); None
    when its text cannot tell them (a graph named by a variable or a relative IRI, CLEAR or DROP of ALL or NAMED
    graphs) or rdflib cannot parse it. The parser takes about 6 µs per character."""
    # rdflib is imported only here, as in server/outbound.py
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.plugins.sparql.parser import UpdateUnit

    try:
        update = translateUpdate(UpdateUnit.parse_string(text.replace("\r", "\n"), parse_all=True)[0])
        return {g for op in update.algebra for g in _graphs(op)}
    except Unknown:
        return None
    except Exception:  # pyparsing's ParseException; RecursionError on deep nesting; an undeclared prefix
        return None


def _graphs(op: object) -> list[str]:
    """The named graphs one operation of the algebra changes (raises Unknown)."""
    name = getattr(op, "name", "")
    if name in ("InsertData", "DeleteData", "DeleteWhere"):
        return [_named(g) for g in op["quads"]]  # type: ignore[index]
    if name == "Modify":
        found = []
        for clause in (_part(op, "delete"), _part(op, "insert")):
            if clause is None:
                continue
            found += [_named(g) for g in _part(clause, "quads") or {}]
            if _part(clause, "triples") and _part(op, "withClause") is not None:
                found.append(_named(_part(op, "withClause")))
        return found
    if name in ("Clear", "Drop", "Load"):
        target = _part(op, "graphiri")
        if target in ("ALL", "NAMED"):
            raise Unknown
        return [] if target in (None, "DEFAULT") else [_named(target)]
    if name == "Create":
        return []  # an empty graph: no report in it
    if name in ("Add", "Copy", "Move"):
        source, target = op["graph"]  # type: ignore[index]
        return [_named(g) for g in ((source, target) if name == "Move" else (target,)) if g != "DEFAULT"]
    raise Unknown


def _part(node: object, key: str) -> object:
    """A part of a node of the algebra, None if it has none (rdflib's CompValue.get gives back the key instead)."""
    return dict.get(node, key) if isinstance(node, dict) else None


def _named(term: object) -> str:
    from rdflib.term import URIRef

    if isinstance(term, URIRef) and urllib.parse.urlsplit(str(term)).scheme:
        return str(term)
    raise Unknown  # a variable, or an IRI that did not resolve to an absolute one
