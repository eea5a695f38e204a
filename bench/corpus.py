"""Synthetic but realistic news articles built from the reference knowledge, for benchmarks.

Each article (300-800 words) mixes sentence shapes the extractor handles (transfers, deployments,
operations, statements, leaders with titles, bases and their operators) with background sentences,
all with real names. Deterministic for a given seed.

    python -m bench.corpus --articles 1000 -o bench/data/corpus-1k.jsonl
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
from pathlib import Path

from kg import reference

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
TITLES = {"HOS": "President", "HOG": "Prime Minister", "FM": "Foreign Minister", "DM": "Defence Minister"}
SOURCES = ["two Western officials", "a senior defence official", "diplomats familiar with the talks",
           "a source close to the ministry", "regional intelligence officials", "people briefed on the matter"]
NOUNS = {"AirDefenceSystem": "air defence systems", "CombatAircraft": "fighter jets", "Helicopter": "helicopters",
         "Drone": "drones", "BallisticMissile": "ballistic missiles", "CruiseMissile": "cruise missiles",
         "AntiTankMissile": "anti-tank missiles", "ArmouredVehicle": "tanks", "Artillery": "artillery systems",
         "Warship": "warships", "Submarine": "submarines", "TransportAircraft": "transport aircraft",
         "AirToAirMissile": "missiles", "AirToGroundMissile": "missiles", "GuidedBomb": "guided bombs"}


def singular(noun: str) -> str:
    """'fighter jets' -> 'fighter jet'; 'transport aircraft' stays."""
    return noun if noun.endswith("aircraft") else noun.removesuffix("s")


BACKGROUND = [
    "Analysts said the move reflected a broader shift in the regional balance of power.",
    "The decision is likely to be discussed at the next meeting of defence ministers.",
    "Officials declined to give details of the timeline or the cost of the programme.",
    "The announcement came after weeks of tension along the border.",
    "Independent observers could not immediately verify the claims.",
    "Critics argued that the deal would fuel an arms race in the region.",
    "The government has repeatedly said its military posture is purely defensive.",
    "Satellite images published last month appeared to show new construction at the site.",
    "Trade between the two countries has grown steadily over the past decade.",
    "Parliament is expected to debate the budget for the armed forces next week.",
]


class Writer:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        ref = reference.load()
        ents = list(ref.entities.values())
        self.states = [e for e in ents if e.type == "State" and e.demonyms]
        self.assets = [e for e in ents if e.type == "MilitaryAsset" and e.origin]
        self.bases = [e for e in ents if e.type == "MilitaryBase"]
        self.groups = [e for e in ents if e.cls == "ArmedGroup"]
        self.places = [e for e in ents if e.type == "Place" and e.place in ref.entities and e.cls != "WaterBody"]
        self.leaders = [(p, o, ref.entities[of]) for p in ents if p.type == "Person"
                        for (o, of, _, _) in p.offices if o in TITLES and ref.entities[of].type == "State"
                        and ref.entities[of].demonyms]
        self.ref = ref

    def date(self) -> dt.date:
        return dt.date(2010, 1, 1) + dt.timedelta(days=self.rnd.randrange(5400))

    def sentence(self) -> str:
        r = self.rnd
        kind = r.choice(["transfer", "transfer", "deploy", "strike", "statement", "base", "background",
                         "background", "background"])
        if kind == "transfer":
            a = r.choice(self.assets)
            supplier = self.ref.entities[a.origin[0]]
            recipient = r.choice(self.states)
            when = f"in {r.choice(MONTHS)} {r.randrange(2010, 2025)}"
            return r.choice([
                f"{supplier.label} has delivered {r.randrange(2, 60)} {a.label} {NOUNS.get(a.cls, 'systems')} to "
                f"{recipient.label} {when}, according to {r.choice(SOURCES)}.",
                f"{r.choice(SOURCES).capitalize()} said that {supplier.label} is supplying {a.label} "
                f"{NOUNS.get(a.cls, 'systems')} to {recipient.label}.",
                f"The {a.label}, a {singular(NOUNS.get(a.cls, 'systems'))} built in {supplier.label}, had been sent to "
                f"{recipient.label} {when}.",
            ])
        if kind == "deploy":
            s, p = r.choice(self.states), r.choice(self.places)
            return f"{s.label} deployed {r.choice(['troops', 'air defence units', 'warships'])} to {p.label} " \
                   f"in {r.choice(MONTHS)} {r.randrange(2010, 2025)}, {r.choice(SOURCES)} said."
        if kind == "strike":
            s, g, p = r.choice(self.states), r.choice(self.groups), r.choice(self.places)
            return f"{s.label} carried out air strikes against {g.label} in {p.label} on {r.randrange(1, 28)} " \
                   f"{r.choice(MONTHS)} {r.randrange(2012, 2025)}."
        if kind == "statement":
            person, office, state = r.choice(self.leaders)
            return f"{state.demonyms[0]} {TITLES[office]} {person.label} said on {r.choice(MONTHS)} " \
                   f"{r.randrange(1, 28)} that the country would {r.choice(['strengthen', 'review', 'defend'])} " \
                   f"its {r.choice(['borders', 'alliances', 'air defences', 'interests'])}."
        if kind == "base":
            b = r.choice(self.bases)
            op = self.ref.entities[b.operators[0]]
            place = self.ref.entities.get(b.place or "")
            where = f" in {place.label}" if place else ""
            return f"{op.label} operates the {b.label}{where}, which hosts {r.randrange(200, 5000)} personnel."
        return r.choice(BACKGROUND)

    def article(self, i: int) -> dict[str, str]:
        words = self.rnd.randrange(300, 800)
        sentences: list[str] = []
        while sum(len(s.split()) for s in sentences) < words:
            sentences.append(self.sentence())
        paragraphs = [" ".join(sentences[k:k + 3]) for k in range(0, len(sentences), 3)]
        # cut at a word, as editors do: a name cut in half ("Papua New Gui") became a new entity
        title = sentences[0].split(",")[0].rstrip(".")
        if len(title) > 90:
            title = title[:91].rsplit(" ", 1)[0] + " …"
        return {"title": f"{title} ({i})", "text": "\n\n".join(paragraphs), "date": self.date().isoformat(),
                "publisher": self.rnd.choice(["Reuters", "Associated Press", "Agence France-Presse", "Al Jazeera"]),
                "url": f"https://news.example.org/{i}"}


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
