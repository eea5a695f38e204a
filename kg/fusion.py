"""Cross-article event fusion: when two reports (kg.reports) tell the same event, and the groups they form.

Two reports tell the same event when nothing sets them apart and they share enough. Set apart by:

1. kind: another contract class, or classes neither of which is a superclass of the other (an attack and an
   air strike may be one event; a clash and a siege are not);
2. modality: an assertion and the reports that deny or negate it are reports of one event (they contradict
   it); a plan, a threat or a hypothesis is an event of its own and fuses only with the same modality;
3. parties: on each side (actor, supplier or speaker; target or recipient) both name parties and none is the
   same. A force or ministry of a state counts as the state ("the Syrian army" is Syria); one side may be
   missing from either report;
4. place: both name places and none contains the other (gkg:locatedIn in the reference knowledge; a place the
   reference does not know contains nothing and is not ruled out);
5. time: the periods they may have happened in do not overlap. A day-dated event may have happened the day
   before or after (time zones, "overnight"); a month is the whole of it; an undated report tells something
   of the UNDATED_LAG days before its article's publication (news report what just happened), and in an
   undated article it is placed nowhere: it fuses only within its article. A report dated to a year only
   ("bombings this year", "in 2015") fuses only with reports dated to a year: it is about no day's event;
6. assets: both name assets and none is the same.

What they share, weighed by EVIDENCE, must reach ENOUGH, and some of it must be a shared party, a shared place
below the level of a state, or a shared asset: two undated reports of Russian air strikes in Syria (a party
and a state) do not make one event, while a party and a town do, and so do a party and a day.

Statements are fused only when both name the same speaker and the same day: what was said is not extracted,
and one speaker says many things, but the reports of one speaker's words of one day are most often of one
appearance. Undated statements stay apart.

Reports that tell the same event, directly or through other reports, are one canonical event (the connected
components of the relation): so the groups do not depend on the order in which reports come, and ingesting
articles one by one gives the groups that fusing them all at once gives.

Candidates are found through an index (kg.events_graph keeps it in the store): each report is filed under
its home period (its date, else its article's day) with each of its parties, places (and the places that
contain them) and assets; `lookup` lists the keys under which every report that may tell the same event
is filed, so that no pair of matching reports is missed and no other period is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import ontology
from kg import reference
from kg.reports import Report

# The version of these rules: stores whose events graph another version made are fused anew by `geokg init`.
RULES_VERSION = "1"
AGENTS = ("actor", "supplier", "speaker")
PATIENTS = ("target", "recipient")
CONTRADICTING = frozenset({"Denied", "Negated"})
FACTUAL = CONTRADICTING | {None}
# Organizations that stand for their state as a party: its forces, ministries and services.
STANDING_FOR_STATE = ("MilitaryBranch", "GovernmentBody", "IntelligenceService")
UNDATED_LAG = 2  # days before its article's publication in which an undated report's event happened
DAY_SLACK = 1  # days either side of a day-dated event
STORY_DAYS = 7  # days before its publication in which an article's own story (not its background) happened
# Kinds of military operation that news use for one and the same fight: "the assault on Falluja", "the battle for
# Falluja", "the offensive", "the army captured the police station" (besides a class and its superclasses).
ONE_FIGHT = frozenset({"Attack", "Clash", "GroundOffensive", "Siege", "Capture"})
# How many days an event of these classes goes on, as the reports of it run: an undated report of it tells
# something of that many days before its article's publication (UNDATED_LAG for the others).
LASTING = {"GroundOffensive": 14, "Siege": 14, "MilitaryCampaign": 14, "Exercise": 14}
# What shared facts weigh, and the least two reports of one event share.
EVIDENCE = {
    "agent": 1.5,  # a state or organization on the acting side of both (actor, supplier, speaker)
    "patient": 1.5,  # a state or organization on the receiving side of both (target, recipient)
    "person": 2.0,  # a person on the same side of both
    "place": 2.0,  # a place below the level of a state (or one containing the other)
    "asset": 1.0,
    "same day": 2.0,  # both dated, to days that agree
    "reported that day": 1.0,  # one dated to a day, the other undated in an article of that day or the next
    "same month": 1.0,  # both dated, to the same month
    "same article": 1.0,  # an article's reports of one kind that nothing sets apart are mostly of its story
    "one names no agent": -0.5,  # beside one that names who acted, a report that does not might be of another event
    "a month against a day": -0.5,  # "attacks this month" might be any of the month's attacks there
}
ENOUGH = 2.0
UNDATED = "undated"  # the home period of a report placed nowhere in time

# ------------------------------------------------------------------ what the reference knowledge tells


@lru_cache(maxsize=65536)
def party(iri: str) -> str:
    """The party an entity acts as: a state's forces, ministries and services are the state."""
    e = reference.load().entities.get(iri)
    if e is not None and e.state and any(c in ontology.superclasses().get(e.cls, ()) for c in STANDING_FOR_STATE):
        return e.state
    return iri


@lru_cache(maxsize=65536)
def within(iri: str) -> tuple[str, ...]:
    """The places that contain a place or base (its gkg:locatedIn chain, nearest first); () if unknown."""
    entities = reference.load().entities
    chain: list[str] = []
    e = entities.get(iri)
    while e is not None and e.place and e.place not in chain and e.place != iri:
        chain.append(e.place)
        e = entities.get(e.place)
    return tuple(chain)


def known(iri: str) -> bool:
    return iri in reference.load().entities


@lru_cache(maxsize=65536)
def is_state(iri: str) -> bool:
    e = reference.load().entities.get(iri)
    return e is not None and e.type == "State"


def _nests(a: str, b: str) -> bool:
    """One place is the other or contains it."""
    return a == b or b in within(a) or a in within(b)


# ------------------------------------------------------------------ what a report tells


def parties(r: Report, roles: Iterable[str]) -> frozenset[str]:
    return frozenset(party(i) for role in roles for i in r.role(role))


def _dated(r: Report) -> tuple[dt.date, dt.date] | None:
    """The days the report's own date (if any, and valid) leaves for its event."""
    if r.date is None:
        return None
    try:
        if r.datatype == "date":
            day = dt.date.fromisoformat(r.date)
            if r.qualifier == "by":  # happened by then
                return day - dt.timedelta(days=UNDATED_LAG), day
            return day - dt.timedelta(days=DAY_SLACK), day + dt.timedelta(days=DAY_SLACK)
        if r.datatype == "gYearMonth":
            year, month = (int(x) for x in r.date.split("-"))
            first = dt.date(year, month, 1)
            return first, (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        if r.datatype == "gYear":
            return dt.date(int(r.date), 1, 1), dt.date(int(r.date), 12, 31)
    except ValueError:
        pass
    return None


def period(r: Report) -> tuple[dt.date, dt.date] | None:
    """The first and last day on which the report's event may have happened; None: placed nowhere."""
    dated = _dated(r)
    if dated is not None:
        return dated
    if r.published is not None:
        return r.published - dt.timedelta(days=_lag(r.cls)), r.published
    return None


@lru_cache(maxsize=256)
def _lag(cls: str) -> int:
    """How many days before its article an undated report of this class may tell of."""
    return max([UNDATED_LAG] + [days for c, days in LASTING.items() if c in ontology.superclasses().get(cls, (cls,))])


@lru_cache(maxsize=256)
def _reach(cls: str) -> int:
    """The longest lag of the classes a report of this class may fuse with (it, its superclasses and subclasses, and
    the kinds of one fight)."""
    supers = ontology.superclasses()
    return max([UNDATED_LAG] + [_lag(c) for c in supers if cls in supers[c] or c in supers.get(cls, ())
                                or (cls in ONE_FIGHT and c in ONE_FIGHT)])


def _explicit(r: Report) -> str | None:
    """The report's own date, unless it is only the date it was reported by."""
    return r.date if r.date is not None and r.qualifier != "by" and r.datatype in ("date", "gYearMonth") else None


# ------------------------------------------------------------------ the rules


def _classes_agree(a: Report, b: Report) -> bool:
    supers = ontology.superclasses()
    return a.kind == b.kind and (a.cls in supers.get(b.cls, ()) or b.cls in supers.get(a.cls, ())
                                 or (a.cls in ONE_FIGHT and b.cls in ONE_FIGHT))


def _modalities_agree(a: Report, b: Report) -> bool:
    return a.modality == b.modality or (a.modality in FACTUAL and b.modality in FACTUAL)


def _of_its_story(a: Report, b: Report) -> bool:
    """Reports of one article, one undated, the other dated to a day of the article's STORY_DAYS: an article dates
    its story once, and its undated reports may be of its dated one."""
    if a.article != b.article or {_precision(a), _precision(b)} != {"date", None}:
        return False
    dated = a if _precision(a) == "date" else b
    day = dt.date.fromisoformat(dated.date or "")
    return dated.published is not None and 0 <= (dated.published - day).days <= STORY_DAYS


def _times_agree(a: Report, b: Report) -> bool:
    if _of_its_story(a, b):
        return True
    pa, pb = period(a), period(b)
    if pa is None or pb is None:
        return pa is None and pb is None and a.article == b.article
    if (_precision(a) == "gYear") != (_precision(b) == "gYear"):
        return False  # "bombings this year": no day's event in particular
    return pa[0] <= pb[1] and pb[0] <= pa[1]


def _precision(r: Report) -> str | None:
    """The precision of the report's own date: 'date', 'gYearMonth', 'gYear'; None if it has none."""
    return r.datatype if _dated(r) is not None else None


def _places_agree(a: frozenset[str], b: frozenset[str]) -> bool:
    """Either names no place, or a place of one nests in a place of the other; a place the reference does not know
    beside one it knows may lie in it (a district of a city), two it does not know and that differ are apart."""
    return not a or not b or any(_nests(p, q) or known(p) != known(q) for p in a for q in b)


def _shared_place(a: frozenset[str], b: frozenset[str]) -> bool:
    """A place below the level of a state that both name, or one of which contains the other."""
    return any(_nests(p, q) and not is_state(p) and not is_state(q) for p in a for q in b)


def _same_time(a: Report, b: Report) -> str | None:
    """How closely the reports' dates agree: 'same day', 'same month', 'reported that day' (see EVIDENCE), or None."""
    da, db = _explicit(a), _explicit(b)
    if da is not None and db is not None:
        if a.datatype == b.datatype == "date":
            return "same day" if _times_agree(a, b) else None
        return "same month" if da[:7] == db[:7] else None
    dated, other = (a, b) if da is not None else (b, a)
    if (dated.datatype == "date" and _dated(other) is None and other.published is not None
            and 0 <= (other.published - dt.date.fromisoformat(dated.date or "")).days <= 1):
        return "reported that day"
    return None


def _apart(a: frozenset[str], b: frozenset[str]) -> bool:
    return bool(a) and bool(b) and not a & b


def _side(a: Report, b: Report, roles: tuple[str, ...], name: str) -> str | None:
    """'person' when a person acts on this side in both, `name` when another party does, else None."""
    shared = parties(a, roles) & parties(b, roles)
    if not shared:
        return None
    return "person" if any(reference.load().entities.get(i) is not None
                           and reference.load().entities[i].type == "Person" for i in shared) else name


def evidence(a: Report, b: Report) -> float:
    """What the two reports share, by EVIDENCE; 0 when nothing anchors it (a shared party, place or asset)."""
    shared = [s for s in (_side(a, b, AGENTS, "agent"), _side(a, b, PATIENTS, "patient")) if s]
    if _shared_place(a.role("location"), b.role("location")):
        shared.append("place")
    if a.role("asset") & b.role("asset"):
        shared.append("asset")
    if not shared:
        return 0.0
    when = _same_time(a, b)
    if when:
        shared.append(when)
    if a.article == b.article:
        shared.append("same article")
    if bool(parties(a, AGENTS)) != bool(parties(b, AGENTS)):
        shared.append("one names no agent")
    if {_precision(a), _precision(b)} in ({"gYearMonth", "date"}, {"gYearMonth", None}):
        shared.append("a month against a day")
    return sum(EVIDENCE[s] for s in shared)


def same_event(a: Report, b: Report) -> bool:
    """Whether the two reports tell the same event (the rules above)."""
    if not (_classes_agree(a, b) and _modalities_agree(a, b) and _times_agree(a, b)):
        return False
    if a.kind == "Statement":
        speakers = parties(a, ("speaker",))
        if not speakers or speakers != parties(b, ("speaker",)):
            return False
        if a.article == b.article and (_explicit(a) is None or _explicit(b) is None):
            return True  # an article's words of one speaker, dated (if at all) once
        return _same_time(a, b) == "same day" and a.date == b.date
    if any(_apart(parties(a, side), parties(b, side)) for side in (AGENTS, PATIENTS)):
        return False
    if not _places_agree(a.role("location"), b.role("location")) or _apart(a.role("asset"), b.role("asset")):
        return False
    return evidence(a, b) >= ENOUGH


# ------------------------------------------------------------------ the index


def home(r: Report) -> str:
    """The period a report is filed under: its own date (day, month or year), else its article's day."""
    if _dated(r) is not None:
        assert r.date is not None
        return r.date
    return r.published.isoformat() if r.published is not None else UNDATED


def filed(r: Report) -> set[tuple[str, str]]:
    """(kind of entry, entity) under which the report is filed: each party (as named, and as the party it acts as),
    each place with the places that contain it, each asset."""
    entries = {("party", i) for role in (*AGENTS, *PATIENTS) for i in r.role(role)}
    entries |= {("party", party(i)) for _, i in list(entries)}
    entries |= {("place", p) for i in r.role("location") for p in (i, *within(i))}
    return entries | {("asset", i) for i in r.role("asset")}


def _anchors(r: Report) -> set[tuple[str, str]]:
    """The entries through which a report may share enough with another: its parties, its places below the level of
    a state (with those that contain them), its assets."""
    found = {("party", i) for i in parties(r, (*AGENTS, *PATIENTS))}
    found |= {("place", p) for i in r.role("location") for p in (i, *within(i)) if not is_state(p)}
    return found | {("asset", i) for i in r.role("asset")}


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for n in range((last - first).days + 1):
        yield first + dt.timedelta(days=n)


def periods(r: Report) -> set[str]:
    """Every home period of a report whose time may overlap this one's."""
    span = period(r)
    if span is None:
        return {UNDATED}
    first, last = span
    days = list(_days(first - dt.timedelta(days=DAY_SLACK), last + dt.timedelta(days=_reach(r.cls))))
    return ({d.isoformat() for d in days} | {d.isoformat()[:7] for d in _days(first, last) if d.day == 1 or d == first}
            | {str(y) for y in range(first.year, last.year + 1)})


def lookup(r: Report) -> set[tuple[str, str, str]]:
    """(kind of entry, entity, period): the index keys under which every report that may tell the same event as `r`
    is filed (with others)."""
    return {(kind, entity, p) for kind, entity in _anchors(r) for p in periods(r)}


def keys(r: Report) -> set[tuple[str, str, str]]:
    """The index keys a report is filed under."""
    when = home(r)
    return {(kind, entity, when) for kind, entity in filed(r)}


# ------------------------------------------------------------------ grouping


@dataclass
class _Sets:
    """Union-find over report IRIs."""

    parent: dict[str, str]

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def groups(reports: Iterable[Report], linked: Iterable[Iterable[str]] = (),
           probe: Iterable[str] | None = None) -> list[list[Report]]:
    """The canonical events of `reports`: the groups of reports connected by `same_event`, each sorted by IRI, in the
    order of their first reports. `linked` are groups known to be together already (the canonical events a store
    holds); only the reports in `probe` (default: all) are compared with the others."""
    by_iri = {r.iri: r for r in reports}
    sets = _Sets({i: i for i in by_iri})
    for group in linked:
        members = [i for i in group if i in by_iri]
        for other in members[1:]:
            sets.union(members[0], other)
    index: dict[tuple[str, str, str], list[str]] = {}
    for r in by_iri.values():
        for key in keys(r):
            index.setdefault(key, []).append(r.iri)
    by_article: dict[str, list[str]] = {}
    for r in by_iri.values():
        by_article.setdefault(r.article, []).append(r.iri)
    for iri in sorted(by_iri if probe is None else set(probe) & set(by_iri)):
        r = by_iri[iri]
        candidates = {c for key in lookup(r) for c in index.get(key, ())} | set(by_article[r.article])
        candidates.discard(iri)
        for c in sorted(candidates):
            if sets.find(c) != sets.find(iri) and same_event(r, by_iri[c]):
                sets.union(iri, c)
    grouped: dict[str, list[Report]] = {}
    for iri in sorted(by_iri):
        grouped.setdefault(sets.find(iri), []).append(by_iri[iri])
    return list(grouped.values())
