"""Names the reference knowledge lacks: the statistical model's entities, typed by what the whole article says of
each name, and one entity per referent.

The small model often calls a Syrian village an organization or a person ("the rebel towns of Hayan and
Hreitan", "the city's Qasr Talil district"). So every occurrence of a name votes for a type: the model's label,
words inside the name ("Ministry", "Province"), and its context — a title before it ("envoy Staffan de
Mistura"), "the town of" before it, a place noun after it ("Kaynartepe neighborhood"), a locative preposition
governing it ("in Sarmada"), an apposition after it ("Derna, a town on ...", "Hussein, a resident"). The name
takes the type with most votes in the article. A shorter form of a person's name ("de Mistura", "Mr.
Chouchane") is that person.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from kg.extract.parse import PROPER_NOUN_TAGS, credit_lines
from kg.vocab import fold

PERSON, ORG, PLACE = "Person", "Organization", "Place"
MODEL_LABELS = {"PERSON": PERSON, "ORG": ORG, "GPE": PLACE, "LOC": PLACE, "FAC": PLACE}
GENERIC_WORDS = {
    "photo", "parliament", "government", "ministry", "army", "navy", "cabinet", "council", "congress",
    "senate", "police", "president", "minister", "state", "states", "west", "western", "east", "north",
    "south", "coalition", "forces", "military", "regime", "opposition", "rebels", "agencies", "media",
    "news", "house", "official", "officials", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
    "sunday", "defense", "defence", "foreign", "interior", "security", "intelligence", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november", "december", "today",
    "tonight", "update", "breaking", "sources", "source", "the latest", "latest", "islamic", "islamist", "kurdish",
    "sunni", "shi'ite", "shiite", "arab", "muslim", "christian", "jihadist", "jihadists", "caliphate", "ramadan",
}
TITLES = re.compile(r"^(?:(?:Mr|Mrs|Ms|Dr|Gen|General|Lt|Col|Colonel|Admiral|Adm|Major|Maj|Sheikh|Sir|King|"
                    r"Queen|Prince|Emir|President|Minister|Prime Minister|Commander|Ayatollah|Sgt|Sergeant|Capt|"
                    r"Captain|Cmdr|Lt\. Cmdr|Rep|Sen|Senator|Gov|Governor|Mullah|Imam)\.?\s+)+")
# "Defense Secretary", "Foreign Ministry spokesman": the word before is part of a title, not a name.
TITLE_AFTER = re.compile(r"\s+(?:Secretary|Minister|Ministry|Department|Speaker|spokes(?:man|woman|person)|officials?|"
                         r"chief)\b")
# words before a name (in its noun phrase) that make it a person
PERSON_TITLES = frozenset({
    "president", "minister", "envoy", "spokesman", "spokeswoman", "spokesperson", "secretary", "general", "gen",
    "col", "colonel", "lt", "lieutenant", "commander", "chief", "director", "leader", "ambassador", "mr", "mrs", "ms",
    "dr", "sheikh", "cleric", "analyst", "official", "mayor", "governor", "senator", "sen", "rep", "representative",
    "professor", "prof", "prince", "king", "queen", "emir", "sergeant", "sgt", "captain", "capt", "major", "maj",
    "admiral", "adm", "marshal", "reporter", "correspondent", "resident", "activist", "chairman", "chairwoman",
    "premier", "chancellor", "deputy", "vice", "head", "founder", "cmdr", "lawmaker", "congressman",
    "congresswoman", "militant", "fighter", "commentator", "expert", "researcher", "fellow", "witness", "ayatollah",
    "mullah", "imam", "officer", "pilot", "soldier", "judge", "prosecutor", "lawyer",
    "diplomat", "negotiator", "coordinator", "adviser", "advisor", "aide", "executive", "ceo", "journalist",
    "photographer", "brother", "son", "daughter", "wife", "husband", "father", "mother", "cmdr.", "staff"})
# nouns of an apposition after a name that make it a person ("Hussein, a resident") or a place ("Derna, a town")
PERSON_NOUNS = PERSON_TITLES - {"head", "vice", "deputy", "staff"}
PLACE_NOUNS = frozenset({
    "town", "city", "village", "district", "province", "region", "area", "neighborhood", "neighbourhood",
    "suburb", "countryside", "governorate", "camp", "port", "island", "islands", "border", "crossing", "airport",
    "border crossing", "municipality", "county", "state", "valley", "mountains", "mountain", "desert", "river",
    "hamlet", "outskirts", "quarter", "enclave", "oblast", "prefecture", "peninsula", "coast", "base", "airbase",
    "road", "highway", "front", "frontline", "plain", "plains", "hills", "heights", "capital", "strait", "sea",
    "gulf", "bay", "lake", "square", "zone", "corridor", "checkpoint"})
LOCATIVE_PREPOSITIONS = frozenset({"in", "at", "near", "outside", "around", "into", "towards", "toward", "across",
                                   "inside", "through", "throughout", "between", "via", "within", "from",
                                   "beyond", "along", "north", "south", "east", "west", "off", "past"})
ORG_WORDS = re.compile(r"\b(?:Brigades?|Front|Movement|Militia|Battalions?|Liberation|Mujahideen|Jihad|Army|Navy|"
                       r"Jaish|Jaysh|Liwa|Jabhat|Harakat|Kataib|Kata'ib|Saraya|Faylaq|Ahrar|Ansar|Jund|Hizb|Tahrir|"
                       r"Air Force|Marines?|Guards?|Corps|Command|Fleet|Armed Forces|Intelligence|Security Service|"
                       r"Ministry|Department|Agency|Council|Office|Commission|Committee|Party|Union|Organi[sz]ation|"
                       r"Institute|Center|Centre|University|Foundation|Group|Inc|Corp|Corporation|Company|Co|Ltd|LLC|"
                       r"Industries|Systems|Technologies|Aerospace|Dynamics|Airlines?|Bank|Fund|Association|"
                       r"Authority|Administration|Bureau|Service|Force|Forces|News|Times|Post|Press|Television|TV|"
                       r"Radio|Broadcasting|Gazette|Herald|Observatory|Network|Coalition|Alliance|Court|Parliament|"
                       r"Assembly|Senate|Congress|Subcommittee|Squadron|Regiment|Division|Wing|Unit)\b")
PLACE_WORDS = re.compile(r"\b(?:Sea|Ocean|Gulf|Strait|Bay|River|Lake|Canal|Province|Governorate|Region|Oblast|"
                         r"District|County|Valley|Desert|Island|Islands|Mountains?|Peninsula|Heights|Plain|Square|"
                         r"Street|Road|Highway|Airport|Port|Harbou?r|Reef|Shoal|Atoll|Coast|Basin|Hills?|Museum)\b")
ORG_CLASSES = [
    (re.compile(r"\b(?:Brigades?|Front|Movement|Militia|Battalions?|Liberation|Mujahideen|Jihad|Jaish|Jaysh|Liwa|"
                r"Jabhat|Harakat|Kataib|Kata'ib|Saraya|Faylaq|Ahrar|Ansar|Jund)\b"), "ArmedGroup"),
    (re.compile(r"\b(?:Army|Navy|Air Force|Marines?|Guards?|Corps|Command|Fleet|Armed Forces|Squadron|Regiment|"
                r"Division|Wing)\b"), "MilitaryBranch"),
    (re.compile(r"\b(?:Intelligence|Security Service)\b"), "IntelligenceService"),
    (re.compile(r"\b(?:Ministry|Department|Agency|Council|Office|Commission|Subcommittee|Committee|Senate|Congress|"
                r"Parliament|Assembly|Authority|Administration|Bureau)\b"), "GovernmentBody"),
    (re.compile(r"\b(?:News|Times|Post|Press|Television|TV|Radio|Broadcasting|Gazette|Herald)\b"), "NewsOrganization"),
    (re.compile(r"\b(?:Inc|Corp|Corporation|Company|Co|Ltd|LLC|Industries|Systems|Technologies|Aerospace|Dynamics|"
                r"Airlines?)\b"), "Company"),
]
PLACE_CLASSES = [
    (re.compile(r"\b(?:Sea|Ocean|Gulf|Strait|Bay|River|Lake|Canal)\b"), "WaterBody"),
    (re.compile(r"\b(?:Province|Governorate|Region|Oblast|District|County|Valley|Desert)\b"), "Region"),
    (re.compile(r"\b(?:Island|Islands)\b"), "Island"),
]
NAME_PARTICLES = {"al", "al-", "bin", "ibn", "de", "van", "von", "el", "abu", "abd", "ben", "da", "di", "le", "la",
                  "der", "ul", "ur", "bint", "du"}


@dataclass(frozen=True)
class Name:
    """A name the model found, with the span to mention and the types its occurrence votes for."""

    start: int
    end: int
    surface: str
    votes: Counter


def unknown_names(text: str, doc: Doc, taken, demonyms: frozenset[str] = frozenset()
                  ) -> list[tuple[int, int, str, str]]:
    """(start, end, label, class) of every name the reference does not know, typed by the article's votes;
    `taken(start, end)` says whether a span overlaps a mention found already; `demonyms` (folded) make an
    apposition a person's ("Noureddine Chouchane, a Tunisian")."""
    credits = credit_lines(doc)  # "(Reporting by Jack Kim)": no one the article's "Kim" can be
    names = [n for ent in doc.ents if (n := _name(text, doc, ent, demonyms)) is not None
             and not taken(n.start, n.end) and not any(a <= n.start < b for a, b in credits)]
    if not names:
        return []
    # one type per name in the article: the votes of all its occurrences, and a full name's those of its short
    # forms ("Chouchane" said, "Noureddine Chouchane, a Tunisian")
    totals: dict[str, Counter] = defaultdict(Counter)
    for n in names:
        totals[fold(n.surface)].update(n.votes)
    full_names = [k for k in totals if len(k.split()) > 1]
    for key in list(totals):
        longer = [f for f in full_names if f != key and _ends_with(f, key)]
        if len(longer) == 1:
            totals[longer[0]].update(totals[key])
    people = {key: n.surface for n in names if _winner(totals[key := fold(n.surface)]) == PERSON
              and len(n.surface.split()) > 1}
    out = []
    for n in names:
        key = fold(n.surface)
        full = _full_name(key, people)
        if full is not None:
            out.append((n.start, n.end, people[full], "Person"))  # "de Mistura", "Chouchane": the person named
            continue
        typ = _winner(totals[key])
        if typ is None or (typ == PERSON and len(n.surface.split()) < 2):
            continue  # a single word is no person's full name
        out.append((n.start, n.end, n.surface, _class(typ, n.surface, text, n.start)))
    return out


def _name(text: str, doc: Doc, ent: Span, demonyms: frozenset[str]) -> Name | None:
    label = MODEL_LABELS.get(ent.label_)
    group = ent.label_ == "NORP"  # "the rebel towns of Hayan and Hreitan": Hayan read as a people's name
    if label is None and not group:
        return None
    if not group and doc.has_annotation("TAG") and not any(t.tag_ in PROPER_NOUN_TAGS for t in ent):
        return None  # "Videos released by ...": a common noun the model took for a name
    start, end = ent.start_char, ent.end_char
    surface = text[start:end]
    if surface.lower().startswith("the "):
        start += 4
        surface = surface[4:]
    surface = surface.rstrip(".,;:'’s ") if surface.endswith(("'s", "’s")) else surface.strip()
    title = TITLES.match(surface)
    if title:
        start += title.end()
        surface = surface[title.end():]
    of_place = re.search(r"\s+of\s*$", surface) if label == ORG else None
    if label == ORG and of_place is None and re.match(r",\s+[A-Z]", text[ent.end_char:ent.end_char + 3]):
        of_place = re.search(r"\s+of\s+[A-Z][^,]*$", surface)
    if of_place:  # "Aerojet Rocketdyne Holdings Inc of Canoga Park, California": the company, not its town
        surface = surface[:of_place.start()]
    end = start + len(surface)
    if (not surface or not surface[0].isupper() or any(ch.isdigit() for ch in surface)
            or surface.lower() in GENERIC_WORDS or "\n" in surface or _heading(text, start, end)
            or re.fullmatch(r"[A-Z]{2,}s", surface)):  # "ICBMs"
        return None
    if label == ORG and (len(surface) < 3 or (surface.isupper() and len(surface) < 4) or TITLE_AFTER.match(text, end)):
        return None
    if group and fold(surface) in demonyms:
        return None
    votes: Counter = Counter({label: 1} if label else {})
    if surface.isupper() and len(surface) > 3 and re.search(r"(?:^|\n)(?:[A-Z][A-Z .'\-]*/)*$", text[:start]):
        votes[PLACE] += 5  # a dateline opens the article: "STUTTGART, Germany Islamic State militants ..."
    if ORG_WORDS.search(surface):
        votes[ORG] += 3
    if PLACE_WORDS.search(surface):
        votes[PLACE] += 3
    if re.search(r"[A-Z]\w+\s+(?:de|van|von|bin|ibn|al|el|abu|ben)[\s-]+[A-Z]", surface):
        votes[PERSON] += 1  # "Staffan de Mistura", "Abu Bakr al-Baghdadi"
    # the context of the first of coordinated names counts for all ("the towns of Hayan and Hreitan")
    first = ent.root
    while first.dep_ == "conj" and first.head.i < first.i:
        first = first.head
    left = first.left_edge.i if first is not ent.root else ent.start
    before = doc[left - 1] if left > 0 else None
    if title or (before is not None and before.lower_.rstrip(".") in PERSON_TITLES):
        votes[PERSON] += 3
    if re.search(r"\b(?:towns?|city|cities|villages?|districts?|provinces?|regions?|areas?|neighbou?rhoods?|suburbs?|"
                 r"camps?|port|islands?|governorates?|municipality|hamlets?|enclave) of\s+$",
                 text[max(0, doc[left].idx - 40):doc[left].idx], re.I):
        votes[PLACE] += 4
    after = doc[ent.end] if ent.end < len(doc) else None
    if after is not None and after.lower_ in PLACE_NOUNS and after.pos_ == "NOUN":
        votes[PLACE] += 3  # "Kaynartepe neighborhood", "Qasr Talil district"
    apposition = re.match(r",\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,3}?(?P<noun>[a-z]+)\b", text[end:end + 60])
    if apposition:
        noun = apposition.group("noun")
        if noun in PLACE_NOUNS:
            votes[PLACE] += 4
        elif noun in PERSON_NOUNS:
            votes[PERSON] += 4
    demonym = re.match(r",\s+(?:a|an)\s+(?P<word>[A-Z]\w+)\b", text[end:end + 40])
    if demonym and fold(demonym.group("word")) in demonyms:
        votes[PERSON] += 4  # "Noureddine Chouchane, a Tunisian"
    if first.dep_ == "pobj" and first.head.lower_ in LOCATIVE_PREPOSITIONS:
        votes[PLACE] += 2 if first.head.lower_ != "from" else 1
    if re.match(r",\s+(?:Syria|Iraq|Turkey|Libya|Yemen|Afghanistan|Pakistan|Egypt|Lebanon|Israel|Iran|Ukraine)\b",
                text[end:end + 20]):
        votes[PLACE] += 3
    if group and votes[PLACE] < 3:
        return None  # a people's name unless its context makes it a place
    return Name(start, end, surface, votes)


def _heading(text: str, start: int, end: int) -> bool:
    """Inside an all-capital heading line ("ALEPPO AIR STRIKES"): no sentence, no name."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)]
    if len(line) >= 80:
        return False
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 6 and sum(c.isupper() for c in letters) > 0.9 * len(letters)


def _winner(votes: Counter) -> str | None:
    if not votes:
        return None
    (best, n), *rest = votes.most_common()
    return best if not rest or n > rest[0][1] else None


def _ends_with(full: str, key: str) -> bool:
    words = key.replace("-", " ").split()
    return bool(words) and not all(w in NAME_PARTICLES for w in words) and \
        full.replace("-", " ").split()[-len(words):] == words


def _full_name(key: str, people: dict[str, str]) -> str | None:
    """The person of the article whose full name ends with these words ("de mistura" of "staffan de mistura")."""
    if key in people:
        return None
    matches = [full for full in people if _ends_with(full, key)]
    return matches[0] if len(matches) == 1 else None


def _class(typ: str, surface: str, text: str, start: int) -> str:
    if typ == ORG:
        return next((c for p, c in ORG_CLASSES if p.search(surface)), "Organization")
    if typ == PLACE:
        cls = next((c for p, c in PLACE_CLASSES if p.search(surface)), None)
        if cls is None:
            before = text[max(0, start - 20):start].lower()
            cls = "City" if re.search(r"\b(?:city|town|village) of\s+$", before) else "Place"
        return cls
    return "Person"
