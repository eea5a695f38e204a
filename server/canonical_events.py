"""Canonical events as pages: /events/canonical lists the latest (or, with ?entity=IRI, an entity's), paged, each with
how many articles and publishers report it, its first and last report, whether a report denies or contradicts it
("contested"), and its reports — each report's sentence and article — folded out below it. The lists are read from
the search index (kg.search_index.SearchIndex.canonical_events, by a query worker), each event's reports from the
events graph (kg.event_lists); entity pages show their entity's first few the same way.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

import ontology
from kg import event_lists, fusion, sparql_text, vocab
from server.listings import page_number
from server.protocol import indexed, store

bp = Blueprint("canonical", __name__)

LISTED = 50  # canonical events on a page
ON_ENTITY_PAGE = 10  # on an entity's page
REPORTS_SHOWN = 50  # reports folded out under an event at most (its counts say how many there are)


def _class(classes: str) -> str:
    """The most specific of an event's classes (given as IRIs apart by spaces), as a local name."""
    names = [c.removeprefix(vocab.GKG) for c in classes.split()]
    supers = ontology.superclasses()
    return max(names, key=lambda c: (len(supers.get(c, ())), c), default="Event")


def with_reports(rows: list[dict[str, object]]) -> list[dict[str, object]]:
    """The events of the index (kg.search_index) with their most specific class and their reports
    (kg.event_lists.reports_of)."""
    out: list[dict[str, object]] = []
    for row in rows:
        reports = event_lists.reports_of(store(), str(row["iri"]))
        out.append({**row, "class": _class(str(row["classes"])), "reports": reports[:REPORTS_SHOWN],
                    "report_count": len(reports)})
    return out


def listed(entity: str | None, offset: int, limit: int) -> tuple[list[dict[str, object]], bool]:
    """A page of the latest canonical events, or of those that name the entity or a force, ministry or service of it
    (kg.fusion.standing_for); and whether more follow."""
    entities = None if entity is None else [entity, *fusion.standing_for(entity)]
    rows, more = indexed("canonical_events", entities=entities, offset=offset, limit=limit)
    return with_reports(rows), more


def of_entity(iri: str, limit: int = ON_ENTITY_PAGE) -> list[dict[str, object]]:
    return listed(iri, 0, limit)[0]


@bp.route("/events/canonical")
def canonical_events() -> str:
    entity = (request.args.get("entity") or "").strip() or None
    if entity is not None and not entity.startswith(vocab.RES):
        abort(400, "entity must be an IRI of the graph's resources")
    page = page_number(request.args)
    rows, more = listed(entity, (page - 1) * LISTED, LISTED)
    label = None
    if entity is not None:
        found = store().query(f"SELECT ?l WHERE {{ {sparql_text.iri(entity)} <{vocab.RDFS}label> ?l }} LIMIT 1")
        label = next((r["l"].value for r in found), entity.rsplit("/", 1)[-1])
    return render_template("canonical_events.html", rows=rows, entity=entity, entity_label=label, limit=LISTED,
                           page=page, more=more)
