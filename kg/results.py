"""SPARQL 1.1 query results (JSON, XML, CSV, TSV) written from solution rows, for the server's endpoint (rows
under its row cap) and the CLI (streamed).

Oxigraph serializes solutions itself, but names the variables of a `SELECT *` in alphabetical order
(?o ?p ?s for { ?s ?p ?o }); written here, they come in the order the query names them
(`sparql_text.star_order`), as other SPARQL servers give them."""

from __future__ import annotations

import io
import json
import xml.sax.saxutils as sax
from collections.abc import Iterable, Sequence
from typing import BinaryIO

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _term_json(term: object) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "literal", "value": str(term)}


def _term_xml(term: object) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{sax.escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{sax.escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f'<literal xml:lang="{sax.escape(term.language)}">{sax.escape(term.value)}</literal>'
        if term.datatype.value != XSD_STRING:
            return f'<literal datatype="{sax.escape(term.datatype.value)}">{sax.escape(term.value)}</literal>'
        return f"<literal>{sax.escape(term.value)}</literal>"
    return f"<literal>{sax.escape(str(term))}</literal>"


def _csv_cell(term: object) -> str:
    if term is None:
        return ""
    text = f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value  # type: ignore[attr-defined]
    if any(c in text for c in ',"\r\n'):
        text = '"' + text.replace('"', '""') + '"'
    return text


def write_solutions(out: BinaryIO, variables: Sequence[str], rows: Iterable[Sequence[object]], fmt: str) -> None:
    """Write the results in `fmt` ("json", "xml", "csv" or "tsv"), row by row."""
    if fmt == "json":
        out.write(json.dumps({"head": {"vars": list(variables)}}, ensure_ascii=False)[:-1].encode("utf-8"))
        out.write(b', "results": {"bindings": [')
        for i, row in enumerate(rows):
            binding = {v: _term_json(t) for v, t in zip(variables, row, strict=True) if t is not None}
            out.write((", " if i else "").encode() + json.dumps(binding, ensure_ascii=False).encode("utf-8"))
        out.write(b"]}}")
    elif fmt == "xml":
        out.write(('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>'
                   + "".join(f'<variable name="{sax.escape(v)}"/>' for v in variables)
                   + "</head><results>").encode("utf-8"))
        for row in rows:
            out.write(("<result>" + "".join(f'<binding name="{sax.escape(v)}">{_term_xml(t)}</binding>'
                                            for v, t in zip(variables, row, strict=True) if t is not None)
                       + "</result>").encode("utf-8"))
        out.write(b"</results></sparql>\n")
    elif fmt == "csv":
        out.write((",".join(variables) + "\r\n").encode("utf-8"))
        for row in rows:
            out.write((",".join(_csv_cell(t) for t in row) + "\r\n").encode("utf-8"))
    else:
        out.write(("\t".join(f"?{v}" for v in variables) + "\n").encode("utf-8"))
        for row in rows:
            out.write(("\t".join("" if t is None else str(t) for t in row) + "\n").encode("utf-8"))


def serialize_solutions(variables: Sequence[str], rows: Iterable[Sequence[object]], fmt: str) -> bytes:
    buffer = io.BytesIO()
    write_solutions(buffer, variables, rows, fmt)
    return buffer.getvalue()
