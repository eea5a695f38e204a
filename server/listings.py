"""Events and articles as pages of their own: /events (filtered by class, actor, target, place, asset, publisher,
date range, modality and words; newest first; paged) and /articles (newest first; paged), read from the search
index (kg.search_index) by the query workers.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask import Blueprint, abort, render_template, request

import ontology
from kg import vocab
from kg.search_index import FILTER_ROLES, EventFilter, date_range
from server.protocol import ProtocolError, indexed

bp = Blueprint("listings", __name__)

EVENTS_PER_PAGE = 25
ARTICLES_PER_PAGE = 50
# The kinds of entity a name given for each filter is looked for among (a name shared by two is read as the one
# mentioned most).
ROLE_TYPES = {"actor": ("State", "Organization", "Person"), "target": (), "place": ("Place", "State", "MilitaryBase"),
              "asset": ("MilitaryAsset",), "entity": (), "publisher": ("Organization",)}


@dataclass
class EventQuery:
    """An /events request understood: the filter, the page, what the form shows, and what was not understood."""

    filter: EventFilter
    page: int
    form: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    try:
        return max(int(args.get(name, "1")), 1)
    except ValueError:
        abort(400, f"{name} must be a number")


def _entity(name: str, value: str) -> str | None:
    """The IRI that a filter's value names: an IRI of the graph's resources, a path under it ("state/RUS"), or the
    name or alias of an entity (as the search index has it)."""
    value = value.strip()
    if value.startswith(vocab.RES):
        return value
    if re.fullmatch(r"[a-z-]+/[^\s/]+", value):
        return vocab.RES + value
    found = indexed("resolve", name=value, cores=ROLE_TYPES[name])
    return str(found) if found else None


def event_query(args: Mapping[str, str], involving: str | None = None) -> EventQuery:
    """The events the request's arguments ask for; with `involving`, those where that entity has the role the
    `role` argument names (any, by default)."""
    form: dict[str, str] = {}
    unknown: list[str] = []
    roles: list[tuple[str, str]] = []
    if involving is not None:
        role = args.get("role") or "entity"
        if role not in FILTER_ROLES:
            abort(400, f"unknown role {role}")
        roles.append((role, involving))
        form["role"] = role
    for name in FILTER_ROLES if involving is None else ():
        if value := (args.get(name) or "").strip():
            iri = _entity(name, value)
            form[name] = value
            if iri is None:
                unknown.append(f"No entity is named “{value}”.")
            else:
                roles.append((name, iri))
    given = [(name, iri) for name, iri in roles if "/" in form.get(name, "")]  # an IRI or a path
    if given:  # the form shows names, not IRIs
        names = indexed("labels", iris=[iri for _, iri in given])
        form.update({name: names[iri] for name, iri in given if iri in names})
    cls = args.get("class") or None
    if cls is not None and cls not in ontology.event_classes():
        abort(400, f"unknown event class {cls}")
    modality = args.get("modality") or None
    if modality is not None and modality not in ("asserted", *ontology.modalities()):
        abort(400, f"unknown modality {modality}")
    start = end = None
    for name in ("from", "to"):
        if not (value := (args.get(name) or "").strip()):
            continue
        span = date_range(value)
        if span is None:
            abort(400, f"{name} must be a date: YYYY, YYYY-MM or YYYY-MM-DD")
        form[name] = value
        start, end = (span[0], end) if name == "from" else (start, span[1])
    publisher = None
    if value := (args.get("publisher") or "").strip():
        form["publisher"] = value
        publisher = _entity("publisher", value)
        if publisher is None:
            unknown.append(f"No publisher is named “{value}”.")
    text = (args.get("q") or "").strip() or None
    form.update({k: v for k, v in (("class", cls), ("modality", modality), ("q", text)) if v})
    return EventQuery(EventFilter(cls=cls, roles=tuple(roles), publisher=publisher, start=start, end=end,
                                  modality=modality, text=text), page_number(args), form, unknown)


def list_events(q: EventQuery, size: int = EVENTS_PER_PAGE, wait: float | None = None
                ) -> tuple[list[dict[str, object]], int]:
    """The page of events the query asks for, and how many there are in all (none if a name was not found)."""
    if q.unknown:
        return [], 0
    rows, total = indexed("events", wait, f=q.filter, offset=(q.page - 1) * size, limit=size)
    return rows, total


def class_options() -> list[tuple[str, str]]:
    """(class, label indented by its depth) of every event class, for the class filter."""
    labels = ontology.class_labels()
    return [(c, "\u2003" * depth + labels.get(c, c)) for c, depth in ontology.event_class_tree()]


@bp.route("/events")
def events() -> tuple[str, int, dict[str, str]] | str:
    q = event_query(request.args)
    try:
        rows, total = list_events(q)
    except ProtocolError as exc:
        return (render_template("events.html", q=q, rows=[], total=0, size=EVENTS_PER_PAGE, error=exc.message,
                                classes=class_options(), modalities=ontology.modalities()), exc.status, exc.headers)
    return render_template("events.html", q=q, rows=rows, total=total, size=EVENTS_PER_PAGE, error=None,
                           classes=class_options(), modalities=ontology.modalities())


@bp.route("/articles")
def articles() -> str:
    page = page_number(request.args)
    publisher = None
    if value := (request.args.get("publisher") or "").strip():
        publisher = _entity("publisher", value)
        if publisher is None:
            abort(404, f"no publisher is named “{value}”")
    rows, total = indexed("articles", offset=(page - 1) * ARTICLES_PER_PAGE, limit=ARTICLES_PER_PAGE,
                          publisher=publisher)
    return render_template("articles.html", rows=rows, total=total, page=page, size=ARTICLES_PER_PAGE,
                           publisher=value if publisher else None)
