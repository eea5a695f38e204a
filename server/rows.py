"""The pages' SPARQL answers as rows of plain values."""

from __future__ import annotations

import pyoxigraph as ox

from kg import vocab
from kg.store import Store


def table(result: ox.QuerySolutions) -> list[dict[str, str | None]]:
    """A SELECT's rows, as {variable: value or None}."""
    names = [v.value for v in result.variables]
    return [{n: (None if sol[n] is None else sol[n].value) for n in names} for sol in result]


def rows(store: Store, query: str) -> list[dict[str, str | None]]:
    """The rows of a SELECT on the store, GeoKG's prefixes declared."""
    return table(store.query(vocab.SPARQL_PREFIXES + query))
