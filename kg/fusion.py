"""Cross-article event fusion: when two reports (kg.reports) tell the same event, and the groups they form.

Two reports tell the same event when nothing sets them apart and they share enough. Set apart by:

1. kind: another contract class, or classes neither of which is a superclass of the other, unless both are kinds
   of one fight (ONE_FIGHT: "the assault on Falluja", "the battle for Falluja", "the offensive"); an attack and
   an air strike may be one event, a missile test and an air strike are not;
2. modality: an assertion and the reports that deny or negate it are reports of one event (they contradict
   it); a plan, a threat or a hypothesis is an event of its own and fuses only with the same modality;
3. parties: on each side (actor, supplier or speaker; target or recipient) both name parties and none is the
   same. A force or ministry of a state counts as the state ("the Syrian army" is Syria); one side may be
   missing from either report;
4. place: both name places and none contains the other (gkg:locatedIn in the reference knowledge); a place the
   reference does not know may lie in one it knows (a district, a landmark), two it does not know must be one;
5. time: the periods they may have happened in do not overlap. A day-dated event may have happened the day
   before or after (time zones, "overnight"); a month is the whole of it; an undated report tells something
   of the UNDATED_LAG days before its article's publication (news report what just happened), or of the LASTING
   days of an offensive, siege, campaign or exercise; in an undated article it is placed nowhere and fuses only
   within its article. An article dates its story once: its undated reports may be of its report dated to a day
   of the STORY_DAYS before it. A report dated to a year only ("bombings this year", "in 2015") fuses only with
   reports dated to a year: it is about no day's event;
6. assets: both name assets and none is the same.

What they share, weighed by EVIDENCE (a party, a person, a place below the level of a state, an asset, the same
day or month, the same article; less where one names who acted and the other does not, unless both are undated
news of one day, or one gives a month and the other a day), must reach ENOUGH, and some of it must be a shared
party, place or asset: two undated reports of Russian air strikes in Syria (a party and a state) do not make one
event, while a party and a town do, and so do a party and a day.

Statements are fused only when both name the same speaker and the same day (or, in one article, when at most one
of them is dated): what was said is not extracted, and one speaker says many things, but the reports of one
speaker's words of one day are most often of one appearance. Undated statements of different articles stay apart.

Reports that tell the same event, directly or through other reports, are one group (the connected components of
the relation, `components`).

Background mentions: news mention past events without a date ("its fourth nuclear test", "the Paris attacks"),
and an undated report is placed in the days before its article, so those mentions would stay alone. A group that
no report dates (floating) is joined to the group that some report dates to a day or month (anchored) which it is a
later mention of: an event of up to LOOKBACK days before the mention, that nothing sets apart from it and that
shares RECALLED evidence with it, time not counted, provided it is the only such event among at most
RECALL_CANDIDATES of agreeing classes (rule 1) filed under the mention's keys (`attach`). Where several events
could be meant, none is chosen.

The canonical events (`groups`) depend on the set of reports only, not on the order in which they come: ingesting
articles one by one gives the groups that fusing them all at once gives.

Candidates are found through an index (kg.events_graph keeps it in the store): each report is filed, with its kind,
under the period of its time (the week of its date, else of its article's day; the month or year it is dated to)
with each of its parties, places (and the places that contain them) and assets; a report dated to a year only,
which its time does not bring near any other, under what alone is enough evidence (places, persons) and under
pairs of its parties and assets; a statement under its speakers and day, if it has one. `lookup` lists the keys
under which every report that may tell the same event is filed, so that no pair of matching reports is missed
and few others are read. Background mentions are filed apart, dated ones by month with the tags of the classes
that agree with theirs, undated ones by year (`background_keys`, `recalled_by`, `recalling`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from functools import lru_cache

import ontology
from kg import reference
from kg.reports import Report

# The version of these rules: stores whose events graph another version made are fused anew by `geokg init`.
RULES_VERSION = "4"
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
    # (unless both are undated news of the same day: one day's news of a place tell one event, some name who did it)
    "a month against a day": -0.5,  # "attacks this month" might be any of the month's attacks there
}
ENOUGH = 2.0
# Background mentions: an undated report ("its fourth nuclear test", "the Paris attacks") is a later mention of a
# dated event of up to LOOKBACK days before its article when it shares RECALLED evidence with it, no time counted,
# and that event is the only one it may be (among at most RECALL_CANDIDATES dated events of agreeing classes filed
# under its keys).
LOOKBACK = 365
RECALLED = 1.5
RECALL_CANDIDATES = 5
UNDATED = "undated"  # the home period of a report placed nowhere in time
# Reports whose derived values (parties, periods, keys) are kept between calls (with half as many kept, computing
# them anew took about a sixth of the storing process's time at 10,000 articles).
PER_REPORT = 1 << 16

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


@lru_cache(maxsize=65536)
def is_person(iri: str) -> bool:
    e = reference.load().entities.get(iri)
    return e is not None and e.type == "Person"


def _nests(a: str, b: str) -> bool:
    """One place is the other or contains it."""
    return a == b or b in within(a) or a in within(b)


# ------------------------------------------------------------------ what a report tells


@lru_cache(maxsize=4 * PER_REPORT)  # a report's sides: agents, patients, both, speakers
def parties(r: Report, roles: tuple[str, ...]) -> frozenset[str]:
    return frozenset(party(i) for role in roles for i in r.role(role))


@lru_cache(maxsize=PER_REPORT)
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


@lru_cache(maxsize=PER_REPORT)
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


@lru_cache(maxsize=PER_REPORT)
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
    return "person" if any(is_person(i) for i in shared) else name


def _shared(a: Report, b: Report) -> list[str]:
    """The entities the two reports share, as EVIDENCE names them (a party, a person, a place, an asset)."""
    shared = [s for s in (_side(a, b, AGENTS, "agent"), _side(a, b, PATIENTS, "patient")) if s]
    if _shared_place(a.role("location"), b.role("location")):
        shared.append("place")
    if a.role("asset") & b.role("asset"):
        shared.append("asset")
    return shared


def _one_names_no_agent(a: Report, b: Report) -> list[str]:
    if bool(parties(a, AGENTS)) == bool(parties(b, AGENTS)) or _news_of_one_day(a, b):
        return []
    return ["one names no agent"]


def _news_of_one_day(a: Report, b: Report) -> bool:
    """Both undated, in articles of the same day."""
    return _dated(a) is None and _dated(b) is None and a.published is not None and a.published == b.published


def evidence(a: Report, b: Report) -> float:
    """What the two reports share, by EVIDENCE; 0 when nothing anchors it (a shared party, place or asset)."""
    shared = _shared(a, b)
    if not shared:
        return 0.0
    when = _same_time(a, b)
    if when:
        shared.append(when)
    if a.article == b.article:
        shared.append("same article")
    if {_precision(a), _precision(b)} in ({"gYearMonth", "date"}, {"gYearMonth", None}):
        shared.append("a month against a day")
    return sum(EVIDENCE[s] for s in shared + _one_names_no_agent(a, b))


def _compatible(a: Report, b: Report) -> bool:
    """Nothing but time sets the reports apart: kind, modality, parties, places, assets (rules 1-4 and 6)."""
    return (_classes_agree(a, b) and _modalities_agree(a, b)
            and not any(_apart(parties(a, side), parties(b, side)) for side in (AGENTS, PATIENTS))
            and _places_agree(a.role("location"), b.role("location")) and not _apart(a.role("asset"), b.role("asset")))


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
    return _compatible(a, b) and evidence(a, b) >= ENOUGH


# ------------------------------------------------------------------ background mentions


@lru_cache(maxsize=PER_REPORT)
def _anchoring(r: Report) -> dt.date | None:
    """The first day of the report's own date, if it dates the event to a day or a month."""
    dated = _dated(r) if r.qualifier != "by" and r.datatype in ("date", "gYearMonth") else None
    if dated is None:
        return None
    return dated[0] + dt.timedelta(days=DAY_SLACK) if r.datatype == "date" else dated[0]


@lru_cache(maxsize=PER_REPORT)
def _told(r: Report) -> dt.date | None:
    """The publication day of a report that dates its event by nothing but that (undated, or 'by' its report)."""
    return r.published if r.date is None or r.qualifier == "by" else None


def attachable(u: Report, d: Report) -> bool:
    """Whether an undated report `u` may be a later mention of the dated event `d` (see `attach`): nothing sets them
    apart, the event happened before `u` was reported and at most LOOKBACK days before, and they share RECALLED
    evidence. Places must nest: one the reference does not know is no help so far away in time."""
    first, told, span = _anchoring(d), _told(u), _dated(d)
    if first is None or told is None or span is None:
        return False
    if not told - dt.timedelta(days=LOOKBACK) <= first or span[1] - dt.timedelta(days=DAY_SLACK) > told:
        return False
    if u.kind == "Statement" or not _compatible(u, d):
        return False
    places_u, places_d = u.role("location"), d.role("location")
    if places_u and places_d and not any(_nests(p, q) for p in places_u for q in places_d):
        return False
    shared = _shared(u, d)
    return bool(shared) and sum(EVIDENCE[s] for s in shared + _one_names_no_agent(u, d)) >= RECALLED


def _months(first: dt.date, last: dt.date) -> list[str]:
    months, (year, month) = [], (first.year, first.month)
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


@lru_cache(maxsize=256)
def _filed_as(cls: str) -> tuple[str, ...]:
    """The class tags a report of this class is filed under for `attach`: its class, each class above it, and the
    fight (ONE_FIGHT) if it is a kind of one."""
    supers = ontology.superclasses().get(cls, frozenset({cls}))
    return (f"is:{cls}", *(f"below:{c}" for c in sorted(supers - {cls})), *(("fight",) if cls in ONE_FIGHT else ()))


@lru_cache(maxsize=256)
def _recalls_as(cls: str) -> tuple[str, ...]:
    """The class tags under which the reports of every class that agrees with this one (rule 1: it, a class above or
    below it, a kind of the same fight) are filed (`_filed_as`)."""
    supers = ontology.superclasses().get(cls, frozenset({cls}))
    return (*(f"is:{c}" for c in sorted(supers | {cls})), f"below:{cls}", *(("fight",) if cls in ONE_FIGHT else ()))


@lru_cache(maxsize=PER_REPORT)
def background_keys(r: Report) -> frozenset[tuple[str, str, str]]:
    """The keys a report is filed under for `attach` (no statement: see `attachable`): a dated one under its date's
    month with its anchors, kind and class tags (the class is in the key so that only events of agreeing classes
    count among a mention's RECALL_CANDIDATES); an undated one under its article's year with its anchors and kind
    (`recalling` looks them up: a dated report's thirteen months and five class tags were 56 keys per anchor, a
    hundred times the keys that any report was filed under)."""
    first, told = _anchoring(r), _told(r)
    if r.kind == "Statement":
        return frozenset()
    if first is not None:
        month = first.isoformat()[:7]
        return frozenset((kind, entity, f"dated:{r.kind}:{tag}:{month}") for kind, entity in entries(r)
                         for tag in _filed_as(r.cls))
    if told is not None:
        return frozenset((kind, entity, f"told:{r.kind}:{told.year}") for kind, entity in entries(r))
    return frozenset()


@lru_cache(maxsize=PER_REPORT)
def recalled_by(u: Report) -> frozenset[tuple[str, str, str]]:
    """The keys of the dated reports an undated report `u` may recall (its LOOKBACK; classes that agree)."""
    told = _told(u)
    if told is None or u.kind == "Statement":
        return frozenset()
    months = _months(told - dt.timedelta(days=LOOKBACK), told)
    return frozenset((kind, entity, f"dated:{u.kind}:{tag}:{m}") for kind, entity in entries(u)
                     for tag in _recalls_as(u.cls) for m in months)


def recalling(d: Report, crowded: Set[tuple[str, str, str]] = frozenset()) -> frozenset[tuple[str, str, str]]:
    """The keys of the undated reports that may recall a dated report `d`: those of its kind in the years of its
    LOOKBACK (more than may recall it; `attach` decides), for each of its entries but those whose background keys are
    all `crowded` (filed under by more than RECALL_CANDIDATES events: a report that recalls `d` through that entry
    recalls one of them, and so too many events to choose one)."""
    first = _anchoring(d)
    if first is None or d.kind == "Statement":
        return frozenset()
    years = range(first.year, (first + dt.timedelta(days=LOOKBACK)).year + 1)
    open_entries = {(kind, entity) for kind, entity, _ in background_keys(d) - crowded}
    return frozenset((kind, entity, f"told:{d.kind}:{y}") for kind, entity in entries(d)
                     if (kind, entity) in open_entries for y in years)


def anchored(component: Iterable[Report]) -> bool:
    """A group that some report of dates to a day or a month."""
    return any(_anchoring(r) is not None for r in component)


def floating(component: Iterable[Report]) -> bool:
    """A group that no report of dates, with a report its article places in time."""
    members = list(component)
    return not anchored(members) and any(_told(r) is not None for r in members)


def attach(floats: list[list[Report]], anchors: list[list[Report]]) -> dict[int, int]:
    """Which anchored group (by index in `anchors`) each floating group (by index in `floats`) is a later mention of:
    the only one among the anchored groups filed under the keys it recalls (at most RECALL_CANDIDATES of them) that
    one of its reports is `attachable` to. `anchors` must hold every anchored group filed under those keys."""
    index: dict[tuple[str, str, str], set[int]] = {}
    for n, group in enumerate(anchors):
        for r in group:
            for key in background_keys(r):
                index.setdefault(key, set()).add(n)
    chosen: dict[int, int] = {}
    for n, group in enumerate(floats):
        hits = {d for r in group for key in recalled_by(r) for d in index.get(key, ())}
        if not hits or len(hits) > RECALL_CANDIDATES:
            continue
        fits = {d for d in hits if any(attachable(u, r) for u in group for r in anchors[d])}
        if len(fits) == 1:
            chosen[n] = fits.pop()
    return chosen


# ------------------------------------------------------------------ the index


def home(r: Report) -> str:
    """The period a report is filed under: its own date (day, month or year), else its article's day."""
    if _dated(r) is not None:
        assert r.date is not None
        return r.date
    return r.published.isoformat() if r.published is not None else UNDATED


@lru_cache(maxsize=PER_REPORT)
def entries(r: Report) -> frozenset[tuple[str, str]]:
    """(kind of entry, entity) under which a report is filed and looks others up: the parties it names (as the parties
    they act as), its places below the level of a state with those that contain them, its assets. Every report that
    shares enough with it to tell the same event shares one of these."""
    found = {("party", i) for i in parties(r, (*AGENTS, *PATIENTS))}
    return frozenset(found | _places(r) | {("asset", i) for i in r.role("asset")})


def _places(r: Report) -> set[tuple[str, str]]:
    return {("place", p) for i in r.role("location") for p in (i, *within(i)) if not is_state(p)}


@lru_cache(maxsize=PER_REPORT)
def _indexed(r: Report) -> frozenset[tuple[str, str]]:
    """(kind of entry, entity or two): what a report is filed under and looks others up by, in the periods of its
    time (`keys`, `lookup`): its `entries`, one of which with the time they share is enough evidence. Time counts
    nothing between reports dated to a year only: such a report has the entries that are enough alone (its places,
    persons) and the pairs that are (an acting and a receiving party; a party and an asset), two entities in one."""
    if _precision(r) != "gYear":
        return entries(r)
    agents, patients = parties(r, AGENTS), parties(r, PATIENTS)
    found = _places(r) | {("party", i) for i in agents | patients if is_person(i)}
    found |= {("sides", f"{a} {p}") for a in agents for p in patients}
    return frozenset(found | {("party-asset", f"{i} {x}") for i in agents | patients for x in r.role("asset")})


def _statement_keys(r: Report) -> frozenset[tuple[str, str, str]]:
    """The keys of a statement: its speakers on its day, if dated to one (else it fuses within its article only)."""
    if r.datatype != "date" or _explicit(r) is None or _dated(r) is None:
        return frozenset()
    return frozenset(("party", i, f"{r.date}/{r.kind}") for i in parties(r, ("speaker",)))


@lru_cache(maxsize=1)
def _standing() -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for iri in reference.load().entities:
        if party(iri) != iri:
            found.setdefault(party(iri), []).append(iri)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def standing_for(iri: str) -> tuple[str, ...]:
    """The forces, ministries and services that act as this state (see `party`)."""
    return _standing().get(iri, ())


def _days(first: dt.date, last: dt.date) -> Iterator[dt.date]:
    for n in range((last - first).days + 1):
        yield first + dt.timedelta(days=n)


@lru_cache(maxsize=65536)
def _week(day: dt.date) -> str:
    """The ISO week of a day, as "2016-W07"."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _weeks(first: dt.date, last: dt.date) -> set[str]:
    return {_week(d) for d in _days(first, last)}


@lru_cache(maxsize=PER_REPORT)
def _filed_periods(r: Report) -> frozenset[str]:
    """The periods a report is filed under: the month or year it is dated to, else the week of its day (its date,
    else its article's) and, for an undated report of a lasting event, every week of the days it may tell of (so
    that no lookup needs to reach that far)."""
    span = period(r)
    if span is None:  # placed nowhere: it fuses within its article only
        return frozenset()
    if _precision(r) in ("gYearMonth", "gYear"):
        return frozenset({r.date or ""})
    if _dated(r) is None:
        return frozenset(_weeks(*span) if _lag(r.cls) > UNDATED_LAG else {_week(span[1])})
    return frozenset({_week(dt.date.fromisoformat(r.date or ""))})


@lru_cache(maxsize=PER_REPORT)
def periods(r: Report) -> frozenset[str]:
    """Every period under which a report whose time may overlap this one's is filed: the weeks of the days from one
    before its first day to UNDATED_LAG after its last (an undated report is filed under its article's week, up to
    UNDATED_LAG after the days it may tell of), the months it covers (reports dated to a month); a report dated to
    a year only looks for reports dated to that year."""
    span = period(r)
    if span is None:
        return frozenset()
    if _precision(r) == "gYear":
        return frozenset({r.date or ""})
    first, last = span
    return frozenset(_weeks(first - dt.timedelta(days=DAY_SLACK), last + dt.timedelta(days=UNDATED_LAG))
                     | set(_months(first, last)))


@lru_cache(maxsize=PER_REPORT)
def lookup(r: Report) -> frozenset[tuple[str, str, str]]:
    """(kind of entry, entity, period/kind of report): the index keys under which every report that may tell the same
    event as `r` is filed (with others of its kind)."""
    if r.kind == "Statement":
        return _statement_keys(r)
    return frozenset((kind, entity, f"{p}/{r.kind}") for kind, entity in _indexed(r) for p in periods(r))


@lru_cache(maxsize=PER_REPORT)
def keys(r: Report) -> frozenset[tuple[str, str, str]]:
    """The index keys a report is filed under."""
    if r.kind == "Statement":
        return _statement_keys(r)
    return frozenset((kind, entity, f"{p}/{r.kind}") for kind, entity in _indexed(r) for p in _filed_periods(r))


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


def components(reports: Iterable[Report], linked: Iterable[Iterable[str]] = (),
               probe: Iterable[str] | None = None) -> list[list[Report]]:
    """The groups of `reports` connected by `same_event`, each sorted by IRI, in the order of their first reports.
    `linked` are groups known to be connected already; only the reports in `probe` (default: all) are compared with
    the others."""
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


def groups(reports: Iterable[Report]) -> list[list[Report]]:
    """The canonical events of `reports`: the `components`, with each floating one joined to the anchored one it is a
    later mention of (`attach`)."""
    found = components(reports)
    anchors = [c for c in found if anchored(c)]
    floats = [c for c in found if floating(c)]
    joined = attach(floats, anchors)
    extra: dict[int, list[Report]] = {}
    for k, d in joined.items():
        extra.setdefault(d, []).extend(floats[k])
    out = [sorted(g + extra.get(n, []), key=lambda r: r.iri) for n, g in enumerate(anchors)]
    out += [g for n, g in enumerate(floats) if n not in joined]
    out += [g for g in found if not anchored(g) and not floating(g)]
    return sorted(out, key=lambda g: g[0].iri)
