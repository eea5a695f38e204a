"""Canonical events as pages: /events/canonical lists the latest (or, with ?entity=IRI, an entity's), each with how
many articles and publishers report it, its first and last report, whether a report denies or contradicts it
("contested"), and its reports — each report's sentence and article — folded out below it. Read from the events
graph with kg.event_lists (index look-ups, not scans); entity pages show their entity's first few the same way.
"""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request

import ontology
from kg import event_lists, sparql_text, vocab
from server.protocol import store

bp = Blueprint("canonical", __name__)

LISTED = 50  # canonical events on the page
ON_ENTITY_PAGE = 10  # on an entity's page
REPORTS_SHOWN = 50  # reports folded out under an event at most (its counts say how many there are)


def _class(classes: str | None) -> str:
    """The most specific of an event's classes (given as IRIs apart by spaces), as a local name."""
    names = [c.removeprefix(vocab.GKG) for c in (classes or "").split()]
    supers = ontology.superclasses()
    return max(names, key=lambda c: (len(supers.get(c, ())), c), default="Event")


def with_reports(rows: list[dict[str, str | None]]) -> list[dict[str, object]]:
    """The events of kg.event_lists with their most specific class, a count of their contradicting reports as a
    number, and their reports (kg.event_lists.reports_of)."""
    out: list[dict[str, object]] = []
    for row in rows:
        reports = event_lists.reports_of(store(), row["e"] or "")
        out.append({**row, "class": _class(row["classes"]), "contested": int(row["contested"] or 0),
                    "reports": reports[:REPORTS_SHOWN], "report_count": len(reports)})
    return out


def of_entity(iri: str, limit: int = ON_ENTITY_PAGE) -> list[dict[str, object]]:
    return with_reports(event_lists.of_entity(store(), iri, limit))


@bp.route("/events/canonical")
def canonical_events() -> str:
    entity = (request.args.get("entity") or "").strip() or None
    if entity is not None and not entity.startswith(vocab.RES):
        abort(400, "entity must be an IRI of the graph's resources")
    rows = event_lists.of_entity(store(), entity, LISTED) if entity else event_lists.latest(store(), LISTED)
    label = None
    if entity is not None:
        found = store().query(f"SELECT ?l WHERE {{ {sparql_text.iri(entity)} <{vocab.RDFS}label> ?l }} LIMIT 1")
        label = next((r["l"].value for r in found), entity.rsplit("/", 1)[-1])
    return render_template("canonical_events.html", rows=with_reports(rows), entity=entity, entity_label=label,
                           limit=LISTED)
