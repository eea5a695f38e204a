"""Who or what a noun phrase of the parse names: the entities that fill an event's roles.

A phrase names an entity directly when its head is inside a linked mention ("Islamic State"). Otherwise:
- forces and machines stand for the state or group that has them: "the Turkish army", "Russian warplanes",
  "Syria's army", "Assad's forces" (the state its leader leads), "U.S.-led coalition", "Hezbollah fighters",
  "forces of the Syrian government";
- places and positions lead to what is named inside them: "rebel-held towns north of Aleppo" (Aleppo),
  "Islamic State positions in Raqqa" (Islamic State and Raqqa);
- pronouns and definite descriptions take their antecedent (kg.extract.coref).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from spacy.tokens import Doc, Token

from kg.extract.frames import Lexicon
from kg.extract.mentions import Mention
from kg.reference import Reference

MODIFIER_DEPS = frozenset({"amod", "compound", "poss", "nmod", "npadvmod", "nummod"})
# prepositions that lead from a place-like head to the place it names ("towns north of Aleppo")
INNER_PREPS = frozenset({"of", "in", "near", "around", "outside", "inside", "across", "along", "at", "on",
                         "throughout", "within", "off", "north", "south", "east", "west", "northwest", "northeast",
                         "southwest", "southeast", "between", "into"})
LOCATED_PREPS = frozenset({"in", "near", "around", "outside", "inside", "at"})
BORDERS = frozenset({"border", "frontier", "boundary", "borderline"})
COMPASS = frozenset({"north", "south", "east", "west", "northwest", "northeast", "southwest", "southeast",
                     "northeastern", "northwestern", "southeastern", "southwestern", "northern", "southern",
                     "eastern", "western", "central", "out", "outside", "close", "near", "ahead", "south-east",
                     "north-east", "south-west", "north-west"})
STATE_OF_ORG_CLASSES = frozenset({"MilitaryBranch", "GovernmentBody", "IntelligenceService"})
LEADING_OFFICES = ("HOS", "HOG", "DM", "FM", "CMD")


class DocView:
    """A parsed article with its mentions aligned to tokens."""

    def __init__(self, doc: Doc, mentions: list[Mention], lexicon: Lexicon, reference: Reference) -> None:
        self.doc, self.mentions, self.lex, self.reference = doc, mentions, lexicon, reference
        self.tok_mention: list[int] = [-1] * len(doc)
        self.mention_head: list[int] = []
        for k, m in enumerate(mentions):
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            if span is None or not len(span):
                self.mention_head.append(-1)
                continue
            for t in span:
                if self.tok_mention[t.i] < 0:
                    self.tok_mention[t.i] = k
            self.mention_head.append(span.root.i)

    def mention_at(self, tok: Token) -> Mention | None:
        k = self.tok_mention[tok.i]
        return self.mentions[k] if k >= 0 else None

    def in_class(self, word_class: str, tok: Token) -> bool:
        lemma = tok.lemma_.lower()
        if self.lex.is_a(word_class, lemma) or self.lex.is_a(word_class, tok.lower_):
            return True
        m = self.mention_at(tok)
        return m is not None and self.entity_in_class(word_class, m)

    def entity_in_class(self, word_class: str, m: Mention) -> bool:
        """An asset's classes count as words: a BallisticMissile is a 'missile', a Drone an 'aircraft'."""
        import ontology

        if m.type != "MilitaryAsset":
            return False
        return any(self.lex.is_a(word_class, c.lower()) for c in ontology.superclasses().get(m.cls, {m.cls}))

    def state_led_by(self, person: Mention) -> str | None:
        """The state a person in the reference knowledge leads (heads of state and government first)."""
        entity = person.entity or self.reference.entities.get(person.iri)
        if entity is None:
            return None
        for code in LEADING_OFFICES:
            for office, of, _start, _end in entity.offices:
                target = self.reference.entities.get(of)
                if office == code and target is not None and target.type == "State":
                    return of
        return None

    def containers(self, iri: str) -> list[str]:
        """The reference places (and the state) that contain a place or base, nearest first."""
        out: list[str] = []
        for _ in range(6):
            entity = self.reference.entities.get(iri)
            if entity is None or entity.type == "State":
                break
            up = entity.place or entity.host
            if up is None:
                break
            out.append(up)
            iri = up
        return out

    def state_containing(self, iri: str) -> str | None:
        """The state a reference place (or base) is in, through the places that contain it."""
        entity = self.reference.entities.get(iri)
        if entity is not None and entity.type == "State":
            return iri
        return next((x for x in self.containers(iri) if self.reference.entities[x].type == "State"), None)

    def state_of(self, m: Mention) -> str | None:
        """The state a national body belongs to ("Russian Navy", "Pentagon"), for forces that name their branch."""
        entity = m.entity or self.reference.entities.get(m.iri)
        if entity is not None and entity.cls in STATE_OF_ORG_CLASSES and entity.state:
            return entity.state
        return None

    def as_mention(self, iri: str, tok: Token, how: str) -> Mention | None:
        """A role filler for a reference entity that the phrase at `tok` stands for."""
        entity = self.reference.entities.get(iri)
        if entity is None:
            known = next((m for m in self.mentions if m.iri == iri), None)
            if known is None:
                return None
            return replace(known, start=tok.idx, end=tok.idx + len(tok), text=tok.text, how=how)
        return Mention(tok.idx, tok.idx + len(tok), tok.text, iri, entity.label, entity.cls, 0.7, how,
                       entity=entity)


def conjuncts(tok: Token) -> list[Token]:
    """The token and those coordinated with it, in text order ("Russia and Iran")."""
    return sorted([tok, *tok.conjuncts], key=lambda t: t.i)


def modifiers(tok: Token) -> list[Token]:
    """Tokens that modify a noun from before it or as a possessive, with their coordinated tokens
    ("Russian and Syrian war planes")."""
    out = []
    for child in tok.children:
        if child.dep_ in MODIFIER_DEPS or (child.dep_ == "amod" and child.tag_ == "VBN"):
            out.extend(conjuncts(child))
    return sorted(set(out), key=lambda t: t.i)


def entities_of_modifiers(view: DocView, tok: Token, depth: int = 0) -> list[Mention]:
    """Entities named by a noun's modifiers: demonyms, names, possessives, 'U.S.-led', 'Syrian government', and the
    names inside a participle ("JDAM guided bombs": JDAM)."""
    out: list[Mention] = []
    for mod in modifiers(tok):
        if is_patron(mod):
            continue  # "U.S.-allied Kurdish forces", "Iran-backed militias" are not the patron's own
        m = view.mention_at(mod)
        if m is not None and view.mention_at(tok) is not m:
            out.append(m)
            continue
        lemma = mod.lemma_.lower()
        if depth < 2 and (lemma.endswith(("-led", "-le", "-held", "-controlled")) or lemma in (
                "led", "government", "regime", "held", "controlled")):
            # "U.S.-led" is one token holding the mention; "Iran - backed", "Syrian government forces"
            inner = [view.mentions[k] for k in _mentions_within(view, mod)]
            out.extend(inner or entities_of_modifiers(view, mod, depth + 1))
        elif depth < 1 and mod.tag_ == "VBN":
            out.extend(x for x in entities_of_modifiers(view, mod, depth + 1) if x.type == "MilitaryAsset")
    return out


# a name joined to one of these is a patron, not the owner ("U.S.-allied Kurdish forces", "Russia-backed rebels")
PATRONS = ("-backed", "-allied", "-supported", "-funded", "-trained", "-armed", "-sponsored", "-aligned")
PATRON_VERBS = frozenset({"back", "ally", "support", "fund", "train", "arm", "sponsor", "align"})


def is_patron(tok: Token) -> bool:
    """'U.S.-allied', or 'backed' in 'Russia - backed': a modifier that names who backs a force, not whose it is."""
    if tok.lower_.startswith(("government", "regime", "state")):
        return False  # "government-allied forces" are the government's side
    return tok.lower_.endswith(PATRONS) or (tok.tag_ == "VBN" and tok.dep_ == "amod" and tok.lemma_ in PATRON_VERBS
                                             and any(c.dep_ in ("npadvmod", "nmod", "compound") for c in tok.children))


def _mentions_within(view: DocView, tok: Token) -> list[int]:
    found = []
    for k, m in enumerate(view.mentions):
        if m.start >= tok.idx and m.end <= tok.idx + len(tok):
            found.append(k)
    return found


def agents_of(view: DocView, found: list[Mention], tok: Token) -> list[Mention]:
    """Forces stand for who has them: a state for a demonym or a state's name, the state a named leader leads,
    the group for a named group, and a national military branch also for its state ("the Russian Navy")."""
    out = []
    for m in found:
        if m.type in ("State", "Organization"):
            out.append(m)
            state = view.state_of(m) if m.type == "Organization" else None
            if state is not None:
                state_mention = view.as_mention(state, tok, "branch")
                if state_mention is not None:
                    out.insert(len(out) - 1, state_mention)
        elif m.type == "Person":
            state = view.state_led_by(m)
            if state is not None:
                led = view.as_mention(state, tok, "leader")
                if led is not None:
                    out.append(led)
    return out


class Filler(NamedTuple):
    """An entity a phrase names; `located` when it was reached through a place preposition inside the phrase
    ("militia in northern Syria"), so that it can only say where."""

    mention: Mention
    located: bool = False


def phrase_entities(view: DocView, tok: Token, coref, depth: int = 0) -> list[Filler]:
    """The entities the noun phrase headed by `tok` (and the phrases coordinated with it) names."""
    out: list[Filler] = []
    for t in conjuncts(tok):
        out.extend(head_entities(view, t, coref, depth))
    seen, unique = set(), []
    for f in out:
        if f.mention.iri not in seen:
            seen.add(f.mention.iri)
            unique.append(f)
    return unique


def head_entities(view: DocView, h: Token, coref, depth: int = 0) -> list[Filler]:
    """The entities the noun phrase headed by `h` names, without the phrases coordinated with it."""
    m = view.mention_at(h)
    if m is not None and m.how == "demonym" and h.pos_ in ("NOUN", "PROPN") and any(
            c.dep_ in ("det", "amod", "compound") and c.lower_ in SOME for c in h.children):
        return []  # "an Indonesian based in Syria", "several Malaysians": people of that state, not the state
    if m is not None and (m.type == "Person" or view.mention_head[view.tok_mention[h.i]] == h.i
                          or h.pos_ == "PROPN"):
        named = [Filler(x) for x in (agents_of(view, [m], h) if m.type == "Organization" else [m])]
        if depth < 2:  # "the Houthis near Aden": where the named side was
            named += [Filler(f.mention, located=True) for c in h.children
                      if c.dep_ == "prep" and c.lower_ in LOCATED_PREPS for o in prep_objects(c)
                      for f in phrase_entities(view, o, coref, depth + 1)
                      if f.mention.type in ("Place", "State", "MilitaryBase") and f.mention.iri != m.iri]
        return named
    # else the mention only modifies the head ("Aleppo countryside" is held by the compound): read the head
    if h.tag_ in ("PRP", "PRP$"):
        return [Filler(x) for x in coref.pronoun(h)]
    lemma = h.lemma_.lower()
    if lemma in SPOKESPEOPLE:  # "Carter's spokesman, Peter Cook, said": the one named speaks
        named_person = [m for c in h.children if c.dep_ == "appos" and (m := view.mention_at(c)) is not None
                        and m.type == "Person"]
        if named_person:
            return [Filler(m) for m in named_person]
    led = coref.leader(h) if m is None else []
    if led:  # "the Kremlin leader said"
        return [Filler(x) for x in led]
    if m is None and depth < 2:  # "the F-35 program chief, Lieutenant General Chris Bogdan,": the one named
        named_person = [f for c in h.children if c.dep_ == "appos" for f in phrase_entities(view, c, coref, depth + 1)
                        if f.mention.type == "Person" and not f.located]
        if named_person:
            return named_person
    if lemma == "side" and depth < 2:  # "the government side", "the army side": the government, the army
        sides = [c for c in h.children if c.dep_ == "compound" and view.lex.is_a("agent_noun", c.lemma_.lower())]
        if sides:
            return phrase_entities(view, sides[0], coref, depth + 1)
    of = quantity_of(view, h)
    if of and depth < 3:  # "hundreds of Shahed-136 drones", "some of the system's components"
        return [f for o in of for f in phrase_entities(view, o, coref, depth + 1)]
    if h.pos_ not in ("NOUN", "PROPN", "NUM"):
        return []
    named = entities_of_modifiers(view, h)
    if m is not None and m not in named:
        named.insert(0, m)
    found, agentive = named_agents(view, h, named)
    if found is not None:  # forces name their weapons too ("Chinese-made J-10C fighters")
        found = found + [x for x in named if x.type == "MilitaryAsset"]
    placeish = view.lex.is_a("place_noun", lemma)
    if lemma in BORDERS:  # "the Turkish border": at the edge of Turkey, not in it
        named = [x for x in named if x.type not in ("State", "Place")]
    if found is None and view.lex.is_a("territory", lemma):
        found = [x for x in named if x.type == "State"]  # "Turkish airspace": whose it is
    if found is None:
        if placeish:  # "Islamic State positions" name the side; "northern Iraq's Qandil area" where it is
            found = [x for x in named if x.type in ("Place", "State", "MilitaryBase", "Organization", "Person")]
        else:
            found = [x for x in named if x.type in ("Place", "MilitaryBase", "MilitaryAsset")]
    site = view.lex.is_a("site_noun", lemma)  # "Russian positions": whose, not where
    fillers = [Filler(x, located=placeish and not (site and x.type == "State") and x.type in ("Place", "State",
                                                                                            "MilitaryBase"))
               for x in found]
    if depth < (3 if placeish else 2) and (placeish or agentive or not found) and lemma not in STANCE_NOUNS:
        for child in h.children:
            if child.dep_ in ("prep", "advmod") and _prep_lemma(child) in INNER_PREPS:
                of = _prep_lemma(child) == "of"
                for obj in prep_objects(child):
                    if obj.lemma_.lower() == "side":
                        continue  # "reinforcements on the government side": whose they are, not where
                    inner = [f.mention for f in phrase_entities(view, obj, coref, depth + 1)]
                    if agentive and of:
                        fillers += [Filler(x) for x in agents_of(view, inner, h)]  # "forces of the Syrian government"
                    elif placeish and of:  # "the town of Hayan", "positions of Islamic State"; "an area of Pakistan"
                        fillers += [Filler(x, located=x.type == "State") for x in inner]
                    else:
                        fillers += [Filler(x, located=True) for x in inner
                                    if x.type in ("Place", "State", "MilitaryBase")]
            elif child.dep_ == "prep" and child.lower_ == "from" and (agentive or lemma == "ally"):
                # "fighters from Hezbollah", "troops from Iran", "allies from Hezbollah": whose they are (a group's,
                # only a named group)
                inner = [f.mention for obj in prep_objects(child) for f in phrase_entities(view, obj, coref, depth + 1)
                         if not f.located]
                fillers += [Filler(x) for x in agents_of(view, [x for x in inner if x.type == "Organization" or (
                    x.type == "State" and view.lex.is_a("agent_noun", lemma))], h)]
            elif child.dep_ == "appos" and not fillers:
                fillers += phrase_entities(view, child, coref, depth + 1)
            elif (child.dep_ == "prep" and child.lower_ in ("including", "like") and h.tag_ == "NNS" and not found
                  and (lemma in SIDE_NOUNS | STATE_NOUNS or agentive)):
                # "foreign opponents of Assad including Saudi Arabia and Turkey": those named are the ones meant
                fillers += [f for obj in prep_objects(child) for f in phrase_entities(view, obj, coref, depth + 1)
                            if not f.located]
    if not fillers and h.tag_ == "NNS" and lemma in STATE_NOUNS:  # "nine countries ...: Britain, Italy, ..."
        fillers += [Filler(x) for x in listed_after(view, h)]
    if not fillers and agentive and h.tag_ == "NN" and view.lex.is_a("weapon", lemma):
        fillers += [Filler(x) for x in coref.asset(h)]  # "three models of the jet": the F-35, not its state
    # "U.S.-allied forces" are someone else's; "the Russia-backed government" is still the state's
    patronised = lemma not in GOVERNMENTS and any(is_patron(c) for c in h.children)
    if not fillers and not patronised and (agentive or (lemma in STATE_NOUNS and (h.tag_ == "NNS" or any(
            c.dep_ == "poss" and c.tag_ == "PRP$" for c in h.children)))):  # "the two nations", "his country"
        fillers += [Filler(x) for x in coref.description(h)]
    if not fillers:  # "the system", "the system's components": the weapon named last
        for t in (h, *(c for c in h.children if c.dep_ == "poss")):
            fillers += [Filler(x) for x in coref.asset(t)]
    return fillers


# nouns of sides, whose list after "including" names them ("opponents of Assad including Saudi Arabia and Turkey")
SIDE_NOUNS = frozenset({"ally", "opponent", "backer", "supporter", "member", "partner", "power", "rival", "enemy",
                        "foe", "sponsor", "neighbour", "neighbor", "participant", "signatory", "adversary"})
# words that make a demonym noun some people of a state ("several Malaysians"), not the state ("the Russians")
SOME = frozenset({"a", "an", "several", "some", "many", "few", "other", "another"})
# nouns of a stance toward someone, whose "of" names no place: "deployed in support of Damascus", "in response to
# Pyongyang's test", "in defence of the regime"
STANCE_NOUNS = frozenset({"support", "defense", "defence", "response", "retaliation", "reprisal", "solidarity",
                          "favour", "favor", "protest", "honour", "honor", "memory", "behalf", "spite", "defiance",
                          "coordination", "cooperation", "exchange", "return", "opposition", "aid", "backing"})
GOVERNMENTS = frozenset({"government", "regime", "administration", "authority", "leadership"})
# a plural of these refers back to states named together ("Turkey and Saudi Arabia ... the two nations")
STATE_NOUNS = frozenset({"country", "nation", "state", "government", "power"})
# nouns whose named modifier is the organization they are ("the SANA news agency", "the Al-Masdar website")
OUTLETS = frozenset({"agency", "newspaper", "daily", "broadcaster", "television", "network", "outlet", "paper",
                     "monitor", "observatory", "group", "organization", "organisation", "council", "ministry"})
SPOKESPEOPLE = frozenset({"spokesman", "spokeswoman", "spokesperson", "statement", "office", "communique",
                          "release", "mouthpiece", "website", "channel"})


def named_agents(view: DocView, h: Token, named: list[Mention]) -> tuple[list[Mention] | None, bool]:
    """Who a force, a group or a spokesman named by its modifiers stands for, and whether `h` is such a word
    (None when it is not): forces stand for their state ("Turkish army", "Iranian fighters"), groups only for a
    named group ("Hezbollah fighters"; "Syrian rebels" are not Syria), a spokesman or a statement for the
    organization or person it speaks for ("a Pentagon spokesman", "Ban's spokesman")."""
    lemma = h.lemma_.lower()
    if any(x.type == "Organization" and x.how != "demonym" for x in named):
        # "Lebanese Hezbollah fighters": a demonym right before a named group says where the group is from
        named = [x for x in named if not (x.how == "demonym" and _before_a_name(view, x, named))]
    if view.lex.is_a("agent_noun", lemma) or lemma == "coalition":
        return agents_of(view, named, h), True
    if view.lex.is_a("group_noun", lemma):
        return agents_of(view, [x for x in named if x.type == "Organization"], h), True
    if lemma in SPOKESPEOPLE:
        return [x for x in named if x.type in ("Organization", "Person")], False
    if lemma in OUTLETS:  # "the state SANA news agency", "Amaq news agency"
        return [x for x in named if x.type == "Organization" and x.how != "demonym"], False
    return None, False


def listed_after(view: DocView, noun: Token) -> list[Mention]:
    """The states a colon after a plural noun lists ("nine countries that have placed orders: Britain, Italy, ...
    and South Korea"), as many as its number says, when the list runs to the end of the sentence."""
    sent = noun.sent
    colon = next((t for t in sent if t.i > noun.i and t.text == ":"), None)
    if colon is None or any(t.tag_ == "NNS" and t.lemma_.lower() in STATE_NOUNS for t in sent[noun.i - sent.start + 1:
                                                                                          colon.i - sent.start]):
        return []
    listed: list[Mention] = []
    t = colon.i + 1
    while t < sent.end:
        tok = view.doc[t]
        m = view.mention_at(tok)
        if m is not None and m.type == "State" and m.how != "demonym":
            listed.append(m)
            while t < sent.end and view.mention_at(view.doc[t]) is m:
                t += 1
        elif tok.is_punct or tok.lower_ in ("and", "the", "or"):
            t += 1
        else:
            return []
    wanted = next((c for c in noun.children if c.dep_ == "nummod"), None)
    if wanted is not None and wanted.like_num and _number(wanted) not in (None, len(listed)):
        return []
    return listed if len(listed) >= 2 else []


def _number(tok: Token) -> int | None:
    words = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
             "eleven": 11, "twelve": 12}
    if tok.lower_ in words:
        return words[tok.lower_]
    return int(tok.text) if tok.text.isdigit() else None


def quantity_of(view: DocView, tok: Token) -> list[Token]:
    """What a quantity counts: "dozens of strikes", "some of the components", "a batch of HIMARS" (else [])."""
    if not view.lex.is_a("quantity", tok.lemma_.lower()) and not view.lex.is_a("quantity", tok.lower_):
        return []
    return [o for c in tok.children if c.dep_ == "prep" and c.lower_ == "of" for o in prep_objects(c)]


def _before_a_name(view: DocView, demonym: Mention, named: list[Mention]) -> bool:
    return any(x.type == "Organization" and x.how != "demonym" and 0 <= x.start - demonym.end <= 1 for x in named)


def _prep_lemma(tok: Token) -> str:
    return tok.lower_ if tok.dep_ != "advmod" else tok.lemma_.lower()


def prep_objects(prep: Token) -> list[Token]:
    """The objects of a preposition, through "out of", "north of", "close to" and coordination."""
    objs = [c for c in prep.children if c.dep_ in ("pobj", "pcomp")]
    if not objs:
        for c in prep.children:
            if c.dep_ == "prep":
                objs += [cc for cc in c.children if cc.dep_ in ("pobj", "pcomp")]
    out = []
    for o in objs:
        out.extend(conjuncts(o))
    return out


def preposition_key(prep: Token) -> str:
    """'on', 'out of', 'north of', 'according to': the preposition as the frames name it."""
    word = prep.lower_
    inner = next((c for c in prep.children if c.dep_ == "prep"), None)
    if inner is not None and not any(c.dep_ in ("pobj", "pcomp") for c in prep.children):
        return f"{word} {inner.lower_}"
    if prep.dep_ == "advmod" and word in COMPASS:
        return f"{word} of" if inner is not None else word
    return word
