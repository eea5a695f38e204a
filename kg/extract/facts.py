"""Binary facts of the core vocabulary that a sentence states: leaderOf, operates, locatedIn, alliedWith.

Two families of rules: those of kg.extract.relations read the parse; those here look at two (or three)
neighbouring mentions and the words between them, for the fixed phrasings that a parse of news often gets
wrong: "Syrian President Bashar al-Assad" (leaderOf), "Moscow, Syria's ally" (alliedWith), "the Syrian coastal
city of Tartus" (locatedIn), "Moscow ... has a naval base" (operates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from kg.extract.coref import Coref
from kg.extract.mentions import Mention
from kg.extract.relations import relation_facts
from kg.extract.roles import DocView
from kg.extract.sentences import AGENT_TYPES, Sentence, sentences

TITLE = (r"(?:President|Prime Minister|Premier|Chancellor|King|Queen|Emir|Amir|Sultan|Crown Prince|"
         r"Supreme Leader|Foreign Minister|Foreign Secretary|Secretary of State|Minister of Foreign Affairs|"
         r"Defen[cs]e Minister|Defen[cs]e Secretary|Secretary of Defen[cs]e|Minister of Defen[cs]e|"
         r"War Minister|Secretary of War|Army Chief|Chief of (?:the )?General Staff|Chief of Staff|"
         r"Commander(?:-in-Chief)?|Secretary[- ]General|Leader|Head|Chief)")
TITLE_I = TITLE.replace("(?:", "(?i:", 1)
QUALIFIER = r"(?:(?:former|then|acting|new|current|interim|incoming|outgoing|veteran|long-serving|hardline)\s+)?"
LEADER_BEFORE = re.compile(r"^(?:'s|’s)?\s+" + QUALIFIER + TITLE_I + r"\s*,?\s*$")
LEADER_AFTER = re.compile(r"^,\s+(?:the\s+)?" + QUALIFIER + TITLE_I + r"\s+of\s+(?:the\s+)?$")
LEADER_POSSESSIVE = re.compile(r"^(?:'s|’s)\s+" + QUALIFIER + TITLE_I + r"\b")
LEADER_AFTER_DEMONYM = re.compile(r"\s+" + QUALIFIER + TITLE_I + r"\b")  # "Lavrov, the Russian |foreign minister"
OPERATE_VERB = re.compile(r"\b(?:has|have|had|operates?|operated|runs?|ran|maintains?|maintained|controls?|"
                          r"controlled|keeps?|kept|uses?|used|leases?|leased|built|opened)\b")
# "Taiwan already operates F-16 fighter jets", "Kuwait's armed forces field F/A-18 Hornets"
OPERATES_ASSET = re.compile(r"^(?:(?:'s|’s|'|’)\s+(?:armed forces|army|military|navy|air force|marines)\s+|\s+)"
                            r"(?:(?:already|also|now|still|currently)\s+)?(?:operates?|operated|fl(?:y|ies)|flew|"
                            r"fields?|fielded|uses?|used|deploys|deployed)\s+(?:the\s+|its\s+|their\s+)?"
                            r"(?:[a-z][\w\-]*\s+){0,2}$")
OPERATED_BY = re.compile(r"^,?\s+(?:(?:which|that)\s+)?(?:(?:is|was|are|were|has been|have been)\s+)?"
                         r"(?:operated|run|used|controlled|leased)\s+by\s+(?:the\s+)?$")
DEMONYM_MODIFIER = re.compile(r"^\s+(?:[a-z][\w\-]*\s+){0,2}$")
IN_PLACE = re.compile(r"^\s+(?:(?:stationed|located|situated|based|sited)\s+)?(?:in|at)\s+(?:the\s+)?"
                      r"(?:[a-z][\w\-]*\s+){0,2}$")
PLACE_KIND_OF = re.compile(r"^(?:'s|’s)?\s+(?:[a-z][\w\-]*\s+){0,2}(?:city|town|port|province|region|village|"
                           r"governorate|district|capital|island|enclave|oblast|territory) of\s+$")
PLACE_COMMA = re.compile(r"^,\s+$")
PLACE_IN_STATE = re.compile(r"^\s+in\s+(?:the\s+)?(?:(?:north|south|east|west|central|northern|southern|eastern|"
                            r"western|north-?western|north-?eastern|south-?western|south-?eastern)\s+)?$")
ALLY = r"(?:(?:close|key|staunch|longtime|long-time|main|major|traditional|strategic|only|closest|old)\s+)?"
ALLY_OF = re.compile(r"^,\s+(?:a\s+|an\s+|the\s+)?" + ALLY + r"(?:ally|allies|partner) of\s+(?:the\s+)?$")
ALLY_POSSESSIVE = re.compile(r"^(?:'s|’s)\s+" + ALLY + r"(?:ally|allies)\b")
POSSESSIVE_ALLY_BEFORE = re.compile(r"^(?:'s|’s)\s+" + ALLY + r"(?:ally|allies),?\s+$")
AND_ITS_ALLY = re.compile(r"^\s+and\s+(?:its|their|his|her)\s+" + ALLY + r"ally\s+$")
IS_ALLIED = re.compile(r"^\s+(?:is|are|was|were|has been|have been|remains?)\s+(?:a\s+|an\s+)?" + ALLY
                       + r"(?:ally of|allies of|allied with|allied to|partner of)\s+(?:the\s+)?$")
ALLIES_AND = re.compile(r"^\s+and\s+$")


@dataclass(frozen=True)
class Fact:
    predicate: str  # leaderOf, operates, locatedIn, alliedWith
    subject: Mention
    object: Mention
    sentence: tuple[int, int]
    confidence: float


def extract_facts(text: str, doc: Doc, mentions: list[Mention], view: DocView | None = None,
                  coref: Coref | None = None, events: list | None = None) -> list[Fact]:
    facts: list[Fact] = []
    if view is not None and coref is not None:
        # a supplier's weapon is named with the supplier ("Russian S-400 systems delivered to Turkey"): made, not run
        supplied = {(supplier, a.iri) for ev in events or [] if ev.kind == "ArmsTransfer"
                    for supplier in ev.role_iris("supplier") for a in ev.roles.get("asset", [])}
        for predicate, s, o, confidence in relation_facts(view, coref, events or []):
            if predicate == "operates" and (s.iri, o.iri) in supplied:
                continue
            span = doc.char_span(max(s.start, o.start), max(s.end, o.end), alignment_mode="expand")
            if span is not None and len(span):
                sent = span[0].sent
                facts.append(Fact(predicate, s, o, (sent.start_char, sent.end_char),
                                  round(min(confidence, s.confidence, o.confidence), 2)))
    for sent in sentences(text, doc, mentions):
        ms = sent.mentions
        for i, a in enumerate(ms):
            b = ms[i + 1] if i + 1 < len(ms) else None
            c = ms[i + 2] if i + 2 < len(ms) else None
            gap_ab = text[a.end:b.start] if b else ""
            gap_bc = text[b.end:c.start] if b and c else ""
            facts += _leader(sent, a, b, c, gap_ab, gap_bc)
            facts += _located(sent, a, b, c, gap_ab, gap_bc)
            facts += _allied(sent, a, b, c, gap_ab, gap_bc)
            facts += _operates(sent, a, b, c, gap_ab, gap_bc)
    unique: dict[tuple[str, str, str], Fact] = {}
    for f in facts:
        if f.subject.iri != f.object.iri:
            unique.setdefault((f.predicate, f.subject.iri, f.object.iri), f)
    return list(unique.values())


def _fact(sent: Sentence, predicate: str, s: Mention, o: Mention, confidence: float) -> Fact:
    return Fact(predicate, s, o, (sent.start, sent.end), round(min(confidence, s.confidence, o.confidence), 2))


def _leader(sent: Sentence, a: Mention, b: Mention | None, c: Mention | None, gap_ab: str, gap_bc: str) -> list[Fact]:
    if b is None:
        return []
    out = []
    if a.type in AGENT_TYPES and b.type == "Person" and LEADER_BEFORE.match(gap_ab):
        out.append(_fact(sent, "leaderOf", b, a, 0.9))  # Syrian President Bashar al-Assad
    if a.type == "Person" and b.type in AGENT_TYPES and LEADER_AFTER.match(gap_ab):
        out.append(_fact(sent, "leaderOf", a, b, 0.9))  # Lavrov, the foreign minister of Russia
    if (a.type == "Person" and b.how == "demonym" and re.match(r"^,\s+the\s+$", gap_ab)
            and LEADER_AFTER_DEMONYM.match(sent.text, b.end, b.end + 60)):
        out.append(_fact(sent, "leaderOf", a, b, 0.85))  # Lavrov, the Russian foreign minister
    if (a.type == "Person" and b.type in AGENT_TYPES and PLACE_COMMA.match(gap_ab)
            and LEADER_POSSESSIVE.match(sent.text[b.end:b.end + 60])):
        out.append(_fact(sent, "leaderOf", a, b, 0.85))  # Lavrov, Russia's foreign minister
    if (a.type in AGENT_TYPES and b.type == "Person" and re.match(r"^(?:'s|’s)\s+" + QUALIFIER + TITLE_I
                                                                  + r"\s*,\s+$", gap_ab)):
        out.append(_fact(sent, "leaderOf", b, a, 0.85))  # Russia's foreign minister, Sergey Lavrov
    return out


def _located(sent: Sentence, a: Mention, b: Mention | None, c: Mention | None, gap_ab: str,
             gap_bc: str) -> list[Fact]:
    if b is None:
        return []
    out = []
    inner_types = ("Place", "MilitaryBase")
    if a.type in inner_types and b.type in ("Place", "State"):
        if a.type == "MilitaryBase" and IN_PLACE.match(gap_ab):
            if b.type == "State" and c is not None and c.type == "Place" and PLACE_KIND_OF.match(gap_bc):
                out.append(_fact(sent, "locatedIn", a, c, 0.8))  # base in the Syrian coastal city of Tartus
            else:
                out.append(_fact(sent, "locatedIn", a, b, 0.8))
        elif (a.type == "Place" and PLACE_IN_STATE.match(gap_ab)
              and not (b.type == "State" and sent.text.startswith(("'s", "’s"), b.end))):
            out.append(_fact(sent, "locatedIn", a, b, 0.75))  # Idlib in northwestern Syria; Tartus, Syria
    if a.type == "State" and b.type == "Place" and PLACE_KIND_OF.match(gap_ab):
        out.append(_fact(sent, "locatedIn", b, a, 0.85))  # the Syrian coastal city of Tartus
    return out


def _allied(sent: Sentence, a: Mention, b: Mention | None, c: Mention | None, gap_ab: str,
            gap_bc: str) -> list[Fact]:
    if b is None or a.type not in AGENT_TYPES or b.type not in AGENT_TYPES:
        return []
    if a.how == "demonym" or b.how == "demonym":
        return []
    if ALLY_OF.match(gap_ab) or AND_ITS_ALLY.match(gap_ab) or IS_ALLIED.match(gap_ab):
        return [_fact(sent, "alliedWith", a, b, 0.8)]
    if PLACE_COMMA.match(gap_ab) and ALLY_POSSESSIVE.match(sent.text[b.end:b.end + 60]):
        return [_fact(sent, "alliedWith", a, b, 0.8)]  # Moscow, Syria's ally since the Cold War
    if POSSESSIVE_ALLY_BEFORE.match(gap_ab):
        return [_fact(sent, "alliedWith", a, b, 0.8)]  # Syria's ally Russia
    if ALLIES_AND.match(gap_ab) and re.search(r"\ballies\s+$", sent.text[max(sent.start, a.start - 20):a.start]):
        return [_fact(sent, "alliedWith", a, b, 0.75)]  # allies Russia and Iran
    return []


def _operates(sent: Sentence, a: Mention, b: Mention | None, c: Mention | None, gap_ab: str,
              gap_bc: str) -> list[Fact]:
    out = []
    if a.type == "MilitaryBase" and b is not None and b.type in AGENT_TYPES and OPERATED_BY.match(gap_ab):
        out.append(_fact(sent, "operates", b, a, 0.8))
    if (a.type == "MilitaryBase" and b is not None and b.type == "Place" and IN_PLACE.match(gap_ab)
            and c is not None and c.type in AGENT_TYPES and OPERATED_BY.match(gap_bc)):
        out.append(_fact(sent, "operates", c, a, 0.8))  # "the Nevatim Airbase in the Negev is run by Israel"
    if a.type in AGENT_TYPES and b is not None and b.type == "MilitaryBase":
        if a.how == "demonym" and DEMONYM_MODIFIER.match(gap_ab):
            out.append(_fact(sent, "operates", a, b, 0.7))  # the Russian naval base
        elif re.match(r"^(?:'s|’s)\s+(?:[a-z][\w\-]*\s+){0,3}$", gap_ab):
            out.append(_fact(sent, "operates", a, b, 0.75))  # Russia's naval base at Tartus
    if a.type in AGENT_TYPES and b is not None and b.type == "MilitaryAsset" and OPERATES_ASSET.match(gap_ab):
        out.append(_fact(sent, "operates", a, b, 0.75))
    if a.type in AGENT_TYPES and a.how != "demonym":
        # "Moscow, Syria's ally since the Cold War, has a naval base": subject ... verb ... base
        for verb in OPERATE_VERB.finditer(sent.text, a.end, sent.end):
            base = next((m for m in sent.mentions if m.start >= verb.end() and m.type in ("MilitaryBase",)
                         and m.start - verb.end() <= 40), None)
            if base is not None and sent.subject_before(verb.start(), AGENT_TYPES) is a:
                out.append(_fact(sent, "operates", a, base, 0.75))
            break
    return out
