"""Entity mentions in an article, each linked to a reference entity or to a new node.

Sources of mentions, in order of trust: the reference gazetteer (names, aliases, demonyms, capitals
used for their governments, surnames of people named earlier), generic base phrases resolved through
the place they are said to be in ("a naval base ... in Tartus"), and the statistical model's entities
that the reference does not know (which become new nodes with a type and a label).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.attrs import IDX, TAG
from spacy.tokens import Doc

import ontology
from kg.extract import gazetteer as gz
from kg.extract.names import unknown_names
from kg.extract.parse import NOUN_TAGS, PROPER_NOUN_TAGS, credit_lines
from kg.reference import Entity
from kg.vocab import resource

TYPE_ORDER = ("State", "Person", "Organization", "MilitaryBase", "MilitaryAsset", "Place")
KIND_ORDER = (gz.NAME, gz.ALIAS, gz.CAPITAL, gz.DEMONYM, gz.SURNAME)
# A capital right after one of these words is the city, otherwise it stands for its government.
PLACE_PREPOSITION = re.compile(
    r"\b(?:in|at|to|from|near|outside|into|across|around|inside|of|on|towards?|via|over|capital|city|"
    r"visit(?:ed|ing|s)?)\s+(?:the\s+)?$",
    re.IGNORECASE)
# the parse: a name governed by one of these prepositions, or modifying one of these nouns, is a place
CITY_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "around", "into", "inside", "across", "throughout",
                               "towards", "toward", "within", "beyond"})
PLACE_NOUNS = frozenset({"suburb", "suburbs", "outskirts", "countryside", "province", "governorate", "neighborhood",
                         "neighbourhood", "district", "airport", "streets", "area", "region", "city", "residents"})
# a capital that possesses one of these is the city ("Baghdad's western suburbs", "Kabul's main trauma centre"); one
# that possesses anything else stands for its state ("Pyongyang's fourth nuclear test", "Beijing's ambitions")
CITY_POSSESSIONS = PLACE_NOUNS | {"centre", "center", "hospital", "mayor", "governor", "university", "square",
                                  "street", "downtown", "skyline", "police", "metro", "subway", "stadium", "zoo",
                                  "old", "historic", "central", "northern", "southern", "eastern", "western"}
# a dateline opens the article's first paragraph: "BEIRUT/MUNICH Syrian forces ...": those are cities
DATELINE = re.compile(r"(?:^|\n)(?:[A-Z][A-Z .'\-]*/)*$")
# a place's name followed by an organization's word is part of that organization's name ("Pacific Command")
ORG_NAME_AFTER = re.compile(r"\s+(?:[A-Z][\w-]+\s+)?(?:Command|Fleet|Forces|Force|Council|Group|Party|Ministry|"
                            r"Corps|Commission|Institute|University|Cent(?:er|re)|Foundation|Agency|Committee)\b")
NOMINAL_BASE = re.compile(
    r"\b(?:an?|the|its|their|his|her|one)\s+(?:[a-z][a-z\-]*\s+){0,2}?"
    r"(?P<head>naval base|naval facility|navy base|air ?base|air field|airfield|military airport|military base|"
    r"base)\b")
NAMED_BASE = re.compile(
    r"\b(?P<name>(?:[A-Z][\w'\-]+\s){1,3})(?P<kind>Air Base|Airbase|Air Force Base|Naval Base|Naval Station|"
    r"Military Base|Airfield|air base|naval base|airbase)\b")
ASSET_CODE = re.compile(r"\b[A-Z][A-Za-z]{0,9}-\d{1,3}[A-Za-z0-9]*(?:-[A-Z0-9]+)?\b")
ASSET_NOUNS = [
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:ballistic\s+)?missiles?\b", re.I), "Missile"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:drones?|UAVs?|unmanned aerial vehicles?)\b", re.I), "Drone"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:fighter jets?|jets?|fighters?|bombers?|warplanes?|aircraft)\b", re.I),
     "CombatAircraft"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?helicopters?\b", re.I), "Helicopter"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:tanks?|armou?red vehicles?|infantry fighting vehicles?)\b", re.I),
     "ArmouredVehicle"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:air[- ]defen[cs]e systems?|surface-to-air)\b", re.I),
     "AirDefenceSystem"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:howitzers?|rocket launchers?|artillery)\b", re.I), "Artillery"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?(?:frigates?|destroyers?|corvettes?|warships?|cruisers?)\b", re.I),
     "Warship"),
    (re.compile(r"^\W*(?:[\w-]+\s+){0,2}?submarines?\b", re.I), "Submarine"),
]
KNOWN_AS = re.compile(r"^[\s,]*(?:\w+\s*){0,2},?\s*(?:also\s+)?(?:known|called|dubbed|designated)\s+(?:as\s+)?$",
                      re.I)
@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    iri: str
    label: str
    cls: str  # most specific GeoKG class (local name)
    confidence: float
    how: str  # which evidence linked it: name, alias, demonym, capital, surname, nominal, model, pattern, coref
    new: bool = False  # a node the reference knowledge does not have
    entity: Entity | None = None

    @property
    def type(self) -> str:
        return ontology.core_type(self.cls)


def find_mentions(text: str, doc: Doc, gazetteer: gz.Gazetteer) -> list[Mention]:
    offsets, tags = doc.to_array([IDX, TAG]).T.tolist() if len(doc) else ([], [])
    noun_tags, proper_tags = ({doc.vocab.strings[t] for t in group} for group in (NOUN_TAGS, PROPER_NOUN_TAGS))
    nouns = frozenset(i for i, t in zip(offsets, tags, strict=True) if t in noun_tags)
    proper = frozenset(i for i, t in zip(offsets, tags, strict=True) if t in proper_tags)
    mentions: list[Mention] = []
    seen_people: dict[str, Mention] = {}
    located = frozenset(t.idx for t in doc if (t.dep_ == "pobj" and t.head.lower_ in CITY_PREPOSITIONS)
                        or (t.dep_ == "compound" and t.head.lower_ in PLACE_NOUNS))
    # the end of a possessor whose possession is no part of a city ("Pyongyang's nuclear test")
    possessors = frozenset(t.idx + len(t) for t in doc if t.dep_ == "poss" and t.pos_ == "PROPN"
                           and t.head.lower_ not in CITY_POSSESSIONS
                           and not any(c.lower_ in CITY_POSSESSIONS for c in t.head.children if c.i > t.i))
    for match in gazetteer.find(text, nouns, proper):
        m = _resolve(text, match, seen_people, mentions, located, possessors)
        if m is not None:
            mentions.append(m)
            if m.type == "Person":
                seen_people[m.iri] = m
    mentions += _named_bases(text, mentions)
    mentions += _asset_codes(text, mentions)
    mentions += _model_entities(text, doc, mentions, gazetteer.demonyms)
    mentions += _nominal_bases(text, doc, mentions, gazetteer)
    credits = credit_lines(doc)
    if credits:  # reporters and editors named in a credit line are no mentions
        mentions = [m for m in mentions if not any(a <= m.start < b for a, b in credits)]
    mentions.sort(key=lambda m: m.start)
    mentions = _known_as(text, mentions)
    mentions += _acronyms(text, mentions, credits)
    mentions += _halves(text, mentions, gazetteer.reference)
    mentions += _short_place_names(text, mentions, gazetteer.bare_places)
    mentions.sort(key=lambda m: m.start)
    mentions += _settlements(text, mentions, credits)  # places: the organizations stay in text order for _org_heads
    mentions = sorted(_org_heads(text, mentions), key=lambda m: m.start)
    return mentions


def _resolve(text: str, match: gz.Match, seen_people: dict[str, Mention], earlier: list[Mention],
             located: frozenset[int], possessors: frozenset[int]) -> Mention | None:
    surface = text[match.start:match.end]
    cands = list(match.candidates)
    if ORG_NAME_AFTER.match(text, match.end) and not any(c.kind == gz.DEMONYM for c in cands):
        cands = [c for c in cands if c.entity.type not in ("Place", "State")]  # "U.S. Pacific Command"
        if not cands:
            return None
    capital_city = [c for c in cands if c.entity.capital_of and c.kind != gz.CAPITAL]
    if any(c.kind == gz.CAPITAL for c in cands):
        as_city = match.end not in possessors and bool(
            PLACE_PREPOSITION.search(text[max(0, match.start - 30):match.start])
            or match.start in located  # "in central Damascus", "the Damascus suburbs"
            or (DATELINE.search(text, max(0, match.start - 40), match.start) and surface.isupper())
            or text.startswith("-based", match.end))  # "a London-based think tank"
        cands = capital_city if as_city and capital_city else [c for c in cands if c.kind == gz.CAPITAL]
    surnames = [c for c in cands if c.kind == gz.SURNAME]
    if surnames:
        earlier = [c for c in surnames if c.entity.iri in seen_people]
        if not earlier:
            return None  # a surname refers to a person the article has named in full ("Hussein, a resident" is not
            # the Fuad Hussein of the reference knowledge)
        cands = earlier[:1]
    places = {c.entity.iri: c.entity for c in cands if c.entity.type == "Place"}
    context = _place_context(list(places.values()), earlier) if len(places) > 1 else {}
    cands.sort(key=lambda c: (-context.get(c.entity.iri, 0), c.entity.iri not in seen_people,
                              KIND_ORDER.index(c.kind), TYPE_ORDER.index(c.entity.type)))
    best = cands[0]
    e = best.entity
    return Mention(match.start, match.end, surface, e.iri, e.label, e.cls, gz.CONFIDENCE[best.kind], best.kind,
                   entity=e)


def _place_context(places: list[Entity], earlier: list[Mention]) -> dict[str, int]:
    """For places of the same name ("Norfolk": in Virginia, in England), how much the article so far speaks of
    each: a base or place named earlier that lies in it (2), the place or state it lies in named earlier (1)."""
    named = {m.iri for m in earlier}
    inside = {m.entity.place for m in earlier if m.entity is not None and m.entity.place}
    return {p.iri: 2 * (p.iri in inside) + (p.place in named) for p in places}


def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)


def _new(start: int, end: int, text: str, label: str, cls: str, how: str, confidence: float) -> Mention:
    kind = {"Person": "person", "MilitaryAsset": "asset", "MilitaryBase": "base",
            "Organization": "organization", "Place": "place"}[ontology.core_type(cls)]
    return Mention(start, end, text[start:end], resource(kind, label).value, label, cls, confidence, how, new=True)


def _named_bases(text: str, mentions: list[Mention]) -> list[Mention]:
    """'Al-Tabqa Air Base', 'Shaykh Ahmed Naval Base': bases the reference does not know."""
    found: list[Mention] = []
    for m in NAMED_BASE.finditer(text):
        start, end = m.start("name"), m.end()
        name = m.group("name").strip()
        if name.split()[0].lower() in {"the", "a", "an", "its", "their"} or _overlaps(start, end, mentions + found):
            continue
        kind = m.group("kind").lower()
        cls = "NavalBase" if "naval" in kind else "AirBase" if "air" in kind else "MilitaryBase"
        label = f"{name} {m.group('kind').title()}"
        found.append(_new(start, end, text, label, cls, "pattern", 0.7))
    return found


def _asset_codes(text: str, mentions: list[Mention]) -> list[Mention]:
    """Designators such as 'KF-21 fighter jets' or 'Hwasong-19 missile' followed by a weapon noun."""
    found: list[Mention] = []
    for m in ASSET_CODE.finditer(text):
        if _overlaps(m.start(), m.end(), mentions + found):
            continue
        after = text[m.end():m.end() + 60]
        for pattern, cls in ASSET_NOUNS:
            if pattern.match(after):
                found.append(_new(m.start(), m.end(), text, m.group(), cls, "pattern", 0.7))
                break
    return found


def _model_entities(text: str, doc: Doc, mentions: list[Mention], demonyms: frozenset[str]) -> list[Mention]:
    """Entities the statistical model finds and the reference does not know become new nodes (kg.extract.names
    types them and joins the short forms of a person's name to the full one)."""
    return [_new(start, end, text, label, cls, "model", 0.6)
            for start, end, label, cls in unknown_names(text, doc, lambda a, b: _overlaps(a, b, mentions),
                                                        demonyms)]


def _nominal_bases(text: str, doc: Doc, mentions: list[Mention], gazetteer: gz.Gazetteer) -> list[Mention]:
    """'a naval base ... in the Syrian coastal city of Tartus' is the reference base in Tartus, if only one is."""
    found: list[Mention] = []
    for sent in doc.sents:
        for m in NOMINAL_BASE.finditer(text, sent.start_char, sent.end_char):
            start, end = m.start("head"), m.end("head")
            if _overlaps(start, end, mentions + found):
                continue
            place = next((p for p in mentions if p.start >= end and p.end <= sent.end_char
                          and p.start - end < 120 and p.type == "Place" and not p.new), None)
            if place is None:
                continue
            head = m.group("head")
            wanted = "NavalBase" if "nav" in head else "AirBase" if "air" in head else None
            hits = [b for b in gazetteer.bases if b.place == place.iri and (wanted is None or b.cls == wanted)]
            if len(hits) == 1:
                b = hits[0]
                found.append(Mention(start, end, text[start:end], b.iri, b.label, b.cls, 0.6, "nominal", entity=b))
    return found


def _known_as(text: str, mentions: list[Mention]) -> list[Mention]:
    """'X, known as Y': a new node X is the reference entity Y."""
    out = list(mentions)
    for i in range(len(out) - 1):
        a, b = out[i], out[i + 1]
        if a.iri != b.iri and KNOWN_AS.match(text[a.end:b.start]):
            if a.new and not b.new:
                out[i] = replace(b, start=a.start, end=a.end, text=a.text, how="coref")
            elif b.new and not a.new:
                out[i + 1] = replace(a, start=b.start, end=b.end, text=b.text, how="coref")
    return out


ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")
FUNCTION_WORDS = frozenset({"of", "the", "for", "and", "on", "in", "to", "de", "al"})


def _acronyms(text: str, mentions: list[Mention], skip: list[tuple[int, int]]) -> list[Mention]:
    """An acronym the reference does not hold stands for the organization named earlier in the article whose
    initials it is ("the Norwegian Refugee Council ... the NRC said"), when only one fits."""
    initials: dict[str, set[str]] = {}
    first: dict[str, Mention] = {}
    for m in mentions:
        if m.type != "Organization" or len(m.text.split()) < 2:
            continue
        words = [w for w in re.split(r"[\s\-]+", m.text) if w and w.lower() not in FUNCTION_WORDS]
        key = "".join(w[0] for w in words if w[0].isupper())
        if len(key) >= 2:
            initials.setdefault(key, set()).add(m.iri)
            first.setdefault(m.iri, m)
    if not initials:
        return []
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for a in ACRONYM.finditer(text):
        iris = initials.get(a.group())
        if not iris or len(iris) != 1 or any(s <= a.start() < e for s, e in taken + skip):
            continue
        m = first[next(iter(iris))]
        if m.start < a.start():
            out.append(replace(m, start=a.start(), end=a.end(), text=a.group(), how="acronym"))
    return out


# "the North" and "the South" in an article about the Koreas (its name for each, by the half named)
HALF = re.compile(r"\b[Tt]he (North|South)\b(?![\s-]+[A-Z])(?!-)")
HALVES = {"North": "North Korea", "South": "South Korea"}


# a place noun and "of" before a name say it is a place: "the town of Hit", "the city of Tyre"
PLACE_OF = re.compile(r"\b(?:town|city|village|region|district|province|port|outskirts|suburb) of "
                      r"(?P<name>[A-Z][\w'\-]+)\b")


# head nouns that many names share, too common to stand for one organization alone ("the State Department")
COMMON_HEADS = frozenset({"State", "States", "Forces", "Force", "Army", "Party", "Front", "Group", "Council",
                          "Ministry", "Department", "Agency", "Organization", "Organisation", "Union", "Republic",
                          "Kingdom", "Nations", "Command", "Office", "Service", "Guard", "Navy", "Corps", "Brigade",
                          "Movement", "Committee", "Court", "House", "Assembly", "Police", "Times", "News", "Post"})
NAME_HEAD = re.compile(r"(?:^|\s)([A-Z][a-z]{5,})(?=\s+(?:for|of|on)\s+[A-Z]|$)")


def _org_heads(text: str, mentions: list[Mention]) -> list[Mention]:
    """An organization named in full, later called by its name's head noun alone: "the Syrian Observatory for
    Human Rights ... Observatory director Rami Abdulrahman", "the Independent International Commission of
    Inquiry ... the Commission said"."""
    heads: dict[str, Mention] = {}
    for m in mentions:
        if m.type == "Organization" and " " in m.text and (h := NAME_HEAD.search(m.text)) is not None \
                and h.group(1) not in COMMON_HEADS:
            heads.setdefault(h.group(1), m)
    if not heads:
        return mentions
    # a node the model made of the head word alone ("The Observatory said") is the organization too
    kept = [m for m in mentions if not (m.new and m.text in heads and m.start > heads[m.text].start)]
    taken = [(m.start, m.end) for m in kept]
    for word, m in heads.items():
        for h in re.finditer(rf"(?<![\w-])(?<![A-Z][\w.]\s){word}\b(?!\s+[A-Z])(?!-)", text[m.end:]):
            start, end = m.end + h.start(), m.end + h.end()
            if not any(s < end and start < e for s, e in taken):
                kept.append(replace(m, start=start, end=end, text=word, how="coref", confidence=0.8))
    return kept


SETTLEMENT = re.compile(r"\b(?:town|city|village) of (?P<name>(?:(?:[Aa]l|[Ee]l|ad|as|ar|an|at|ash)[ -])?"
                        r"[A-Z][\w'’\-]+(?: [A-Z][\w'’\-]+){0,2})")


def _settlements(text: str, mentions: list[Mention], skip: list[tuple[int, int]]) -> list[Mention]:
    """A name after "the town of", "the village of" that neither the reference nor the model knows is a new place:
    "pushing south towards the town of al Hader"."""
    taken = [(m.start, m.end) for m in mentions] + skip
    out = []
    for h in SETTLEMENT.finditer(text):
        start, end = h.span("name")
        if not any(s < end and start < e for s, e in taken):
            out.append(_new(start, end, text, h.group("name"), "City", "pattern", 0.6))
    return out


def _short_place_names(text: str, mentions: list[Mention], bare_places: dict[str, Entity]) -> list[Mention]:
    """Places the reference names with their state or region after a comma because the bare name is a common
    word or another place's ("Hit, Iraq", "Tyre, Lebanon"), named bare where the text says it is a place ("the
    town of Hit"), when one place alone has that name (`bare_places`, from the gazetteer)."""
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for h in PLACE_OF.finditer(text):
        e = bare_places.get(h.group("name"))
        if e is not None and not any(s < h.end("name") and h.start("name") < end for s, end in taken):
            out.append(Mention(h.start("name"), h.end("name"), h.group("name"), e.iri, e.label, e.cls, 0.8, "name",
                               entity=e))
    return out


def _halves(text: str, mentions: list[Mention], reference) -> list[Mention]:
    if not any(m.type == "State" and m.label in HALVES.values() for m in mentions):
        return []
    states = {e.label: e for e in reference.entities.values() if e.type == "State" and e.label in HALVES.values()}
    taken = [(m.start, m.end) for m in mentions]
    out = []
    for h in HALF.finditer(text):
        e = states.get(HALVES[h.group(1)])
        if e is not None and not any(s <= h.start(1) < end for s, end in taken):
            out.append(Mention(h.start(1), h.end(1), h.group(1), e.iri, e.label, e.cls, 0.7, "coref", entity=e))
    return out
