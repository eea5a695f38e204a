"""Binary facts read from the parse: who leads what, who operates what, what lies where, who is allied with whom.

- leaderOf: a title beside a person's name names the state or organization it is of: "Syrian President Bashar
  al-Assad", "Observatory director Rami Abdulrahman", "Adel al-Jubeir, Saudi Arabia's foreign minister",
  "Jamal Saleh, head of the media bureau of the Sham Legion", "U.N. envoy Staffan de Mistura".
- operates: a weapon named with who has it ("Russian Su-34 jets", "the Indian Navy's submarine Kalvari", "a PLA
  J-8 fighter"; not "Russian-made"), what an actor uses in an operation or deployment it carries out, "X flies
  (fields, operates, uses) Y", "Y, used by X"; a base named with who runs it ("the Russian base at Tartus").
- locatedIn: "the town of Sarmada in northern Syria", "Kent, Washington", "Aleppo's Al-Marja district",
  "Syria's Idlib province", "a base in Latakia".
- alliedWith: "Iran-backed Hezbollah", "rebels backed by Turkey", "Russia's ally Syria", "its ally Russia", "X, an
  ally of Y", "al Qaeda's Nusra Front", "the Yarmouk Army, part of the Free Syrian Army", "NATO member Turkey",
  "Russia backs Assad" (the state a leader leads), the actors of a joint exercise or patrol, and whoever carries
  out an operation "in support of" or "backing" another.
"""

from __future__ import annotations

from collections.abc import Iterator

from spacy.tokens import Token

from kg.extract.coref import Coref
from kg.extract.mentions import Mention
from kg.extract.roles import DocView, agents_of, conjuncts, head_entities, phrase_entities, prep_objects

AGENTS = ("State", "Organization")
PLACES = ("Place", "State")
LEADER_TITLES = frozenset({
    "president", "minister", "premier", "chancellor", "king", "queen", "emir", "amir", "sultan", "leader", "head",
    "chief", "commander", "director", "envoy", "ambassador", "chairman", "chairwoman", "secretary",
    "secretary-general", "prince", "monarch", "ruler", "governor", "founder", "emissary",
    "representative", "coordinator", "vice-president", "leadership", "boss", "strongman"})
# titles of those sent by one side to another: a state beside the sender names where they are sent
ENVOYS = frozenset({"envoy", "emissary", "ambassador", "representative", "coordinator"})
# nouns between a title and the organization: "head of the media bureau of the Sham Legion"
PART_NOUNS = frozenset({"office", "branch", "wing", "bureau", "council", "command", "department", "division",
                        "committee", "staff", "ministry", "force", "forces", "army", "military", "section"})
OPERATE_VERBS = frozenset({"operate", "fly", "field", "use", "possess", "own", "run", "control", "man", "sail",
                           "pilot", "lease"})
NOT_OPERATOR = ("made", "built", "designed", "developed", "produced", "manufactured", "supplied", "provided",
                "sold", "donated")
BACKING = frozenset({"back", "support", "arm", "ally", "align", "link", "affiliate", "sponsor", "fund", "finance",
                     "train", "aid"})
ALLY_NOUNS = frozenset({"ally", "allies", "partner", "affiliate", "branch", "offshoot", "wing", "proxy", "arm"})


def relation_facts(view: DocView, coref: Coref, events) -> Iterator[tuple[str, Mention, Mention, float]]:
    """(predicate, subject, object, confidence) for every fact the parse shows."""
    for k, m in enumerate(view.mentions):
        head = view.mention_head[k]
        if head < 0:
            continue
        tok = view.doc[head]
        if m.type == "Person":
            yield from _leader(view, coref, m, tok)
        elif m.type == "MilitaryAsset":
            yield from _operator(view, coref, m, tok)
        elif m.type == "MilitaryBase":
            yield from _operator(view, coref, m, tok)
            yield from _located(view, coref, m, tok)
        elif m.type == "Place":
            yield from _located(view, coref, m, tok)
        if m.type in AGENTS and m.how != "demonym":
            yield from _allies(view, coref, m, tok)
    yield from _backing(view, coref)
    yield from _event_facts(events)


# ---------------------------------------------------------------------------------------------- leaderOf
def _leader(view: DocView, coref: Coref, person: Mention, tok: Token) -> Iterator[tuple[str, Mention, Mention, float]]:
    titles = [c for c in tok.children if c.dep_ in ("compound", "appos", "amod") and _is_title(c)]
    titles += [t for c in tok.children if c.dep_ == "compound" for t in c.children
               if t.dep_ == "compound" and _is_title(t)]
    if tok.dep_ == "appos" and _is_title(tok.head):
        titles.append(tok.head)  # "the group's leader, Abu Bakr al-Baghdadi"
    for title in titles:
        for x in _of_whom(view, coref, title, person):
            yield "leaderOf", person, x, 0.8


# words that make a title no leading office of what it names (ANNOTATION.md: not spokesmen, not people out of
# office): "former president", "press secretary", "WFP's country director", "the F-35 program chief"
LESSER = frozenset({"former", "ex", "late", "then", "press", "country", "regional", "program", "programme",
                    "project", "site", "humanitarian"})


def _is_title(tok: Token) -> bool:
    if tok.lower_ == "general" and tok.i >= 2:  # "Secretary-General", "Director General": not the rank alone
        before = tok.doc[tok.i - 2] if tok.doc[tok.i - 1].text == "-" else tok.doc[tok.i - 1]
        return before.lower_ in LEADER_TITLES and not _lesser(tok)
    return tok.lemma_.lower() in LEADER_TITLES and tok.pos_ in ("NOUN", "PROPN") and not _lesser(tok)


def _lesser(title: Token) -> bool:
    """ "deputy director", "WFP's country director in Syria", "NRC's Iraq director": not the head of the whole."""
    mods = [c for c in title.children if c.dep_ in ("amod", "compound", "nmod")]
    if any(c.lower_ in LESSER for c in mods):
        return True
    owned = any(c.dep_ == "poss" for c in title.children)
    return owned and any(c.pos_ == "PROPN" and c.dep_ == "compound" for c in mods)


def _of_whom(view: DocView, coref: Coref, title: Token, person: Mention) -> list[Mention]:
    """The state or organization a title is of: its modifiers, what "of" or "in" holds (through office nouns),
    or, for a title written inside the name ("Syrian President Bashar al-Assad"), the name's other modifiers."""
    found = [x for x in _named_modifiers(view, title) if x.type in AGENTS and x.iri != person.iri]
    if any(c.dep_ == "compound" and c.pos_ == "NOUN" for c in title.children):
        found = [x for x in found if x.how != "capital"]  # "Jakarta police chief": the city's, not Indonesia's
    if title.lemma_.lower() in ENVOYS and any(x.type == "Organization" for x in found):
        # "French U.N. Ambassador": France's, at the U.N.; "U.N. Syria envoy": the U.N.'s, to Syria
        senders = [x for x in found if x.type == "State" and x.how == "demonym"]
        found = senders or [x for x in found if x.type != "State"]
    if not found and title.head.dep_ != "appos":
        found = [x for x in _named_modifiers(view, title.head) if x.type in AGENTS and x.iri != person.iri
                 and view.tok_mention[title.head.i] != view.mentions.index(x)] if title.dep_ == "compound" else []
    if not found:
        found = _through_of(view, coref, title, 0)
    return found


def _through_of(view: DocView, coref: Coref, tok: Token, depth: int) -> list[Mention]:
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in ("of", "in", "for", "at"):
            for o in prep_objects(c):
                named = [f.mention for f in phrase_entities(view, o, coref) if f.mention.type in AGENTS]
                if named:
                    return named
                if depth < 2 and o.lemma_.lower() in PART_NOUNS:
                    return _through_of(view, coref, o, depth + 1)
    return []


def _named_modifiers(view: DocView, tok: Token) -> list[Mention]:
    out = []
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "poss", "nmod"):
            for t in conjuncts(c):
                m = view.mention_at(t)
                if m is not None:
                    out.append(m)
                elif t.tag_ == "PRP$":
                    continue
    return out


# ---------------------------------------------------------------------------------------------- operates
def _operator(view: DocView, coref: Coref, thing: Mention, tok: Token) -> Iterator[tuple[str, Mention, Mention, float]]:
    """Who has a weapon or base: the modifiers of its phrase, or the user a verb or a participle names."""
    heads = [tok]
    if tok.dep_ in ("compound", "nmod", "amod", "nummod") and tok.head.pos_ == "NOUN":
        heads.append(tok.head)  # "Russian Su-34 jets": the modifiers of "jets"
    for h in heads:
        for c in h.children:
            if c.dep_ not in ("amod", "compound", "poss", "nmod") or c.i == tok.i:
                continue
            if any(w.lower_.endswith(NOT_OPERATOR) or w.lower_ in NOT_OPERATOR for w in c.subtree):
                continue  # "Russian-made", "Chinese-built"
            for t in conjuncts(c):
                m = view.mention_at(t)
                if m is None and t.tag_ == "PRP$":
                    found = coref.pronoun(t)
                elif m is not None and m.iri != thing.iri:
                    found = agents_of(view, [m], t) if m.type in ("Organization", "Person") else [m]
                else:
                    found = []
                for x in found:
                    if x.type in AGENTS:
                        yield "operates", x, thing, 0.75
    np_head = heads[-1]
    verb = np_head.head
    if np_head.dep_ == "dobj" and verb.lemma_.lower() in OPERATE_VERBS:
        for s in (c for c in verb.children if c.dep_ == "nsubj"):
            for f in phrase_entities(view, s, coref):
                if f.mention.type in AGENTS and not f.located:
                    yield "operates", f.mention, thing, 0.75
    for c in np_head.children:  # "Y, used by X", "a base run by X"
        if c.dep_ == "acl" and c.lemma_.lower() in OPERATE_VERBS:
            for a in (a for a in c.children if a.dep_ == "agent"):
                for o in prep_objects(a):
                    for f in phrase_entities(view, o, coref):
                        if f.mention.type in AGENTS:
                            yield "operates", f.mention, thing, 0.75


# ---------------------------------------------------------------------------------------------- locatedIn
# nouns of a part of a place, whose "of" names the whole ("the Baglar district of Diyarbakir"); after a settlement's
# noun "of" names the settlement itself ("the Riviera city of Nice")
DISTRICT_NOUNS = frozenset({"district", "area", "neighbourhood", "neighborhood", "quarter", "suburb", "part", "sector",
                        "zone", "outskirts", "countryside", "region", "province", "governorate"})


def _located(view: DocView, coref: Coref, place: Mention, tok: Token) -> Iterator[tuple[str, Mention, Mention, float]]:
    candidates: list[Token] = []
    holder = tok
    if tok.dep_ == "compound" and tok.head.pos_ == "NOUN":
        holder = tok.head  # "Aleppo's Al-Marja district", "Qasr Talil district in Sabratha"
        candidates += [c for c in holder.children if c.dep_ == "poss"]
    if (holder is tok or tok.dep_ == "compound") and holder.lemma_.lower() in DISTRICT_NOUNS:
        # the place names the district: "the Baglar district of Diyarbakir", "Sur district of Diyarbakir"
        candidates += [o for p in holder.children if p.dep_ == "prep" and p.lower_ == "of" for o in prep_objects(p)]
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and view.lex.is_a("place_noun", tok.head.head.lemma_.lower()):
        holder = tok.head.head  # "the town of Sarmada in northern Syria", "the Syrian town of Azaz"
        if holder.lemma_.lower() in DISTRICT_NOUNS and any(
                c.dep_ == "compound" and (n := view.mention_at(c)) is not None and n.type in PLACES
                for c in holder.children):
            return  # "the Sur district of Diyarbakir": the district is in the city, not the other way
        candidates += [c for c in holder.children if c.dep_ in ("amod", "poss", "compound")]
    for h in {tok, holder}:
        for c in h.children:
            if c.dep_ == "prep" and c.lower_ in ("in", "inside", "within"):
                candidates += prep_objects(c)
            elif c.dep_ == "appos" and c.i > h.i:
                candidates.append(c)  # "Kent, Washington"; "Derna, a town in Libya" is read through the appositive
                candidates += [o for p in c.children if p.dep_ == "prep" and p.lower_ in ("in", "inside")
                               for o in prep_objects(p)]
    for c in candidates:
        m = view.mention_at(c)
        if m is None and c.dep_ == "pobj" and view.lex.is_a("place_noun", c.lemma_.lower()):
            # "the Baglar district of the southeastern city of Diyarbakir"
            m = next((x for p in c.children if p.dep_ == "prep" and p.lower_ == "of" for o in prep_objects(p)
                      if (x := view.mention_at(o)) is not None), None)
        outer = [m] if m is not None else []
        for x in outer:
            if x.type in PLACES and x.iri != place.iri and (x.how != "demonym" or c.dep_ == "amod"):
                yield "locatedIn", place, x, 0.75


# ---------------------------------------------------------------------------------------------- alliedWith
def _allies(view: DocView, coref: Coref, m: Mention, tok: Token) -> Iterator[tuple[str, Mention, Mention, float]]:
    """Facts around one named state or organization: its modifiers ("Iran-backed Hezbollah", "al Qaeda's Nusra
    Front", "NATO member Turkey"), its appositives ("Moscow, Syria's ally", "X, an ally of Y", "X, part of Y")."""
    heads = [tok]
    if tok.dep_ == "compound" and tok.head.pos_ == "NOUN" and view.mention_at(tok.head) is None:
        heads.append(tok.head)  # "Hezbollah fighters"
    for h in heads:
        for c in h.children:
            if c.dep_ == "poss" and m.type == "Organization":
                for x in _mentions_in(view, c):  # "al Qaeda's Nusra Front"
                    if x.type == "Organization" and x.cls == m.cls == "ArmedGroup":
                        yield "alliedWith", x, m, 0.7
            elif c.dep_ == "compound" and c.lemma_.lower() in ("member", "ally", "partner"):
                for x in _named_modifiers(view, c):  # "NATO member Turkey", "NATO ally Turkey"
                    if x.type in AGENTS:
                        yield "alliedWith", x, m, 0.8
            elif c.dep_ == "appos":
                yield from _appositive_ally(view, coref, m, c)
    if tok.dep_ == "nsubj" and tok.head.lemma_ == "be":  # "Nusra is part of the Jaish al-Fatah alliance"
        for attr in (c for c in tok.head.children if c.dep_ == "attr"):
            yield from _appositive_ally(view, coref, m, attr)
    if tok.dep_ == "appos" and tok.head.lemma_.lower() in ALLY_NOUNS | AFFILIATES:
        for x in _owners(view, coref, tok.head):  # "its ally Russia", "al Qaeda's Syrian branch the Nusra Front"
            if x.iri != m.iri:
                yield "alliedWith", x, m, 0.8
    named_as = tok.head.head if tok.dep_ == "pobj" and tok.head.lower_ == "as" else None
    if named_as is not None and named_as.lemma_.lower() in ("know", "call", "name") and named_as.dep_ == "acl":
        # "al-Qaida's branch in Syria, known as Nusra", which the parse may hang under "Syria" or under the phrase
        # that holds the branch ("fighters from al-Qaida's branch ..., known as")
        named = named_as.head
        if named.dep_ == "pobj" and named.head.head.lemma_.lower() in AFFILIATES:
            named = named.head.head
        elif named.lemma_.lower() not in AFFILIATES | ALLY_NOUNS:
            named = next((t for t in reversed(list(named.subtree)) if t.i < named_as.i
                          and t.lemma_.lower() in AFFILIATES), named)
        yield from _appositive_ally(view, coref, m, named)


def _appositive_ally(view: DocView, coref: Coref, m: Mention, appos: Token
                     ) -> Iterator[tuple[str, Mention, Mention, float]]:
    lemma = appos.lemma_.lower()
    if lemma in AFFILIATES and m.type == "Organization":  # "the Nusra Front, al Qaeda's Syrian branch"
        for x in _owners(view, coref, appos):
            if x.type == "Organization" and x.iri != m.iri:
                yield "alliedWith", x, m, 0.7
    elif lemma in ALLY_NOUNS:
        for x in _owners(view, coref, appos):  # "Moscow, Syria's ally"
            yield "alliedWith", x, m, 0.8
        for o in (o for p in appos.children if p.dep_ == "prep" and p.lower_ == "of" for o in prep_objects(p)):
            for f in phrase_entities(view, o, coref):  # "X, a key ally of Y"
                if f.mention.type in AGENTS:
                    yield "alliedWith", f.mention, m, 0.8
    elif lemma in ("part", "member", "faction", "unit", "component"):
        for o in (o for p in appos.children if p.dep_ == "prep" and p.lower_ == "of" for o in prep_objects(p)):
            # "the Yarmouk Army, part of the Free Syrian Army", "part of the Jaish al-Fatah alliance"
            for x in [f.mention for f in phrase_entities(view, o, coref)] or _named_modifiers(view, o):
                if x.type == "Organization" and x.iri != m.iri:
                    yield "alliedWith", x, m, 0.7
    elif m.type == "Organization" and view.lex.is_a("group_noun", lemma):
        for x in _named_modifiers(view, appos):  # "the First Coastal Division, an FSA group"
            if x.type == "Organization" and x.how != "demonym" and x.iri != m.iri:
                yield "alliedWith", x, m, 0.7


# a group's own parts elsewhere, which its possessor names
AFFILIATES = frozenset({"branch", "affiliate", "offshoot", "franchise", "wing", "arm"})


def _owners(view: DocView, coref: Coref, noun: Token) -> list[Mention]:
    """Whose ally a noun names: its possessor ("Syria's ally", "his allies": the state he leads) or a name
    before it ("NATO ally Turkey", "U.S. ally Jordan")."""
    out = []
    for c in noun.children:
        if c.dep_ == "poss":
            m = view.mention_at(c)
            found = coref.pronoun(c) if m is None and c.tag_ == "PRP$" else [m] if m else []
            out += [x for x in agents_of(view, found, c) if x.type in AGENTS]
        elif c.dep_ in ("compound", "nmod") and c.i < noun.i and (m := view.mention_at(c)) is not None \
                and m.how != "demonym" and view.mention_at(noun) is not m:
            out += [x for x in agents_of(view, [m], c) if x.type in AGENTS]
    return out


BACKS_SUFFIXES = frozenset(w + end for w in ("back", "ally", "link", "align") for end in ("", "ed"))


def _backs(tok: Token) -> bool:
    lemma = tok.lemma_.lower()
    return ("-" in lemma and lemma.rsplit("-", 1)[1] in BACKS_SUFFIXES) or (tok.tag_ == "VBN" and lemma in BACKING)


def _mentions_in(view: DocView, tok: Token) -> list[Mention]:
    """The agents named in a modifier ("Iran-backed": Iran), a named leader standing for the state he leads."""
    found = []
    for t in tok.subtree:
        m = view.mention_at(t)
        if m is not None and m not in found:
            found.append(m)
    for m in view.mentions:  # "U.S.-backed" is one token that holds the name
        if m.start >= tok.idx and m.end <= tok.idx + len(tok) and m not in found:
            found.append(m)
    return [x for x in agents_of(view, found, tok) if x.type in AGENTS]


SUPPORT_VERBS = frozenset({"back", "support", "bolster", "help", "assist", "aid", "reinforce", "arm", "train",
                           "advise", "ally", "side", "defend", "protect", "prop"})


def _backing(view: DocView, coref: Coref) -> Iterator[tuple[str, Mention, Mention, float]]:
    """One side backing another, whoever names them: "Russia backs Assad" (the state its leader leads), "Syrian
    troops, backed by Russian jets and Iranian militiamen", "The Syrian army is backed by
    Moscow", "Hezbollah fighters supporting Syrian government forces", "Russian raids to bolster Syrian forces",
    "Russian- and Iranian-backed Syrian government forces", "Assad and his Russian allies"."""
    for tok in view.doc:
        lemma = tok.lemma_.lower()
        backers: list[Token] = []
        backed: list[Token] = []
        if lemma in SUPPORT_VERBS and tok.pos_ == "VERB":
            agents = [o for c in tok.children if c.dep_ == "agent" for o in prep_objects(c)]
            if agents or any(c.dep_ in ("auxpass", "nsubjpass") for c in tok.children) or (
                    tok.dep_ in ("acl", "amod") and tok.tag_ == "VBN"):
                backers = agents
                backed = [c for c in tok.children if c.dep_ == "nsubjpass"] or (
                    [tok.head] if tok.dep_ in ("acl", "amod") else [])
            else:
                backers = [c for c in tok.children if c.dep_ == "nsubj"] or _carrier(tok)
                backed = [c for c in tok.children if c.dep_ == "dobj"]
                backed += [o for c in tok.children if c.dep_ == "prep" and c.lower_ == "with" for o in prep_objects(c)]
            if tok.dep_ == "amod" and not agents:  # "Russian- and Iranian-backed forces": the names are in the word
                backers = [c for c in tok.children if c.dep_ in ("npadvmod", "compound")] + [
                    c for c in tok.head.children if c.dep_ == "dep" and c.i < tok.i]
                backed = [tok.head]
        elif _backs(tok) and tok.dep_ in ("amod", "compound", "npadvmod"):  # "Iran-backed", "U.S.-allied"
            for x in _mentions_in(view, tok):
                for y in _sides(view, coref, tok.head, coordinated=False):
                    yield from _pair(x, y, view)
            continue
        elif lemma in SUPPORT_NOUNS and tok.pos_ == "NOUN":
            yield from _support_noun(view, coref, tok)
            continue
        elif lemma in ("ally", "allies", "partner") and tok.pos_ == "NOUN":
            # "Assad and his Russian allies", "the government and its ally Iran", "their other main ally, Russia"
            named = _sides(view, coref, tok, own_only=True)
            owners = _owners(view, coref, tok)
            for x in owners:
                for y in named:
                    yield from _pair(x, y, view)
            continue
        for x in (m for b in backers for m in _sides(view, coref, b)):
            for y in (m for b in backed for m in _sides(view, coref, b)):
                yield from _pair(x, y, view)


SUPPORT_NOUNS = frozenset({"support", "backing", "help", "assistance", "aid", "cover"})


def _support_noun(view: DocView, coref: Coref, noun: Token) -> Iterator[tuple[str, Mention, Mention, float]]:
    """ "Russia's support for Assad", "air strikes in support of Assad" (whoever strikes supports), "fighting
    with the help of a U.S.-led alliance" (the alliance helps whoever fights)."""
    of = [o for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "to") for o in prep_objects(c)]
    own = _named_modifiers(view, noun) + [x for c in noun.children if c.dep_ == "poss" and c.tag_ == "PRP$"
                                          for x in coref.pronoun(c)]
    prep = noun.head if noun.dep_ == "pobj" else None
    carrier = prep.head if prep is not None else None
    if prep is not None and prep.lower_ == "with" and of and carrier is not None:
        helpers = [m for o in of for m in _sides(view, coref, o)]  # "with the help of X": X helps
        helped = _actors_of(view, coref, carrier)
    else:
        helpers = [x for x in agents_of(view, own, noun) if x.type in AGENTS]
        if not helpers and prep is not None and prep.lower_ in ("in", "as") and carrier is not None:
            helpers = _actors_of(view, coref, carrier)  # "air strikes in support of Assad"
        helped = [m for o in of for m in _sides(view, coref, o)]
    for x in helpers:
        for y in helped:
            yield from _pair(x, y, view)


def _actors_of(view: DocView, coref: Coref, tok: Token) -> list[Mention]:
    """Who carries out what a word says: a verb's subject, a noun's own modifiers ("its air campaign")."""
    if tok.pos_ in ("VERB", "AUX"):
        return [m for s in tok.children if s.dep_ in ("nsubj", "agent") for m in _sides(view, coref, s)]
    if tok.pos_ == "NOUN":
        named = _named_modifiers(view, tok) + [x for c in tok.children if c.dep_ == "poss" and c.tag_ == "PRP$"
                                               for x in coref.pronoun(c)]
        found = [x for x in agents_of(view, named, tok) if x.type in AGENTS]
        if not found and tok.dep_ in ("dobj", "pobj") and tok.head.pos_ == "VERB":
            found = _actors_of(view, coref, tok.head)  # "pressing ahead with its campaign"
        return found
    return []


def _carrier(verb: Token) -> list[Token]:
    """Who acts through a purpose clause: "Russian bombing raids to bolster Syrian forces" (the raids)."""
    return [verb.head] if verb.dep_ in ("acl", "relcl", "advcl", "xcomp") and verb.head.pos_ == "NOUN" else []


def _sides(view: DocView, coref: Coref, tok: Token, own_only: bool = False, coordinated: bool = True
           ) -> list[Mention]:
    """The states and organizations a phrase stands for, the state a named leader leads, the side an attack told
    as a noun is by ("backed by Russian air strikes": Russia); `own_only`: only what the word itself names or
    what stands beside it ("his Russian allies", "its ally Iran")."""
    found: list[Mention] = []
    for t in conjuncts(tok) if coordinated else [tok]:
        own = [f.mention for f in head_entities(view, t, coref) if not f.located]
        if not own and t.dep_ == "appos":  # "the Nusra Front, an al Qaeda-linked group"
            own = [f.mention for f in head_entities(view, t.head, coref) if not f.located]
        lemma = t.lemma_.lower()
        if not own and lemma in ALLY_NOUNS:  # "his Russian allies", "its ally, Russia", "allies from Hezbollah"
            own = [m for m in _named_modifiers(view, t)]
            own += [f.mention for c in t.children if c.dep_ == "appos" or (c.dep_ == "prep" and c.lower_ == "from")
                    for o in ([c] if c.dep_ == "appos" else prep_objects(c)) for f in phrase_entities(view, o, coref)]
        if not own and not own_only and t.pos_ == "NOUN" and (view.lex.nouns.get(lemma) or lemma in SUPPORT_NOUNS
                                                             or lemma == "power"):
            # "Russian air strikes", "Russian air support": Russia; "its advances": whose they are
            own = _named_modifiers(view, t) + [x for c in t.children if c.dep_ == "poss" and c.tag_ == "PRP$"
                                               for x in coref.pronoun(c)]
            # "airstrikes from the U.S.-led coalition", "air strikes by Russian jets": whose they are
            own += [f.mention for c in t.children if c.dep_ in ("prep", "agent") and c.lower_ in ("from", "by")
                    for o in prep_objects(c) for f in head_entities(view, o, coref) if not f.located]
        found += own
    sides = [x for x in agents_of(view, found, tok) if x.type in AGENTS]
    states = {x.iri for x in sides if x.type == "State"}
    return [x for x in sides if view.state_of(x) not in states or x.type == "State"]  # the state, not its army


def _pair(a: Mention, b: Mention, view: DocView) -> Iterator[tuple[str, Mention, Mention, float]]:
    """Two sides, unless one is the other's own army or ministry ("the Syrian army and its allies")."""
    if a.iri != b.iri and view.state_of(a) != b.iri and view.state_of(b) != a.iri:
        yield "alliedWith", a, b, 0.7


def _event_facts(events) -> Iterator[tuple[str, Mention, Mention, float]]:
    """What events that happened imply: the actors of a joint exercise or patrol are partners; an actor operates
    the weapons it uses in an operation or a deployment."""
    for ev in events:
        if ev.modality is not None:
            continue
        actors = [m for m in ev.roles.get("actor", []) if m.type in AGENTS]
        if ev.cls in ("Exercise", "Patrol"):
            states = [m for m in actors if m.type == "State"]
            for i, a in enumerate(states):
                for b in states[i + 1:]:
                    if a.iri != b.iri:
                        yield "alliedWith", a, b, 0.6
        if ev.kind in ("MilitaryOperation", "Deployment"):
            for a in actors:
                for asset in ev.roles.get("asset", []):
                    yield "operates", a, asset, 0.65
