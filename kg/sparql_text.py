"""Writing untrusted text into SPARQL safely: string literals and IRIs, escaped per the SPARQL 1.1 grammar."""

from __future__ import annotations

import re
from collections.abc import Iterable

import pyoxigraph as ox

_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
# IRIREF excludes these characters; a user-supplied IRI containing them is rejected, not "repaired".
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def literal(text: str, lang: str | None = None) -> str:
    """A double-quoted SPARQL string literal holding exactly `text`."""
    escaped = "".join(_ECHAR.get(c, c) for c in text)
    if lang is not None:
        if not re.fullmatch(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*", lang):
            raise ValueError(f"invalid language tag {lang!r}")
        return f'"{escaped}"@{lang}'
    return f'"{escaped}"'


def iri(value: str) -> str:
    """<value>, if value is an absolute IRI that needs no escaping; ValueError otherwise."""
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", value) or _BAD_IRI.search(value):
        raise ValueError(f"not a valid IRI: {value!r}")
    return f"<{value}>"


def graph_blocks(quads: Iterable[ox.Quad]) -> str:
    """Quads as the body of an INSERT DATA or DELETE DATA: a GRAPH block per named graph, holding its triples in
    N-Triples (which pyoxigraph writes with every IRI and literal escaped)."""
    by_graph: dict[ox.NamedNode, list[ox.Triple]] = {}
    for q in quads:
        if not isinstance(q.graph_name, ox.NamedNode):
            raise ValueError("only quads of named graphs can be written with graph_blocks")
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    return "\n".join(f"GRAPH <{g.value}> {{\n{ox.serialize(ts, None, ox.RdfFormat.N_TRIPLES).decode('utf-8')}}}"
                     for g, ts in by_graph.items())


_STRINGS_COMMENTS = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|'
                       r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|<[^<>"{}|^`\\\s]*>|#[^\n]*', re.S)


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside strings, IRIs and comments."""
    stripped = _STRINGS_COMMENTS.sub(" ", query)
    m = re.search(r"(?i)\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", stripped)
    return m.group(1).upper() if m else "SELECT"


_SELECT = re.compile(r"(?<![\w:])SELECT\b", re.I)
_STAR = re.compile(r"\s*(?:(?:DISTINCT|REDUCED)\s+)?\*", re.I)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)")


def star_order(query: str, variables: list[str]) -> list[str]:
    """The result variables of a `SELECT *` query in the order the query first names them; of any other
    query, as given. (Oxigraph sorts a `SELECT *`'s variables by name; the first SELECT of the text,
    outside strings, IRIs and comments, is the query's own — subqueries come after it.)"""
    text = _STRINGS_COMMENTS.sub(" ", query)
    select = _SELECT.search(text)
    if select is None or not _STAR.match(text, select.end()):
        return variables
    first: dict[str, int] = {}
    for m in _VARIABLE.finditer(text, select.end()):
        first.setdefault(m.group(1), m.start())
    return sorted(variables, key=lambda v: first.get(v, len(text)))


def with_prefixes(query: str, prefixes: dict[str, str], always: tuple[str, ...] = ("gkg", "rdfs")) -> str:
    """The query preceded by PREFIX declarations of the prefixes it uses (outside strings, IRIs and comments) and
    of those in `always`, as an editor shows it."""
    text = _STRINGS_COMMENTS.sub(" ", query)
    used = [p for p in prefixes if p in always or re.search(rf"(?<![\w:]){re.escape(p)}:", text)]
    return "".join(f"PREFIX {p}: <{prefixes[p]}>\n" for p in used) + "\n" + query


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def explain_syntax_error(query: str, message: str) -> str:
    """Oxigraph's message for a query it cannot parse ("error at 1:28: expected one of Prefix not found, ['%'],
    ..."), made readable: the line and column, an undeclared prefix by its name, at most eight of the tokens it
    expected, and the line with a caret under the place."""
    m = _ERROR_AT.match(message)
    if not m:
        return f"malformed query: {message}"
    line, column, detail = int(m.group(1)), int(m.group(2)), m.group(3)
    lines = query.split("\n")
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    prefix = re.search(r"([A-Za-z][\w.-]*)?:[\w.-]*$", text[:column - 1])
    if "Prefix not found" in detail and prefix:
        what = f"the prefix {prefix.group(1) or ''}: is not declared (PREFIX {prefix.group(1) or ''}: <...>)"
    elif expected := re.findall(r'"([^"]+)"', detail):
        what = "expected " + (f"one of {' '.join(expected[:8])}{' …' if len(expected) > 8 else ''}"
                              if len(expected) > 1 else expected[0])
    else:
        what = detail.split("\n")[0][:200]
    caret = " " * max(column - 1, 0) + "^"
    return f"malformed query at line {line}, column {column}: {what}\n{text}\n{caret}"
