"""The reference knowledge: pipe-separated tables in seeds/reference turned into entities and RDF.

The same parse feeds two consumers: the gazetteer that links mentions (kg.extract.gazetteer) and the
reference named graph in the store (`quads()`), so what extraction links to is exactly what is stored.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

import ontology
from kg import vocab
from kg.vocab import GKG, RES, WD, resource

REFERENCE_DIR = Path(
    os.environ.get("GEOKG_REFERENCE_DIR", Path(__file__).resolve().parent.parent / "seeds" / "reference")
)

OFFICES = {
    "HOS": ("HeadOfState", "President"),
    "HOG": ("HeadOfGovernment", "Prime Minister"),
    "FM": ("ForeignMinister", "Foreign Minister"),
    "DM": ("DefenceMinister", "Defence Minister"),
    "CMD": ("MilitaryCommander", "Commander"),
    "LEAD": ("OrganizationLeader", "Leader"),
    "ENV": ("Envoy", "Envoy"),
}
STATUS_CLASS = {"member": "UNMemberState", "observer": "UNObserverState", "de_facto": "DeFactoState"}
# The year up to which the reference tables were checked: their statements without years of their own (an
# operator, a membership or an alliance) held then, and may not have held earlier (gkg:asOf of the graph).
AS_OF = "2025"


class ReferenceError(ValueError):
    """A reference table is malformed; the message names the file and line."""


@dataclass
class Entity:
    """One reference entity, as the linker sees it."""

    iri: str
    label: str
    cls: str  # most specific GeoKG class, local name
    aliases: list[str] = field(default_factory=list)
    demonyms: list[str] = field(default_factory=list)
    place: str | None = None  # IRI of the containing place or state
    host: str | None = None  # bases: host state IRI
    operators: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)  # assets: origin state IRIs
    makers: list[str] = field(default_factory=list)  # assets: organization IRIs of their makers (prime contractors)
    state: str | None = None  # organizations: affiliated state IRI; cities: state the capital belongs to
    capital_of: str | None = None  # cities: the state whose capital this is
    offices: list[tuple[str, str, str, str]] = field(default_factory=list)  # (office code, of IRI, start, end)
    nato_names: list[str] = field(default_factory=list)
    coords: tuple[float, float] | None = None  # (lat, lon)
    qid: str | None = None
    members: list[str] = field(default_factory=list)  # alliances: member state IRIs
    allies: list[str] = field(default_factory=list)

    @property
    def type(self) -> str:
        """The contract type: State, Person, Organization, MilitaryAsset, MilitaryBase or Place."""
        return ontology.core_type(self.cls)


def _rows(name: str, width: int) -> Iterator[tuple[int, list[str]]]:
    path = REFERENCE_DIR / name
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            cells = [c.strip() for c in line.split("|")]
            if len(cells) != width:
                raise ReferenceError(f"{path}:{lineno}: expected {width} columns, found {len(cells)}")
            yield lineno, cells


def _list(cell: str) -> list[str]:
    return [x.strip() for x in cell.split(";") if x.strip()]


class Reference:
    """All reference entities, by IRI."""

    def __init__(self) -> None:
        self.entities: dict[str, Entity] = {}
        self.state_by_code: dict[str, Entity] = {}
        self.places_by_name: dict[str, Entity] = {}
        self.orgs_by_id: dict[str, Entity] = {}
        # (subject IRI, property local name, object IRI) -> (start year, end year or ""): the years of the
        # operators, memberships and alliances that the tables date ("TUR@2019", "GBR@1973-2020")
        self.years: dict[tuple[str, str, str], tuple[str, str]] = {}
        self._orgs_by_name: dict[str, Entity] | None = None  # built at first use, after loading
        self._load()

    def organization_named(self, name: str) -> Entity | None:
        """The organization with this name or alias (case and accents folded), if any."""
        if self._orgs_by_name is None:
            self._orgs_by_name = {}
            for e in self.entities.values():
                if e.type == "Organization":
                    for n in (e.label, *e.aliases):
                        self._orgs_by_name.setdefault(vocab.fold(n), e)
        return self._orgs_by_name.get(vocab.fold(name.strip()))

    # ------------------------------------------------------------------ parsing
    def _add(self, entity: Entity) -> Entity:
        existing = self.entities.get(entity.iri)
        if existing is not None:
            return existing
        self.entities[entity.iri] = entity
        return entity

    def _state(self, code: str, where: str) -> str:
        if code not in self.state_by_code:
            raise ReferenceError(f"{where}: unknown state code {code!r}")
        return self.state_by_code[code].iri

    def _organization(self, oid: str, where: str) -> str:
        if oid not in self.orgs_by_id:
            raise ReferenceError(f"{where}: unknown organization id {oid!r}")
        return self.orgs_by_id[oid].iri

    def _agent(self, ref: str, where: str) -> str:
        """A state code or an organization id."""
        if ref.startswith("org-"):
            return self._organization(ref, where)
        return self._state(ref, where)

    def _dated(self, cell: str, where: str, link: Callable[[str], tuple[str, str, str]]) -> list[str]:
        """The IRIs of a list of state codes or organization ids, each optionally with the years the link held
        ("TUR@2019": since 2019; "GBR@1973-2020"), noted in `years` for the statement `link(IRI)` makes."""
        iris = []
        for item in _list(cell):
            ref, _, years = item.partition("@")
            start, _, end = years.partition("-")
            if years and not re.fullmatch(r"\d{4}(-\d{4})?", years):
                raise ReferenceError(f"{where}: years {years!r} are not START or START-END (four digits each)")
            iri = self._agent(ref, where)
            iris.append(iri)
            if start:
                self.years[link(iri)] = (start, end)
        return iris

    def _place(self, name: str, where: str, default_state: str | None = None) -> str:
        """A place name (created as a plain gkg:Place in `default_state` if not listed) or a state code."""
        if name in self.state_by_code:
            return self.state_by_code[name].iri
        if name in self.places_by_name:
            return self.places_by_name[name].iri
        if default_state is None:
            raise ReferenceError(f"{where}: unknown place {name!r}")
        place = self._add(Entity(resource("place", name).value, name, "Place", place=default_state))
        self.places_by_name[name] = place
        return place.iri

    def _load(self) -> None:
        for lineno, (code, name, status, aliases, demonyms, capitals, qid) in _rows("states.psv", 7):
            if status not in STATUS_CLASS:
                raise ReferenceError(f"states.psv:{lineno}: unknown status {status!r}")
            state = self._add(Entity(resource("state", code).value, name, STATUS_CLASS[status],
                                     aliases=_list(aliases), demonyms=_list(demonyms), qid=qid or None))
            self.state_by_code[code] = state
            names = _list(capitals)
            if names:
                city = Entity(resource("place", f"{names[0]} {code}").value, names[0], "City",
                              aliases=names[1:], place=state.iri, capital_of=state.iri, state=state.iri)
                self.places_by_name[names[0]] = self._add(city)

        for lineno, (oid, name, cls, aliases, state, _allied) in _rows("organizations.psv", 6):
            where = f"organizations.psv:{lineno}"
            self._check_class(cls, "Organization", where)
            org = self._add(Entity(resource("organization", oid.removeprefix("org-")).value, name, cls,
                                   aliases=_list(aliases), state=self._state(state, where) if state else None))
            self.orgs_by_id[oid] = org

        pending = list(_rows("places.psv", 6))
        for lineno, (name, cls, aliases, _inside, lat, lon) in pending:
            where = f"places.psv:{lineno}"
            self._check_class(cls, "Place", where)
            capital = self.places_by_name.get(name)
            if capital is not None and capital.capital_of:
                capital.aliases += [a for a in _list(aliases) if a not in capital.aliases]
                capital.coords = _coords(lat, lon, where)
                continue
            place = self._add(Entity(resource("place", name).value, name, cls, aliases=_list(aliases),
                                     coords=_coords(lat, lon, where)))
            self.places_by_name[name] = place
        for lineno, (name, _cls, _aliases, inside, _lat, _lon) in pending:
            if inside and not self.places_by_name[name].capital_of:
                self.places_by_name[name].place = self._place(inside, f"places.psv:{lineno}")

        for lineno, (name, cls, aliases, nato, origin, operators, makers) in _rows("assets.psv", 7):
            where = f"assets.psv:{lineno}"
            self._check_class(cls, "MilitaryAsset", where)
            iri = resource("asset", name).value
            asset = self._add(Entity(iri, name, cls, aliases=_list(aliases), nato_names=_list(nato),
                                     origin=[self._state(c, where) for c in _list(origin)],
                                     operators=self._dated(operators, where, lambda op, a=iri: (op, "operates", a)),
                                     makers=[self._organization(o, where) for o in _list(makers)]))
            asset.aliases += [n for n in asset.nato_names if n not in asset.aliases]

        for lineno, (name, cls, aliases, host, operators, place, lat, lon) in _rows("bases.psv", 8):
            where = f"bases.psv:{lineno}"
            self._check_class(cls, "MilitaryBase", where)
            host_iri = self._state(host, where)
            iri = resource("base", name).value
            self._add(Entity(iri, name, cls, aliases=_list(aliases), host=host_iri,
                             operators=self._dated(operators, where, lambda op, b=iri: (op, "operates", b)),
                             place=self._place(place, where, default_state=host_iri) if place else host_iri,
                             coords=_coords(lat, lon, where)))

        for lineno, (name, office, of, start, end, aliases) in _rows("leaders.psv", 6):
            where = f"leaders.psv:{lineno}"
            if office not in OFFICES:
                raise ReferenceError(f"{where}: unknown office {office!r}")
            person = self._add(Entity(resource("person", name).value, name, "Person"))
            person.aliases += [a for a in _list(aliases) if a not in person.aliases]
            person.offices.append((office, self._agent(of, where), start, end))

        for lineno, (oid, members) in _rows("memberships.psv", 2):
            org = self.orgs_by_id.get(oid, None)
            if org is None:
                raise ReferenceError(f"memberships.psv:{lineno}: unknown organization id {oid!r}")
            org.members = self._dated(members, f"memberships.psv:{lineno}",
                                      lambda m, o=org.iri: (m, "memberOf", o))

        for lineno, (a, b) in _rows("alliances.psv", 2):
            where = f"alliances.psv:{lineno}"
            first = self._state(a, where)
            (second,) = self._dated(b, where, lambda x, f=first: (f, "alliedWith", x))
            if (first, "alliedWith", second) in self.years:
                self.years[second, "alliedWith", first] = self.years[first, "alliedWith", second]
            self.state_by_code[a].allies.append(second)
            self.entities[second].allies.append(first)

        for lineno, (key, qid) in _rows("wikidata.psv", 2):
            kind, _, name = key.partition("/")
            iri = (self.orgs_by_id[name].iri if kind == "organization" and name in self.orgs_by_id
                   else resource(kind, name).value)
            if iri not in self.entities:
                raise ReferenceError(f"wikidata.psv:{lineno}: no reference entity {key!r}")
            self.entities[iri].qid = qid

    @staticmethod
    def _check_class(cls: str, top: str, where: str) -> None:
        if top not in ontology.superclasses().get(cls, frozenset()):
            raise ReferenceError(f"{where}: {cls!r} is not a subclass of gkg:{top} in the ontology")

    # ------------------------------------------------------------------ RDF
    def quads(self) -> Iterator[ox.Quad]:
        """The reference knowledge as quads in the reference graph."""
        g = ox.NamedNode(vocab.REFERENCE_GRAPH)
        a = vocab.rdf("type")
        label, alt = vocab.rdfs("label"), vocab.skos("altLabel")
        yield ox.Quad(g, vocab.gkg("asOf"), ox.Literal(AS_OF, datatype=vocab.xsd("gYear")), g)
        for (subject, prop, obj), (start, end) in sorted(self.years.items()):
            fact = ox.NamedNode(f"{RES}fact/{hashlib.sha256(f'{subject} {prop} {obj}'.encode()).hexdigest()[:16]}")
            yield ox.Quad(fact, a, vocab.gkg("DatedFact"), g)
            yield ox.Quad(fact, vocab.rdf("subject"), ox.NamedNode(subject), g)
            yield ox.Quad(fact, vocab.rdf("predicate"), vocab.gkg(prop), g)
            yield ox.Quad(fact, vocab.rdf("object"), ox.NamedNode(obj), g)
            yield ox.Quad(fact, vocab.gkg("startYear"), ox.Literal(start, datatype=vocab.xsd("gYear")), g)
            if end:
                yield ox.Quad(fact, vocab.gkg("endYear"), ox.Literal(end, datatype=vocab.xsd("gYear")), g)
        for e in self.entities.values():
            s = ox.NamedNode(e.iri)
            yield ox.Quad(s, a, vocab.gkg(e.cls), g)
            yield ox.Quad(s, label, _en(e.label), g)
            for alias in e.aliases:
                yield ox.Quad(s, alt, _en(alias), g)
            for name in e.nato_names:
                yield ox.Quad(s, vocab.gkg("natoReportingName"), _en(name), g)
            for demonym in e.demonyms:
                yield ox.Quad(s, vocab.gkg("demonym"), _en(demonym), g)
            if e.qid:
                yield ox.Quad(s, ox.NamedNode(vocab.OWL + "sameAs"), ox.NamedNode(WD + e.qid), g)
            if e.cls in STATUS_CLASS.values():
                code = e.iri.rsplit("/", 1)[1]
                yield ox.Quad(s, vocab.gkg("iso3166Alpha3"), ox.Literal(code), g)
            if e.place:
                yield ox.Quad(s, vocab.gkg("locatedIn"), ox.NamedNode(e.place), g)
            if e.capital_of:
                yield ox.Quad(ox.NamedNode(e.capital_of), vocab.gkg("capital"), s, g)
            if e.host:
                yield ox.Quad(s, vocab.gkg("hostState"), ox.NamedNode(e.host), g)
            for op in e.operators:
                yield ox.Quad(ox.NamedNode(op), vocab.gkg("operates"), s, g)
            for origin in e.origin:
                yield ox.Quad(s, vocab.gkg("origin"), ox.NamedNode(origin), g)
            for maker in e.makers:
                yield ox.Quad(s, vocab.gkg("manufacturer"), ox.NamedNode(maker), g)
            if e.state and not e.capital_of:
                yield ox.Quad(s, vocab.gkg("affiliatedWith"), ox.NamedNode(e.state), g)
            for member in e.members:
                yield ox.Quad(ox.NamedNode(member), vocab.gkg("memberOf"), s, g)
            for ally in e.allies:
                yield ox.Quad(s, vocab.gkg("alliedWith"), ox.NamedNode(ally), g)
            if e.coords:
                geom = ox.NamedNode(e.iri + "/geometry")
                yield ox.Quad(s, vocab.geo("hasGeometry"), geom, g)
                yield ox.Quad(geom, a, vocab.geo("Geometry"), g)
                lat, lon = e.coords
                yield ox.Quad(geom, vocab.geo("asWKT"),
                              ox.Literal(f"POINT({lon} {lat})", datatype=vocab.geo("wktLiteral")), g)
            for office, of, start, end in e.offices:
                yield ox.Quad(s, vocab.gkg("leaderOf"), ox.NamedNode(of), g)
                tenure = ox.NamedNode(f"{RES}tenure/{vocab.slug(e.label)}-{office.lower()}-"
                                      f"{of.rsplit('/', 1)[1].lower()}-{start or 'x'}")
                yield ox.Quad(s, vocab.gkg("holds"), tenure, g)
                yield ox.Quad(tenure, a, vocab.gkg("Tenure"), g)
                yield ox.Quad(tenure, vocab.gkg("holder"), s, g)
                yield ox.Quad(tenure, vocab.gkg("office"), vocab.gkg(OFFICES[office][0]), g)
                yield ox.Quad(tenure, vocab.gkg("officeOf"), ox.NamedNode(of), g)
                of_label = self.entities[of].label
                yield ox.Quad(tenure, label, _en(f"{e.label}, {OFFICES[office][1].lower()} of {of_label}"
                                                 f" ({start or '?'}–{end or ''})"), g)
                if start:
                    yield ox.Quad(tenure, vocab.gkg("startYear"), ox.Literal(start, datatype=vocab.xsd("gYear")), g)
                if end:
                    yield ox.Quad(tenure, vocab.gkg("endYear"), ox.Literal(end, datatype=vocab.xsd("gYear")), g)


def _en(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _coords(lat: str, lon: str, where: str) -> tuple[float, float] | None:
    if not lat and not lon:
        return None
    try:
        la, lo = float(lat), float(lon)
    except ValueError:
        raise ReferenceError(f"{where}: coordinates {lat!r}, {lon!r} are not numbers") from None
    if not (-90 <= la <= 90 and -180 <= lo <= 180):
        raise ReferenceError(f"{where}: coordinates {la}, {lo} out of range")
    return la, lo


@lru_cache(maxsize=1)
def load() -> Reference:
    """The parsed reference knowledge (parsed once per process)."""
    return Reference()


__all__ = ["GKG", "Entity", "Reference", "ReferenceError", "load"]
