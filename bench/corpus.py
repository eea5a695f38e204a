"""Synthetic news articles for the benchmarks, written from the reference knowledge.

Each article tells one story — an arms delivery, a deployment, a military operation or a visit between
governments — as a news agency would: a headline, a lede with its attribution, the weapon or the base,
quotes from officials, other governments' reactions, and background about the story's states drawn from
the reference facts (the bases and weapons they operate, earlier deliveries, deployments and
statements). 300-800 words; the sentence shapes vary (active and passive, reported speech and direct
quotes, "according to", appositions, relative dates such as "on Tuesday" or "last week") and no
sentence, nor the same background fact, repeats within an article.

Names, offices and operators are real: an official is quoted with a title only in a year the reference
knowledge has them in that office throughout (the first and last years of a term are left out, as the
month of the change is not recorded), with the title their country uses; armed groups are fought where
they are known to operate. The events themselves are invented. Deterministic for a given seed.

    python -m bench.corpus --articles 1000 -o bench/data/corpus-1k.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kg import reference
from kg.extract.gazetteer import DISAMBIGUATED
from kg.reference import Entity
from kg.vocab import fold

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
NOUNS = {"AirDefenceSystem": "air defence systems", "CombatAircraft": "combat aircraft", "Helicopter": "helicopters",
         "Drone": "drones", "BallisticMissile": "ballistic missiles", "CruiseMissile": "cruise missiles",
         "AntiTankMissile": "anti-tank missiles", "ArmouredVehicle": "armoured vehicles",
         "Artillery": "artillery systems", "Warship": "warships", "Submarine": "submarines",
         "TransportAircraft": "transport aircraft", "AirToAirMissile": "air-to-air missiles",
         "AirToGroundMissile": "air-to-surface missiles", "GuidedBomb": "guided bombs"}
SOURCES = ["two Western officials", "a senior defence official", "diplomats familiar with the talks",
           "a source close to the ministry", "regional intelligence officials", "people briefed on the matter",
           "a military spokesman", "officials in the capital"]
PUBLISHERS = ["Reuters", "Associated Press", "Agence France-Presse", "Al Jazeera"]
# Titles by office and state where the default is wrong; None: not named with a title here (a monarch of
# several realms, offices whose holders' titles changed within the recorded terms).
DEFAULT_TITLES = {"HOS": "President", "HOG": "Prime Minister", "FM": "Foreign Minister", "DM": "Defence Minister"}
TITLES = {
    ("HOS", "SAU"): "King", ("HOS", "JOR"): "King", ("HOS", "BHR"): "King", ("HOS", "KWT"): "Emir",
    ("HOS", "QAT"): "Emir", ("HOS", "OMN"): "Sultan", ("HOS", "IRN"): "Supreme Leader", ("HOG", "IRN"): "President",
    ("HOS", "GBR"): None, ("HOS", "CAN"): None, ("HOS", "AUS"): None, ("HOS", "JPN"): None, ("HOS", "PRK"): None,
    ("HOS", "LBY"): None, ("HOS", "SDN"): None, ("HOS", "YEM"): None,
    ("HOG", "DEU"): "Chancellor", ("HOG", "AUT"): "Chancellor", ("HOG", "CHN"): "Premier",
    ("FM", "USA"): "Secretary of State", ("DM", "USA"): "Defense Secretary", ("FM", "GBR"): "Foreign Secretary",
    ("DM", "GBR"): "Defence Secretary",
}
# Armed groups of the reference knowledge: states that have fought them, and where (state codes).
FOUGHT = {"Islamic State": ("IRQ SYR USA RUS TUR FRA GBR", "SYR IRQ"), "al-Qaeda": ("USA", "AFG YEM SYR"),
          "al-Qaeda in the Arabian Peninsula": ("YEM USA", "YEM"), "Hayat Tahrir al-Sham": ("SYR RUS", "SYR"),
          "Hezbollah": ("ISR", "LBN"), "Hamas": ("ISR", "PSE"), "Al-Qassam Brigades": ("ISR", "PSE"),
          "Palestinian Islamic Jihad": ("ISR", "PSE"), "Houthis": ("SAU ARE USA GBR ISR", "YEM"),
          "Taliban": ("AFG USA", "AFG"), "al-Shabaab": ("SOM KEN USA", "SOM"), "Boko Haram": ("NGA CMR TCD NER", "NGA"),
          "Wagner Group": ("UKR", "UKR"), "Syrian Democratic Forces": ("TUR", "SYR"), "YPG": ("TUR", "SYR"),
          "PKK": ("TUR", "TUR IRQ"), "Free Syrian Army": ("SYR", "SYR"), "Kataib Hezbollah": ("USA", "IRQ SYR"),
          "Islamic Resistance in Iraq": ("USA", "IRQ SYR"), "Rapid Support Forces": ("SDN", "SDN"),
          "Libyan National Army": ("LBY", "LBY")}
# Names that take the article in running text ("the United States", "the Netherlands", "the Tartus naval base").
STATE_WITH_THE = re.compile(r"^(?:United |Central African|Czech Republic|Dominican Republic|Democratic Republic|"
                            r"Republic of|Netherlands|Philippines|Bahamas|Gambia|Maldives|Comoros|Marshall Islands|"
                            r"Solomon Islands)")
KIND_IN_NAME = re.compile(r" [a-z][a-z-]*$")  # 'Type 45 destroyer', 'M777 howitzer'
BASE_WITH_THE = re.compile(r"(?:[Bb]ase|Airbase|[Aa]irfield|facility|Airport|garrison|Radar Station)$|\bbase in\b")

QUOTES = {
    "received": ["These systems will make our skies safer and our borders stronger",
                 "This is a defensive step and it is not aimed at any of our neighbours",
                 "Our armed forces need modern equipment, and we will keep buying it where it serves our security",
                 "The agreement reflects years of trust between our two countries"],
    "supplied": ["We honour our contracts, and this one is no exception",
                 "Our partners have every right to defend themselves",
                 "The deliveries comply fully with international law"],
    "deployed": ["The deployment is temporary and purely defensive",
                 "We are moving forces where they are needed to protect our interests",
                 "Our presence in the region will remain as long as the threat does"],
    "operation": ["We will continue to strike the terrorists wherever they hide",
                  "The operation will go on until the threat to our citizens has been removed",
                  "Every target was chosen to avoid harm to civilians"],
}
REACTIONS = ["condemned the move, saying it would destabilise the region",
             "said the government was following the developments closely",
             "called on all sides to show restraint",
             "warned that the country would respond if its security was threatened",
             "said the decision had been taken without consulting neighbouring states",
             "described the step as a provocation"]
AIMS = ["review its alliances", "strengthen its air defences", "defend its borders", "expand its navy",
        "buy more weapons abroad", "raise military spending"]
CONTEXT = [
    "Analysts said the move reflected a broader shift in the regional balance of power.",
    "The decision is likely to be discussed at the next meeting of defence ministers.",
    "Officials declined to give details of the timeline or the cost of the programme.",
    "The announcement came after weeks of tension along the border.",
    "Independent observers could not immediately verify the claims.",
    "Critics argued that the deal would fuel an arms race in the region.",
    "Satellite images published last month appeared to show new construction at the site.",
    "Parliament is expected to debate the budget for the armed forces next week.",
    "Military spending in the region has risen for five consecutive years, according to independent estimates.",
    "Opposition lawmakers demanded that the government publish the terms of the agreement.",
    "The defence ministry did not respond to a request for comment.",
    "Neither side disclosed the value of the contract.",
    "Training of the crews is expected to take several months.",
    "Residents reported hearing explosions late into the night.",
    "Humanitarian groups said thousands of people had fled the area in recent weeks.",
    "A joint statement issued after the meeting spoke of a shared commitment to regional stability.",
    "Defence analysts cautioned that the figures could not be independently confirmed.",
    "An analyst at a London-based think tank said the timing of the announcement was no accident.",
    "The move is the latest in a series of steps that have strained relations in the region.",
    "Officials said more details would be released in the coming days.",
]


def capitalized(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def a_or_an(word: str) -> str:
    return "an" if word[:1].lower() in "aeiou" else "a"


def plain(label: str) -> str:
    """A label as running text writes it: 'Norfolk (England)' -> 'Norfolk'."""
    return DISAMBIGUATED.sub("", label)


@dataclass(frozen=True)
class Official:
    person: Entity
    title: str
    state: Entity

    def named(self) -> str:  # "Russian Defence Minister Sergei Shoigu"
        return f"{self.state.demonyms[0]} {self.title} {self.person.label}"


class Writer:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.ref = ref = reference.load()
        ents = list(ref.entities.values())
        self.states = [e for e in ents if e.type == "State" and e.demonyms]
        state_iris = {s.iri for s in self.states}
        self.assets = [e for e in ents if e.type == "MilitaryAsset" and e.origin and e.cls in NOUNS
                       and e.origin[0] in state_iris]
        self.exported = [a for a in self.assets if set(a.operators) & state_iris - {a.origin[0]}]
        self.bases = [e for e in ents if e.type == "MilitaryBase" and e.operators and e.operators[0] in state_iris]
        self.waters = [e for e in ents if e.cls == "WaterBody"]
        self.capitals = {e.capital_of: e for e in ents if e.capital_of}
        self.places_in: dict[str, list[Entity]] = {}
        for e in ents:
            if e.type == "Place" and e.cls != "WaterBody" and (state := self.state_of(e)) is not None:
                self.places_in.setdefault(state.iri, []).append(e)
        code = {s.iri.rsplit("/", 1)[-1]: s for s in self.states}
        self.groups: list[tuple[Entity, list[Entity], list[Entity]]] = []  # (group, fought by, where)
        for g in ents:
            if g.label in FOUGHT:
                by, where = ([code[c] for c in codes.split() if c in code] for codes in FOUGHT[g.label])
                where = [s for s in where if self.places_in.get(s.iri)]
                if by and where:
                    self.groups.append((g, by, where))
        self.assets_of: dict[str, list[Entity]] = {}
        for a in self.assets:
            for op in a.operators:
                self.assets_of.setdefault(op, []).append(a)
        self.bases_of: dict[str, list[Entity]] = {}
        for b in self.bases:
            for op in b.operators:
                self.bases_of.setdefault(op, []).append(b)
        self.offices: dict[str, list[tuple[Entity, str, int, int | None]]] = {}  # state IRI -> office holders
        for p in ents:
            for office, of, start, end in p.offices:
                if office in DEFAULT_TITLES and start and of in state_iris:
                    self.offices.setdefault(of, []).append((p, office, int(start), int(end) if end else None))
        self.staffed: dict[tuple[int, tuple[str, ...]], list[Entity]] = {}

    def state_of(self, place: Entity) -> Entity | None:
        seen: set[str] = set()
        while place.type == "Place" and place.place and place.place not in seen:
            seen.add(place.place)
            place = self.ref.entities.get(place.place, place)
        return place if place.type == "State" else None

    # ------------------------------------------------------------------ how things are named
    def name(self, state: Entity) -> str:
        return f"the {state.label}" if STATE_WITH_THE.match(state.label) else state.label

    def base(self, b: Entity) -> str:
        """'the Hmeimim Air Base in Latakia', 'Camp Lemonnier'"""
        place = self.ref.entities.get(b.place or "")
        where = f" in {plain(place.label)}" if place and fold(plain(place.label)) not in fold(b.label) else ""
        return f"{'the ' if BASE_WITH_THE.search(b.label) else ''}{b.label}{where}"

    def possessive(self, state: Entity) -> str:
        """"Russia's", "the United States'"."""
        name = self.name(state)
        return name + ("'" if name.endswith("s") else "'s")

    @staticmethod
    def weapons(a: Entity) -> str:
        """'Pantsir-S1 air defence systems'; a class named by its kind is pluralized: 'Type 45 destroyers'."""
        if KIND_IN_NAME.search(a.label):
            return a.label + ("es" if a.label.endswith(("ss", "sh", "ch")) else "s")
        return f"{a.label} {NOUNS[a.cls]}"

    def described(self, a: Entity) -> str:
        """'the Pantsir-S1, an air defence system built in Russia and known to NATO as SA-22 Greyhound,' (with
        the comma that closes the apposition)"""
        noun = NOUNS[a.cls]
        noun = noun if noun.endswith("aircraft") else noun.removesuffix("s")
        made = self.rnd.choice(["built", "developed", "designed", "made"])
        kind = "" if KIND_IN_NAME.search(a.label) else f"{a_or_an(noun)} {noun} "
        text = f"the {a.label}, {kind}{made} in {self.name(self.ref.entities[a.origin[0]])}"
        return text + (f" and known to NATO as {a.nato_names[0]}," if a.nato_names else ",")

    def number(self, a: Entity) -> int:
        """How many are delivered or deployed at once: a few ships, a squadron of aircraft, batteries of the rest."""
        if a.cls in ("Warship", "Submarine"):
            return self.rnd.randrange(2, 5)
        if a.cls in ("CombatAircraft", "Helicopter", "TransportAircraft", "Drone"):
            return self.rnd.randrange(4, 25)
        return self.rnd.randrange(6, 48)

    @staticmethod
    def based_at(b: Entity) -> tuple[str, ...]:
        """The kinds of weapons a base keeps."""
        if b.cls == "NavalBase":
            return ("Warship", "Submarine")
        if b.cls == "AirBase":
            return ("CombatAircraft", "Drone", "Helicopter", "TransportAircraft", "AirDefenceSystem")
        return ("ArmouredVehicle", "Artillery", "AirDefenceSystem", "Helicopter")

    @staticmethod
    def sent_to(b: Entity) -> list[str]:
        """What is sent to a base, by its kind."""
        if b.cls == "NavalBase":
            return ["warships", "a naval task force", "marines"]
        if b.cls == "AirBase":
            return ["a squadron of combat aircraft", "air defence units", "drones"]
        return ["troops", "air defence units", "additional forces", "special forces"]

    @staticmethod
    def kept_at(b: Entity) -> str:
        return {"NavalBase": "ships and personnel", "AirBase": "aircraft and personnel"}.get(b.cls, "troops")

    def officials(self, state: Entity, year: int, offices: tuple[str, ...] = ("HOS", "HOG", "FM", "DM")
                  ) -> list[Official]:
        """Who held an office of the state throughout `year`, with the title the state uses for it."""
        holders = self.offices.get(state.iri, [])
        code = state.iri.rsplit("/", 1)[-1]
        found = []
        for person, office, start, end in holders:
            if office not in offices or not (start < year and (end is None or year < end)):
                continue
            title = TITLES.get((office, code), DEFAULT_TITLES[office])
            if office == "HOG" and any(p is person and o == "HOS" and s < year and (e is None or year < e)
                                       for p, o, s, e in holders):
                title = TITLES.get(("HOS", code), "President")  # head of state and of government
            if title is not None:
                found.append(Official(person, title, state))
        return found

    def official(self, state: Entity, year: int, offices: tuple[str, ...] = ("HOS", "HOG", "FM", "DM")
                 ) -> Official | None:
        found = self.officials(state, year, offices)
        return self.rnd.choice(found) if found else None

    def staffed_states(self, year: int, offices: tuple[str, ...] = ("HOS", "HOG", "FM", "DM")) -> list[Entity]:
        """The states with someone to quote in `year`."""
        key = (year, offices)
        if key not in self.staffed:
            self.staffed[key] = [s for s in self.states if self.officials(s, year, offices)]
        return self.staffed[key]

    # ------------------------------------------------------------------ dates
    def recently(self, published: dt.date) -> str:
        """The main event's date, as agencies write it relative to the publication date."""
        r = self.rnd
        days = r.randrange(1, 6)
        when = published - dt.timedelta(days=days)
        return r.choice([f"on {WEEKDAYS[when.weekday()]}", f"on {when.day} {MONTHS[when.month - 1]}",
                         f"on {WEEKDAYS[when.weekday()]}",  # twice: agencies write the weekday most
                         "last week" if days > 3 else "this week"])

    def earlier(self, published: dt.date) -> tuple[dt.date, str]:
        """A date months or years before publication, and how the text gives it."""
        r = self.rnd
        when = published - dt.timedelta(days=r.randrange(60, 2000))
        return when, r.choice([f"in {MONTHS[when.month - 1]} {when.year}", f"in {when.year}",
                               f"on {when.day} {MONTHS[when.month - 1]} {when.year}"])

    # ------------------------------------------------------------------ stories: (headline, paragraphs, states)
    def transfer(self, d: dt.date) -> tuple[str, list[list[str]], list[Entity]]:
        r = self.rnd
        a = r.choice(self.exported)
        supplier = self.ref.entities[a.origin[0]]
        recipient = r.choice([s for s in self.states if s.iri in a.operators and s is not supplier])
        n, when, source, w = self.number(a), self.recently(d), r.choice(SOURCES), self.weapons(a)
        s, t = self.name(supplier), self.name(recipient)
        headline = r.choice([f"{capitalized(s)} delivers {w} to {t}", f"{capitalized(t)} receives {w} from {s}",
                             f"{capitalized(s)} sends {NOUNS[a.cls]} to {t}"])
        lede = r.choice([
            f"{capitalized(s)} has delivered {n} {w} to {t}, according to {source}.",
            f"{capitalized(source)} said {when} that {s} had begun delivering {w} to {t}.",
            f"{capitalized(t)} has taken delivery of {n} {w} from {s}, {source} told {r.choice(PUBLISHERS)} {when}.",
            f"A first batch of {w} supplied by {s} arrived in {t} {when}, {source} said.",
        ])
        detail = r.choice([f"{capitalized(self.described(a))} is expected to enter service within months.",
                           f"The order covers {n} units of {self.described(a)[:-1]}.",
                           f"The deal for {self.described(a)} was signed last year."])
        paragraphs = [[lede, detail], *self.quote(recipient, d.year, "received"),
                      *self.quote(supplier, d.year, "supplied"), *self.reactions(d.year, [supplier, recipient])]
        return headline, paragraphs, [supplier, recipient]

    def deployment(self, d: dt.date) -> tuple[str, list[list[str]], list[Entity]]:
        r = self.rnd
        b = r.choice(self.bases)
        state = self.ref.entities[b.operators[0]]
        own = [a for a in self.assets_of.get(state.iri, []) if a.cls in self.based_at(b)]
        what = r.choice(self.sent_to(b))
        if own and r.random() < 0.7:
            a = r.choice(own)
            what = f"{self.number(a)} {self.weapons(a)}"
        st, when, source = self.name(state), self.recently(d), r.choice(SOURCES)
        headline = r.choice([f"{capitalized(st)} deploys forces to {self.base(b)}",
                             f"{capitalized(st)} reinforces {self.base(b)}"])
        lede = r.choice([
            f"{capitalized(st)} has deployed {what} to {self.base(b)}, {source} said {when}.",
            f"{capitalized(st)} moved {what} to {self.base(b)} {when}, according to {source}.",
            f"{'A further ' if what[0].isdigit() else ''}{capitalized(what)} "
            f"{'was' if what.startswith('a ') else 'were'} deployed by {st} to {self.base(b)} {when}, {source} said.",
        ])
        paragraphs = [[lede]]
        host = self.ref.entities.get(b.host or "")
        if host is not None and host is not state and host in self.states:
            paragraphs[0].append(f"The base, in {self.name(host)}, has been used by {st} for years.")
        paragraphs += [*self.quote(state, d.year, "deployed"), *self.reactions(d.year, [state])]
        return headline, paragraphs, [state] + ([host] if host in self.states and host is not state else [])

    def operation(self, d: dt.date) -> tuple[str, list[list[str]], list[Entity]]:
        r = self.rnd
        group, by, where = r.choice(self.groups)
        state, home = r.choice(by), r.choice(where)
        place = r.choice(self.places_in[home.iri])
        st, when, source, p = self.name(state), self.recently(d), r.choice(SOURCES), plain(place.label)
        headline = r.choice([f"{capitalized(st)} strikes {group.label} in {p}",
                             f"{state.demonyms[0]} air strikes hit {group.label} near {p}"])
        lede = r.choice([
            f"{capitalized(st)} carried out air strikes against {group.label} near {p} {when}, {source} said.",
            f"{capitalized(st)} launched an offensive against {group.label} in {p} {when}, according to {source}.",
            f"{state.demonyms[0]} forces attacked {group.label} positions in {p} {when}.",
        ])
        paragraphs = [[lede]]
        jets = [a for a in self.assets_of.get(state.iri, []) if a.cls in ("CombatAircraft", "Drone")]
        if jets:
            paragraphs[0].append(f"{capitalized(self.described(r.choice(jets)))} took part in the raids, "
                                 f"{r.choice(SOURCES)} said.")
        paragraphs += [*self.quote(state, d.year, "operation"), *self.reactions(d.year, [state, home])]
        return headline, paragraphs, [state] + ([home] if home is not state else [])

    def visit(self, d: dt.date) -> tuple[str, list[list[str]], list[Entity]]:
        r = self.rnd
        guest_of = r.choice(self.staffed_states(d.year))
        guest = self.official(guest_of, d.year)
        host = r.choice([s for s in self.states if s is not guest_of and s.iri in self.capitals])
        assert guest is not None
        capital, when, counterpart = plain(self.capitals[host.iri].label), self.recently(d), self.official(host, d.year)
        met = f", where {guest.person.label} met {counterpart.named()}" if counterpart else ""
        topic = r.choice(["expand military cooperation", "hold joint naval exercises", "coordinate their air defences",
                          "extend a defence cooperation agreement"])
        headline = f"{guest.person.label} visits {capital} for talks on defence ties"
        lede = f"{guest.named()} travelled to {capital} {when}{met}, and the two governments agreed to {topic}."
        said = r.choice([f'"Our partnership has never been stronger," {guest.person.label} told reporters after the '
                         "talks.",
                         f"{guest.person.label} said the two countries would {topic} "
                         f"{r.choice(['next year', 'in the coming months', 'before the end of the year'])}."])
        paragraphs = [[lede, said]]
        if "naval" in topic:
            paragraphs[0].append(f"The exercises are to be held in the {r.choice(self.waters).label}.")
        return headline, paragraphs + self.reactions(d.year, [guest_of, host]), [guest_of, host]

    def quote(self, state: Entity, year: int, kind: str) -> list[list[str]]:
        r = self.rnd
        who = self.official(state, year, ("HOS", "HOG", "DM", "FM"))
        if who is None:
            return []
        q = r.choice(QUOTES[kind])
        where = self.capitals.get(state.iri)
        return [[r.choice([f'"{q}," {who.named()} told reporters{" in " + plain(where.label) if where else ""}.',
                           f'{who.named()} said in a statement: "{q}."',
                           f'"{q}," {who.person.label}, the {state.demonyms[0]} {who.title.lower()}, said.'])]]

    def reactions(self, year: int, involved: list[Entity]) -> list[list[str]]:
        r = self.rnd
        others = [s for s in self.staffed_states(year, ("FM", "HOS", "HOG")) if s not in involved]
        return [[f"{who.named()} {reaction}."]
                for who, reaction in zip((self.official(s, year, ("FM", "HOS", "HOG")) for s in
                                          r.sample(others, min(len(others), r.randrange(1, 3)))),
                                         r.sample(REACTIONS, 2), strict=False) if who is not None]

    # ------------------------------------------------------------------ background
    def background(self, published: dt.date, state: Entity) -> tuple[str, str]:
        """A sentence of background about `state` (the key of the fact it tells, the sentence): a base or a
        weapon it operates, an earlier delivery, deployment or operation, what an official said then; or
        context."""
        r = self.rnd
        st, source = self.name(state), r.choice(SOURCES)
        when, said_when = self.earlier(published)
        kind = r.choice(["base", "asset", "delivery", "delivery", "deployment", "operation", "statement", "context"])
        bases, assets = self.bases_of.get(state.iri), self.assets_of.get(state.iri)
        if kind == "base" and bases:
            b = r.choice(bases)
            return b.iri, r.choice([f"{capitalized(st)} also operates {self.base(b)}.",
                                    f"{capitalized(self.base(b))} is {'run' if len(b.operators) == 1 else 'used'} "
                                    f"by {st}.",
                                    f"{capitalized(st)} keeps {self.kept_at(b)} at {self.base(b)}."])
        if kind == "asset" and assets:
            a = r.choice(assets)
            return a.iri, r.choice([f"{capitalized(self.possessive(state))} armed forces already field "
                                    f"{self.weapons(a)}.",
                                    f"Among the weapons {st} operates is {self.described(a)[:-1]}.",
                                    f"{capitalized(st)} has relied on its {self.weapons(a)} for years."])
        if kind == "delivery" and assets:
            a = r.choice(assets)
            supplier = self.ref.entities[a.origin[0]]
            if supplier is not state:
                sp, w = self.name(supplier), self.weapons(a)
                return f"delivery {a.iri}", r.choice([
                    f"{capitalized(said_when)}, {sp} delivered {w} to {st}.",
                    f"{capitalized(st)} bought {w} from {sp} {said_when}.",
                    f"{capitalized(st)} received its first {w} from {sp} {said_when}, according to {source}."])
        if kind == "deployment" and bases:
            b = r.choice(bases)
            what = r.choice(self.sent_to(b))
            return f"deployment {b.iri}", r.choice([
                f"{capitalized(said_when)}, {st} sent {what} to {self.base(b)}.",
                f"{capitalized(st)} deployed {what} to {self.base(b)} {said_when}, {source} said."])
        if kind == "operation":
            fought = [(g, where) for g, by, where in self.groups if state in by]
            if fought:
                group, where = r.choice(fought)
                p = plain(r.choice(self.places_in[r.choice(where).iri]).label)
                return f"operation {group.iri}", r.choice([
                    f"{capitalized(st)} last fought {group.label} near {p} {said_when}.",
                    f"{capitalized(said_when)}, {group.label} fighters attacked {self.possessive(state)} positions "
                    f"near {p}, {source} said."])
        if kind == "statement":
            who = self.official(state, when.year)
            if who is not None:
                aim = r.choice(AIMS)
                return f"statement {who.person.iri}", r.choice([
                    f"{who.named()} said {said_when} that the country would {aim}.",
                    f"{capitalized(said_when)}, {who.named()} vowed that the country would {aim}."])
        sentence = r.choice(CONTEXT)
        return sentence, sentence

    def article(self, i: int) -> dict[str, str]:
        r = self.rnd
        published = dt.date(2010, 1, 1) + dt.timedelta(days=r.randrange(5400))
        story: Callable[[dt.date], tuple[str, list[list[str]], list[Entity]]] = r.choice(
            [self.transfer, self.transfer, self.deployment, self.operation, self.visit])
        headline, paragraphs, states = story(published)
        words, count = r.randrange(300, 800), sum(len(s.split()) for p in paragraphs for s in p)
        told: set[str] = set()
        extra: list[str] = []
        for attempt in range(600):  # the story's states first; others, as articles do, when those are told
            if count >= words:
                break
            key, sentence = self.background(published, r.choice(states if attempt < 300 else self.states))
            if key in told or count + len(sentence.split()) > 800:
                continue
            told.add(key)
            extra.append(sentence)
            count += len(sentence.split())
        while extra:  # background in paragraphs of two to four sentences, after the lede
            size = r.randrange(2, 5)
            paragraphs.insert(r.randrange(1, len(paragraphs) + 1), extra[:size])
            extra = extra[size:]
        slug = re.sub(r"[^a-z0-9]+", "-", headline.lower()).strip("-")
        return {"title": headline, "text": "\n\n".join(" ".join(p) for p in paragraphs),
                "date": published.isoformat(), "publisher": r.choice(PUBLISHERS),
                "url": f"https://news.example.org/{published:%Y/%m/%d}/{slug}-{i}"}


def write(n: int, path: Path, seed: int = 7) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    w = Writer(seed)
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            f.write(json.dumps(w.article(i), ensure_ascii=False) + "\n")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("-o", "--output", type=Path, required=True)
    a = ap.parse_args()
    write(a.articles, a.output, a.seed)


if __name__ == "__main__":
    main()
