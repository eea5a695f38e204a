"""Events (arms transfers, deployments, military operations and their kinds, statements) read from the parse.

For each sentence, a word whose lemma is a trigger of a frame (kg/extract/frames.toml) starts an event: a verb
("shelled", "were deployed") or a noun ("air strikes", "the sale of F-16s"). Its arguments are found by their
grammatical role and turned into entities (kg.extract.roles):
- verbs: the subject (inherited through coordination, "began to ...", participles and relative clauses; the
  passive agent "by X"), the object (a passive verb's subject), the dative, and each preposition by its lemma;
- nouns: their modifiers ("Russian air strikes", "Turkey's shelling"), their prepositions ("strikes on Aleppo",
  "the sale of F-16s to Bahrain"), and the verb that carries them ("Russia carried out strikes") for its subject
  and prepositions.
Each frame says which role each position fills, tried in order by the entity's type. Then: the modality
(kg.extract.modality), the date that the parse attaches to the trigger (or the report's date, "by"), the
sources the sentence attributes it to, and arguments left implicit filled from the article's discourse.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc, Span, Token

import ontology
from kg.extract.attribution import Source, attributes, attributions
from kg.extract.coref import Coref
from kg.extract.dates import When, find_dates
from kg.extract.frames import ROLE_TYPES, Entry, Frame
from kg.extract.mentions import Mention
from kg.extract.modality import modality
from kg.extract.parse import credit_lines, datelines
from kg.extract.roles import (
    DocView,
    Filler,
    agents_of,
    conjuncts,
    entities_of_modifiers,
    is_patron,
    named_agents,
    phrase_entities,
    prep_objects,
    preposition_key,
    quantity_of,
)
from kg.extract.sentences import sentences
from kg.vocab import EVENT_ROLES

RELATIVE_PRONOUNS = frozenset({"which", "who", "that", "whom"})
DEFINITE = frozenset({"the", "this", "that", "these", "those", "its", "their", "his", "her"})
# verbs whose object does what the verb after it says ("ordered troops to advance": the troops advance)
OBJECT_CONTROL = frozenset({"order", "urge", "ask", "allow", "help", "force", "send", "deploy", "tell", "authorize",
                            "authorise", "instruct", "permit", "enable", "encourage", "call"})
SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# roles that may hold the same entity as the actor in one event: none (an actor does not strike itself)
OPPOSED = {"target": "actor", "recipient": "supplier", "supplier": "recipient"}


@dataclass
class Event:
    kind: str  # the contract class: ArmsTransfer, Deployment, MilitaryOperation, Statement (or Event)
    roles: dict[str, list[Mention]]
    sentence: tuple[int, int]
    trigger: tuple[int, int]
    cls: str = ""  # the most specific class (Attack, AirStrike, MissileTest ...); the kind when empty
    modality: str | None = None
    date: When | None = None
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.8
    inferred: dict[str, str] = field(default_factory=dict)  # role -> IRI filled from context, not the sentence
    requires: tuple[frozenset[str], ...] = ()  # what it must name to be kept: any one set of roles (its frame's)
    more_sentences: list[tuple[int, int]] = field(default_factory=list)  # other sentences that tell it
    forces: bool = False  # read from forces named where they are ("U.S. troops in Afghanistan"): no place to borrow
    anaphoric: bool = False  # told by a noun that refers back to it ("the strikes", "its campaign")
    place_anaphor: bool = False  # placed by a noun that refers back to a place ("air strikes in the area")
    also: bool = False  # told as one more of the operation before ("The nearby Owaija area was also hit")
    carriers: list[int] = field(default_factory=list)  # tokens of the words that carry a noun's event ("carried
    # out", "killed in"): their dates are its date

    def role_iris(self, role: str) -> list[str]:
        iris = [m.iri for m in self.roles.get(role, [])]
        if role in self.inferred:
            iris.append(self.inferred[role])
        return sorted(set(iris))

    @property
    def classes(self) -> tuple[str, ...]:
        """The event's classes: its most specific one and its contract class."""
        return (self.cls, self.kind) if self.cls and self.cls != self.kind else (self.kind,)


def extract_events(text: str, view: DocView, coref: Coref, published: dt.date | None) -> list[Event]:
    doc, mentions = view.doc, view.mentions
    if not doc.has_annotation("DEP"):
        return []  # no parse (the statistical model is missing): no events
    events: list[Event] = []
    credits = {start for start, _ in credit_lines(doc)}
    dated_from = {end: [m for m in mentions if start <= m.start < end and m.type == "Place"]
                  for start, end in datelines(text)}
    for span, sent in zip(doc.sents, sentences(text, doc, mentions), strict=True):
        if span.start_char in credits:
            continue
        found: list[tuple[Event, Token]] = []
        consumed: set[int] = set()  # words of a verb's trigger ("took delivery of"): no trigger of their own
        triggers = {t.i: _triggers(view, t) for t in span}
        nominal = {t.i for t in span if t.pos_ == "NOUN" and any(not e.frame.forces for e in triggers[t.i])}
        for tok in span:
            entries = [] if tok.i in consumed else triggers[tok.i]
            if _verbal(tok) and any((c.dep_ == "dobj" or (c.dep_ == "nsubjpass" and _passive(tok))) and c.i in nominal
                                    and c.lemma_.lower() not in e.extra for c in tok.children for e in entries):
                # "launched missile strikes", "the assault was repulsed": the strikes, the assault are the event;
                # "confirmed an air strike" says so too
                entries = [e for e in entries if e.frame.kind == "Statement"]
            for entry in entries:
                consumed.update(c.i for c in tok.children if c.lemma_.lower() in entry.extra)
                ev = _event(view, coref, tok, entry, span)
                if ev is not None:
                    found.append((ev, tok))
        found = _absorb_effects(view, coref, _participles(_delivered(_resolve_overlaps(view, found))))
        if not found:
            continue
        _share_location([ev for ev, _ in found])
        found += _backers_present(view, coref, found)
        _at_dateline(view, [ev for ev, _ in found], dated_from.get(span.start_char, []))
        dates = find_dates(text, sent.start, sent.end, published)
        sources = attributions(sent)
        for ev, tok in found:
            ev.date = _date(view, ev, tok, dates, span, found)
            ev.sources = [s for pos, s in sources if attributes(pos, s, ev)]
        events += [ev for ev, _ in found]
    _fill_from_discourse(events, mentions)
    _states_behind(view, events)
    return _merge_subsumed([ev for ev in _refer_back(events) if _complete(ev)])


def _states_behind(view: DocView, events: list[Event]) -> None:
    """A state's named branch, ministry or service acts for the state, whichever way the event reached it ("the
    army" taken for the Syrian Arab Army named before, a branch filled in from the discourse): the state joins it."""
    for ev in events:
        for role in ("actor", "supplier", "recipient", "target"):
            have = ev.roles.get(role, [])
            for m in list(have):
                state = view.state_of(m) if m.type == "Organization" else None
                entity = view.reference.entities.get(state) if state is not None else None
                if entity is not None and all(x.iri != state for x in have):
                    have.append(Mention(m.start, m.end, m.text, state, entity.label, entity.cls, m.confidence,
                                        "branch", entity=entity))


# ---------------------------------------------------------------------------------------------- triggers
def _triggers(view: DocView, tok: Token) -> list[Entry]:
    """The frame entries `tok` triggers: the longest that match, one per frame."""
    if view.tok_mention[tok.i] >= 0:
        return []  # inside a name ("Operation Inherent Resolve", "Air Force")
    lemma = tok.lemma_.lower()
    if _verbal(tok) and tok.dep_ != "amod":
        index = view.lex.verbs
        parts = lemma.split("-")
        candidates = index.get(parts[-1], []) if len(parts) > 1 else next(
            (index[v] for v in _verb_lemmas(tok, lemma) if v in index), [])
        matches = [e for e in candidates if _verb_extra_ok(tok, e, parts[:-1])]
    elif tok.pos_ == "NOUN":
        civil = any(c.dep_ in ("amod", "compound") and view.lex.is_a("civil_domain", c.lemma_.lower())
                    for c in tok.children)  # "a diplomatic push", "a peace mission"
        matches = [e for e in view.lex.nouns.get(lemma, []) if _noun_extra_ok(tok, e)
                   and not (civil and e.frame.kind in ("MilitaryOperation", "Deployment"))]
    else:
        return []
    if not matches:
        return []
    longest = len(matches[0].extra)
    out, frames_seen = [], set()
    for e in matches:
        if len(e.extra) == longest and e.frame.name not in frames_seen:
            frames_seen.add(e.frame.name)
            out.append(e)
    return out


def _a_place(view: DocView, tok: Token) -> bool:
    """A named place, state or base, or a noun of a place ("the town")."""
    m = view.mention_at(tok)
    return (m.type in ("Place", "State", "MilitaryBase") if m is not None
            else view.lex.is_a("place_noun", tok.lemma_.lower()))


def _quantity(tok: Token) -> bool:
    """A number, or a noun counted by one ("5,500 troops")."""
    return tok.like_num or tok.tag_ == "CD" or any(c.dep_ == "nummod" for c in tok.children)


def _verbal(tok: Token) -> bool:
    """A verb, or a word tagged as a noun that the parse gives an object or a subject (headlines: "Russia bombs
    Aleppo")."""
    return tok.pos_ == "VERB" or (tok.pos_ == "NOUN" and any(c.dep_ in ("dobj", "nsubj", "aux", "neg")
                                                             for c in tok.children))


def _verb_lemmas(tok: Token, lemma: str) -> list[str]:
    """The verb's lemma; for a gerund the tagger took for a noun ("keep bombing militants"), the verb's."""
    if tok.pos_ != "NOUN" or not lemma.endswith("ing"):
        return [lemma]
    stem = lemma[:-3]
    return [stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem]


def _verb_extra_ok(tok: Token, entry: Entry, in_token: list[str]) -> bool:
    if not entry.extra:
        return not in_token
    if list(entry.extra) == in_token:
        return True  # "test-fired" as one token
    near_words = [c for c in tok.children if c.dep_ in ("prt", "prep", "dobj", "advmod", "npadvmod", "compound",
                                                          "acomp") and not _when(c)]
    near = {c.lemma_.lower() for c in near_words} | {c.lower_ for c in near_words if c.dep_ in ("prt", "prep")}
    return all(w in near for w in entry.extra)


def _when(prep: Token) -> bool:
    """A preposition that says when ("fired a missile on Friday"), which no trigger's own word is ("fire on")."""
    return prep.dep_ == "prep" and any(o.ent_type_ in ("DATE", "TIME") for o in prep_objects(prep))


def _noun_extra_ok(tok: Token, entry: Entry) -> bool:
    if not entry.extra:
        return True
    if entry.of:
        objs = [o.lemma_.lower() for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"
                for o in prep_objects(c)]
        return all(w in objs for w in entry.extra)
    mods = {c.lemma_.lower() for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod")}
    return all(w in mods for w in entry.extra)


# ---------------------------------------------------------------------------------------------- one event
def _event(view: DocView, coref: Coref, tok: Token, entry: Entry, span: Span) -> Event | None:
    frame = entry.frame
    positions: list[tuple[str, list[Token]]] = []
    governor = None
    if _verbal(tok):
        if tok.lemma_.lower() in frame.complement and not _has_complement(tok):
            return None  # "claimed parts of the sea", "called an election"
        described = view.mention_at(tok.head)
        if frame.kind == "Deployment" and tok.dep_ == "acl" and (
                view.lex.is_a("place_noun", tok.head.lemma_.lower())
                or (described is not None and described.type == "MilitaryBase")):
            return None  # "a naval base stationed in Tartus" describes the base
        passive = _passive(tok)
        subjects = _subjects(tok, passive)
        positions.append(("subject", subjects))
        # a weapon the parse hung under the verb by another relation is its object all the same ("sent
        # Shahed-136 drones", with "Shahed-136" read as punctuation)
        objects = _objects(tok, passive) + [c for c in tok.children if c.dep_ in ("dep", "punct", "npadvmod", "nmod")
                                            and view.mention_at(c) is not None
                                            and view.mention_at(c).type == "MilitaryAsset"]
        # "took delivery of Su-25s": the object of the trigger's own noun is the verb's object
        objects = [o for x in objects for o in ([o for c in x.children if c.dep_ == "prep" and c.lower_ == "of"
                                                  for o in prep_objects(c)] or [x] if x.lemma_.lower() in entry.extra
                                                 else [x])]
        if frame.object_class and objects and not _object_fits(view, frame, objects, tok, entry):
            return None  # "sent a message", "delivered a speech"
        if frame.cls == "Capture" and objects and all(
                (m := view.mention_at(o)) is not None and m.type == "Person" for o in objects):
            return None  # "trying to oust President Bashar al-Assad": no ground taken
        if frame.kind == "ArmsTransfer" and not objects and not _object_fits(view, frame, [], tok, entry):
            return None  # "militants getting to Russia": a transfer names what or whom it gives, or gives "with"
        if frame.kind == "Deployment" and not objects and not passive and _civilians(view, subjects):
            return None  # "thousands of people massing at the crossing", "refugees arrived in Greece"
        positions.append(("object", objects))
        datives = [c for c in tok.children if c.dep_ == "dative" and c.pos_ != "ADP"]
        if passive and any(c.dep_ == "dobj" for c in tok.children):  # "Syria was given S-300s": the one given to
            datives += [c for c in tok.children if c.dep_ == "nsubjpass"]
        positions.append(("dative", datives))
        if passive and tok.dep_ == "acl":
            positions.append(("user", _users(tok.head)))  # "Taiwan operates F-16s bought from the United States"
        preps = _prepositions(tok, entry.of)
        where = _where(tok)
        if where:  # "where Islamic State fighters retreated to": the preposition left at the end, else "in"
            preps.append((next((c.lower_ for c in tok.children if c.dep_ == "prep" and not prep_objects(c)), "in"),
                          where))
        if tuple(frame.slots.get("to", ())) == ("actor",) and any(
                key == "to" and any(_quantity(h) for h in hs) for key, hs in preps):
            return None  # "the troops will fall to 5,500": a number changes hands with no one
    else:
        if frame.object_class and not (view.lex.is_a(frame.object_class, tok.lemma_.lower())
                                       or _weapon_context(view, frame.object_class, tok)):
            return None  # "the nuclear deal", "medical supplies", "their assistance": no weapons ("reinforcements"
            # are forces themselves)
        governor = _support_verb(view, tok)
        if frame.kind == "MilitaryOperation" and tok.dep_ in ("dobj", "nsubjpass") and \
                REPELLING & {tok.head.lemma_.lower(), *(f"{tok.head.lemma_.lower()} {c.lower_}"
                                                        for c in tok.head.children if c.dep_ in ("prt", "advmod"))}:
            # "the peshmerga repelled the attacks", "beat back an assault": theirs were attacked
            positions.append(("repelled by", _subjects(tok.head, _passive(tok.head))))
        positions.append(("modifier", [m for m in _modifier_heads(view, tok)]))
        preps = _prepositions(tok, entry.of)
        if frame.kind == "MilitaryOperation":  # "an attack claimed by Islamic State": by whom it was, they say
            preps += [("by", prep_objects(a)) for c in tok.children if c.dep_ == "acl" and c.lemma_.lower() == "claim"
                      for a in c.children if a.dep_ == "agent"]
            # where what it was for was: "raids to help Syrian troops around the city of Aleppo"
            purposes = [c for c in tok.children if c.dep_ in ("relcl", "acl") and c.pos_ == "VERB"
                        and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
            preps += [(key, hs) for v in purposes for x in [v, *(o for o in v.children if o.dep_ == "dobj")]
                      for key, hs in _prepositions(x) if key in PRESENT_AT and all(_a_place(view, h) for h in hs)]
        if frame.forces and tok.dep_ == "appos" and view.mention_at(tok.head) is not None:
            preps.append(("in", [tok.head]))  # "the town of X, a stronghold for Hezbollah": there
        if frame.forces:  # "soldiers in Iran's regular army": whose forces they are, not where
            preps = [("modifier" if key in MEMBERSHIP and all(view.lex.is_a("force", h.lemma_.lower()) for h in hs)
                      else key, hs) for key, hs in preps]
            verbs = [tok.head] if tok.dep_ == "nsubjpass" or (tok.dep_ == "nsubj" and not _triggers(view, tok.head)) \
                else []
            # a participle after them, shared by the forces coordinated with them: "Hezbollah fighters and Iranian
            # fighters backing the army's advances in the northern Aleppo area"
            verbs += [c for t in conjuncts(tok) for c in t.children if c.dep_ == "acl" and c.pos_ == "VERB"
                      and not _triggers(view, c)]
            if not any(key in PRESENT_AT for key, _ in preps):
                # where what befell them or what they did happened: "Iranian soldiers were killed in Syria", "suffered
                # losses at Khan Touman" (what they did as an operation is that operation: "fighters attacked")
                preps += [(key, hs) for v in verbs for x in [v, *(o for o in v.children if o.dep_ == "dobj")]
                          for key, hs in _prepositions(x) if key in PRESENT_AT and all(_a_place(view, h) for h in hs)]
        if governor is not None:
            positions.append(("subject", _subjects(governor, _passive(governor))))
            preps += [p for p in _prepositions(governor, entry.of) if not _holds(p, tok)]
    positions += preps
    # a preposition the parse put under the object may be the trigger's ("took delivery of SAMP/T systems from
    # France", "shelled positions in Aleppo")
    taken = {key for key, _ in preps}
    for key, heads in list(positions):
        if key in ("object", "of"):
            for h in heads:
                for k, objs in _prepositions(h, entry.of):
                    if k != "of" and k in frame.slots and k not in taken:
                        positions.append((k, objs))
    if frame.needs and not _needs_ok(view, frame.needs, tok, positions):
        return None
    roles: dict[str, list[Mention]] = {}
    for position, heads in positions:
        slot = ("target",) if position == "repelled by" else frame.slots.get(position)
        if not slot:
            continue
        for head in heads:
            fillers = ([Filler(m) for m in _modifier_entities(view, coref, head)] if position == "modifier"
                       else phrase_entities(view, head, coref))
            for f in fillers:
                if f.mention.type == "Person" and not f.located and {"actor", "supplier", "recipient"} & set(slot):
                    led = view.state_led_by(f.mention)  # "Obama approved a drone strike": the United States
                    if led is not None and (state := view.as_mention(led, head, "leader")) is not None:
                        _assign(roles, slot, state)
                        continue
                _assign(roles, ("location",) if f.located else slot, f.mention, between=position == "between")
                if (f.located and f.mention.type == "State" and f.mention.how != "demonym" and "target" in slot
                        and position in ("on", "against", "at", "upon") and view.lex.is_a("place_noun", head.lemma_)):
                    _assign(roles, ("target",), f.mention)  # "strikes on nine sites in Pakistan": Pakistan is hit
                if (not f.located and f.mention.type == "State" and f.mention.how != "demonym"
                        and frame.kind == "MilitaryOperation" and position in ("object", "of") and "target" in slot
                        and "location" in slot):
                    _assign(roles, ("location",), f.mention)  # "invaded Iraq", "the invasion of Iraq": hit and where
    _not_against_itself(view, roles)
    cls = _refined(view, frame, tok, positions, roles)
    if frame.with_target and (roles.get("target") or _fired_in_war(tok, roles)):
        cls = frame.with_target
    if tok.pos_ == "VERB" and frame.kind == "Deployment" and not any(h for p, h in positions if p == "object"):
        _deployed_subject(view, coref, tok, roles)  # "Russian troops arrived in Syria"
    if frame.kind in ("Deployment", "Event") and not roles.get("actor"):  # "Iranian advisers were deployed"
        for head in (h for p, hs in positions if p == "object" for h in hs):
            for f in phrase_entities(view, head, coref):
                if not f.located:
                    _assign(roles, ("actor",), f.mention)
    _at_home(view, roles)
    if frame.kind in ("Deployment", "MilitaryOperation") and roles.get("actor"):
        # a maker, a newspaper or an aid agency deploys no forces and fights no one ("reported by Reuters")
        roles["actor"] = [m for m in roles["actor"] if m.cls not in CIVIL_ORGANIZATIONS]
    anaphoric = tok.pos_ == "NOUN" and any(c.dep_ in ("det", "poss") and c.lower_ in DEFINITE for c in tok.children)
    under_objects = [p for key, hs in positions if key == "object" for h in hs for p in _prepositions(h)]
    # forces sent to reinforce others go where the fight the article told of was ("brought in reinforcements")
    reinforcing = frame.kind == "Deployment" and REINFORCING & {tok.lemma_.lower(), *(
        o.lemma_.lower() for key, hs in positions if key == "object" for o in hs)}
    place_anaphor = not roles.get("location") and (bool(reinforcing) or any(
        ("location" in frame.slots.get(position, ()) or (position == "for" and h.lemma_.lower() in BATTLES))
        and _place_anaphor(h) for position, hs in preps + under_objects for h in hs))
    return Event(frame.kind, roles, (span.start_char, span.end_char), (tok.idx, tok.idx + len(tok)), cls=cls,
                 modality=modality(tok, governor), confidence=_confidence(roles), requires=frame.requires,
                 forces=frame.forces, anaphoric=anaphoric, place_anaphor=place_anaphor,
                 also=frame.kind == "MilitaryOperation" and any(c.dep_ == "advmod" and c.lower_ == "also"
                                                                for c in (governor or tok).children))


# verbs whose subject withstood the operation their object names
REPELLING = frozenset({"repel", "repulse", "deflect", "thwart", "foil", "fend off", "withstand", "rebuff", "resist",
                       "beat back", "fight off", "push back", "drive back", "hold off", "ward off", "stave off"})
REINFORCING = frozenset({"reinforce", "reinforcement"})
CIVIL_ORGANIZATIONS = frozenset({"Company", "NewsOrganization", "NonGovernmentalOrganization"})
# "the battle" is where the battle the article told of was: "brought in reinforcements for the battle"
BATTLES = frozenset({"battle", "fight", "fighting", "offensive", "front", "frontline"})
PLACE_ANAPHORS = frozenset({"area", "city", "town", "region", "village", "province", "district"}) | BATTLES


def _place_anaphor(tok: Token) -> bool:
    """'the area', 'the city', 'the battle': a place named before, with nothing of its own to say which."""
    return (tok.lemma_.lower() in PLACE_ANAPHORS and any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
            and not any(c.dep_ in ("compound", "amod", "prep", "acl", "relcl", "poss") for c in tok.children))


def _not_against_itself(view: DocView, roles: dict[str, list[Mention]]) -> None:
    """A side is no target of its own operation, nor is its leader or its own body ("fighting between the
    government and rebels battling Assad" is not Syria against Assad)."""
    actors = {m.iri for m in roles.get("actor", [])}
    if not actors or not roles.get("target"):
        return
    kept = [t for t in roles["target"] if t.iri not in actors and view.state_of(t) not in actors
            and (t.type != "Person" or view.state_led_by(t) not in actors)]
    if kept:
        roles["target"] = kept
    else:
        del roles["target"]


HOME_WORDS = frozenset({"government", "regime", "authorities"})
MEMBERSHIP = frozenset({"in", "of", "from", "among", "within", "with"})
PRESENT_AT = frozenset({"in", "at", "near", "inside", "around", "outside"})


def _at_home(view: DocView, roles: dict[str, list[Mention]]) -> None:
    """A bare "the army" or "the government" read as the article's main state is rather the state where the
    event happens, when that is one other state ("a government assault around Aleppo": Syria's)."""
    homes = {view.state_containing(m.iri) for m in roles.get("location", [])} - {None}
    if len(homes) != 1:
        return
    (home,) = homes
    for role in ("actor", "target"):
        for k, m in enumerate(roles.get(role, [])):
            if m.how != "main_state" or m.iri == home:
                continue
            tok = view.doc.char_span(m.start, m.end, alignment_mode="expand")[0]
            if {tok.lower_, *(c.lower_ for c in tok.children if c.dep_ in ("compound", "amod"))} & HOME_WORDS:
                roles[role][k] = view.as_mention(home, tok, "coref") or m


SPOKEN_OBJECTS = frozenset({"responsibility", "concern", "regret", "support", "opposition", "condolence", "hope",
                            "surprise", "doubt", "satisfaction", "alarm", "outrage", "anger", "solidarity"})


def _has_complement(v: Token) -> bool:
    """What is said (a clause, a quotation, 'concern'), or to whom it is addressed ('called on Russia')."""
    for c in v.children:
        if c.dep_ in ("ccomp", "xcomp", "parataxis") or (c.dep_ == "prep" and c.lower_ in ("for", "on", "about")):
            return True
        if c.dep_ == "dobj" and c.lemma_.lower() in SPOKEN_OBJECTS:
            return True
    if any(c.dep_ in ("dobj", "oprd") for c in v.children):
        return False  # "which the Pentagon called Operation Midnight Hammer"
    return any(ch in v.sent.text for ch in '"“”')


def _fired_in_war(tok: Token, roles: dict[str, list[Mention]]) -> bool:
    """Missiles fired at a place on land are an attack, not a test: "warships fired Tomahawk missiles at
    Hodeidah" (a test is said so, or goes into the sea)."""
    if tok.lemma_.lower() != "fire" or any(c.lemma_.lower() == "test" for c in tok.children):
        return False
    places = roles.get("location", [])
    return bool(places) and not any(m.cls == "WaterBody" for m in places)


def _passive(v: Token) -> bool:
    if any(c.dep_ in ("auxpass", "nsubjpass") for c in v.children):
        return True
    if v.dep_ == "acl" and v.tag_ in ("VBN", "VBD") and not any(c.dep_ in ("nsubj", "aux") for c in v.children):
        return True  # "jets bought from the United States" (tagged as a past tense at times)
    if v.tag_ == "VBN" and any(c.dep_ == "agent" for c in v.children) and not any(c.dep_ == "aux"
                                                                                  for c in v.children):
        return True  # "Weapons shipped into Jordan by the CIA were stolen", its subject misread as an active one's
    # "backed by Russian jets, ..."; with a subject of its own it is a past tense read as a participle ("after the
    # government side brought in reinforcements")
    return v.tag_ == "VBN" and v.dep_ in ("advcl", "amod") and not any(c.dep_ in ("aux", "nsubj") for c in v.children)


def _subjects(v: Token, passive: bool) -> list[Token]:
    """Who does what the verb says: its subject, the passive agent, or the subject it shares."""
    if passive:
        return [o for c in v.children if c.dep_ == "agent" for o in prep_objects(c)]
    subjects = [c for c in v.children if c.dep_ in ("nsubj", "csubj")]
    if not subjects and v.pos_ == "NOUN":
        subjects = [c for c in v.children if c.dep_ == "compound"]  # "Russia bombs Aleppo" tagged as a noun
    if subjects:
        if subjects[0].lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
            return [v.head]  # "the group, which attacked ..."
        return subjects
    dep, head = v.dep_, v.head
    if head is v:
        return []
    before = v.doc[v.i - 1] if v.i > v.sent.start else None
    joined = before.head if before is not None and before.dep_ == "appos" else before  # "and its ally Russia said"
    if (before is not None and joined is not None and dep in ("ccomp", "conj", "advcl") and v.tag_ != "VBG"
            and joined.dep_ == "conj"
            and before.pos_ in ("PROPN", "NOUN") and joined.head.i < joined.i
            and joined.head.pos_ in ("NOUN", "PROPN")):
        return [before]  # "... to besieged areas and the World Health Organisation said": read as "areas and WHO"
    if dep == "conj" and head.pos_ in ("VERB", "AUX"):
        return _subjects(head, _passive(head)) if not _passive(head) else []
    if dep in ("xcomp", "ccomp") and head.pos_ in ("VERB", "AUX", "ADJ"):
        controllers = [c for c in head.children if c.dep_ == "dobj"]
        if controllers and head.lemma_.lower() in OBJECT_CONTROL:
            return controllers
        # "X was reported to be sending": X, which the parse may hang under "was" as its subject
        return _subjects(head, _passive(head)) if not _passive(head) else [
            c for x in (head, *(a for a in head.children if a.dep_ == "auxpass")) for c in x.children
            if c.dep_ in ("nsubjpass", "nsubj")]
    if dep == "acomp" and head.pos_ in ("VERB", "AUX"):
        return _subjects(head, _passive(head))  # "was ready to send troops": who was ready
    if dep == "acl" and v.tag_ == "VBG":
        return [head]  # "forces attacking the town"
    if dep == "relcl":
        return [head]
    if dep == "advcl" and (v.tag_ == "VBG" or any(c.dep_ == "aux" and c.lower_ == "to" for c in v.children)):
        return _subjects(head, _passive(head)) if not _passive(head) else []  # "renewed its offer to send"
    if dep in ("pcomp", "pobj") and head.dep_ in ("prep", "agent"):
        verb = head.head
        accused = [c for c in verb.children if c.dep_ == "dobj"]
        if accused and head.lower_ in ("of", "for", "with"):
            return accused  # "accused Turkey of preparing to invade": Turkey would invade
        if head.lower_ == "as" and verb.lemma_.lower() in ("quote", "cite"):
            # "X was quoted as saying", "Syrian television quoted Assad as telling"
            return [c for c in verb.children if c.dep_ == ("nsubjpass" if _passive(verb) else "dobj")]
        return _subjects(verb, _passive(verb)) if verb.pos_ in ("VERB", "AUX") else []
    return []


def _objects(v: Token, passive: bool) -> list[Token]:
    if passive:
        retained = [c for c in v.children if c.dep_ == "dobj"]
        if retained:  # "who were given a taste of life": what was given is the object left after the verb
            return retained
        subjects = [c for c in v.children if c.dep_ == "nsubjpass"] or [c for c in v.children if c.dep_ == "nsubj"]
        if subjects and subjects[0].lower_ in RELATIVE_PRONOUNS and v.dep_ == "relcl":
            return [v.head]
        if not subjects and v.dep_ in ("acl", "amod", "relcl"):
            return [v.head]  # "missiles supplied by Russia"
        if not subjects and v.dep_ == "conj" and v.head.pos_ == "VERB":
            # "the Peshmerga have driven the militants back and are positioned around Mosul"
            return [c for c in v.head.children if c.dep_ in ("nsubjpass", "nsubj")]
        return subjects
    objects = [c for c in v.children if c.dep_ in ("dobj", "attr")]
    if v.dep_ == "relcl" and not any(c.dep_ == "advmod" and c.lower_ in ("where", "when", "why") for c in v.children) \
            and (any(o.lower_ in RELATIVE_PRONOUNS for o in objects) or (
            not objects and any(c.dep_ == "nsubj" and c.lower_ not in RELATIVE_PRONOUNS for c in v.children))):
        return [v.head]  # "J-10C fighters, which it bought from China", "the systems it bought"
    if not objects and v.dep_ == "conj" and v.head.pos_ == "VERB":
        objects = [c for c in v.head.children if c.dep_ == "dobj" and c.i > v.i]
    if not objects:  # "shelled and bombed rebel posts": the last verb's object is the first's too
        objects = [c for conj in v.children if conj.dep_ == "conj" and conj.pos_ == "VERB"
                   for c in conj.children if c.dep_ == "dobj"]
    return objects


def _users(noun: Token) -> list[Token]:
    """Who has the weapons a participle describes: the subject of the verb whose object they are ("Taiwan operates
    F-16s bought from ..."), or where they arrived ("HIMARS supplied by the United States arrived in Romania")."""
    verb = noun.head
    if noun.dep_ in ("dobj", "pobj") and verb.pos_ == "VERB":
        return _subjects(verb, _passive(verb))
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.pos_ == "NOUN":
        noun, verb = noun.head.head, noun.head.head.head  # "a first batch of HIMARS supplied by ... arrived"
    if noun.dep_ == "nsubj" and verb.lemma_.lower() in ("arrive", "land", "reach"):
        return [o for c in verb.children if c.dep_ == "prep" and c.lower_ in ("in", "at") for o in prep_objects(c)]
    return []


def _object_fits(view: DocView, frame: Frame, objects: list[Token], tok: Token, entry: Entry) -> bool:
    """A verb with a word class for its object ("sent troops", "sold jets") needs an object of that class (or of
    it: "three models of the jet"), or an entity, or a fitting "with" ("supplied Ukraine with HIMARS") or, when
    the object is the trigger's own noun ("awarded a contract"), weapons around it ("for a rocket engine")."""
    word_class = frame.object_class
    for o in objects:
        if o.lemma_.lower() in entry.extra:  # the object is the trigger's own noun ("took up positions")
            if word_class != "weapon" or _weapon_context(view, word_class, o) or _weapon_context(view, word_class, tok):
                return True
            continue
        for t in [x for c in conjuncts(o) for x in (quantity_of(view, c) or [c])]:
            if t.lemma_.lower() in INFORMATION_NOUNS or t.lemma_.lower() in SERVICE_NOUNS:
                continue  # "received reports of drones", "provided air support": word of weapons, help, no weapon
            if view.mention_at(t) is not None or view.in_class(word_class, t) or t.tag_ == "PRP" \
                    or t.lower_ in RELATIVE_PRONOUNS or _weapon_context(view, word_class, t):
                return True
    withs = [o for x in (tok, *objects) for c in x.children if c.dep_ == "prep" and c.lower_ == "with"
             for o in prep_objects(c)]  # "provided insurgents with arms", the "with" under the object or not
    return any(view.in_class(word_class, w) or view.mention_at(w) is not None for w in withs)


# what is given when it is help, not things: "Russia provided air support for Kurdish fighters"
SERVICE_NOUNS = frozenset({"support", "cover", "backing", "help", "assistance", "protection", "training",
                           "advice", "intelligence", "guidance"})
# what is sent or received when it is word of something: "received reports of drones", "sent pictures of the jets"
INFORMATION_NOUNS = frozenset({"report", "footage", "image", "picture", "photo", "photograph", "video", "news",
                               "evidence", "word", "sighting", "complaint", "warning", "claim", "question", "request",
                               "information", "data", "detail", "description", "account", "rumor", "rumour", "letter",
                               "message", "signal", "list", "proposal", "invitation", "assurance", "briefing"})


def _weapon_context(view: DocView, word_class: str, noun: Token) -> bool:
    """Whether weapons qualify a noun that reports a transfer: "arms sale", "the sale of F-16s", "a deal for
    jets", "weapons deliveries"."""
    near = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod", "poss")]
    near += [o for c in noun.children if c.dep_ == "prep" and c.lower_ in ("of", "for", "including")
             for o in prep_objects(c)]
    for t in near:
        for x in [t, *(c for c in t.children if c.dep_ in ("compound", "amod", "nmod"))]:
            for y in quantity_of(view, x) or [x]:
                if view.in_class(word_class, y):
                    return True
    return False


def _support_verb(view: DocView, noun: Token) -> Token | None:
    """The verb that carries an event told as a noun: "carried out dozens of strikes", "launched an offensive",
    "the strikes were carried out by ..."."""
    t = noun
    if (t.dep_ == "pobj" and t.head.lower_ == "of" and t.head.head.pos_ in ("NOUN", "NUM")
            and view.lex.is_a("quantity", t.head.head.lemma_.lower())):
        t = t.head.head  # "dozens of air strikes"
    if t.dep_ == "pobj" and t.head.lower_ == "for" and t.head.head.lemma_.lower() == "responsibility":
        t = t.head.head  # "claimed responsibility for the attack"
    head = t.head
    if t.dep_ == "pobj" and head.dep_ == "prt":  # "brought in reinforcements", the particle read as a preposition
        t, head = head, head.head
    if t.dep_ in ("dobj", "nsubjpass", "prt") and head.pos_ == "VERB" and view.lex.is_a("support", head.lemma_.lower()):
        return head
    return None


def _where(v: Token) -> list[Token]:
    """The place a "where" clause tells of: "the town where Turkish troops are stationed"; through a copula, its
    subject ("Tartus is a port where...", "Kirkuk is one of the cities where Kurdish forces deployed")."""
    if v.dep_ != "relcl" or not any(c.dep_ == "advmod" and c.lower_ == "where" for c in v.children):
        return []
    place = v.head
    if place.dep_ == "pobj" and place.head.lower_ == "of" and place.head.head.lower_ == "one":
        place = place.head.head
    if place.dep_ == "attr":  # "Tartus is a port where ...": what the copula says is one
        subjects = [c for c in place.head.children if c.dep_ == "nsubj"]
        return conjuncts(subjects[0]) if subjects else []
    return [] if place.lower_ == "one" else conjuncts(place)


def _holds(prep: tuple[str, list[Token]], tok: Token) -> bool:
    return any(h.i == tok.i or tok in h.subtree for h in prep[1])


def _prepositions(tok: Token, skip_of: bool = False) -> list[tuple[str, list[Token]]]:
    """(preposition, objects) of the trigger: "on Aleppo", "out of Palmyra", "north of Aleppo"."""
    out = []
    # a preposition coordinated with one of the trigger's is the trigger's too: "on the Bashiqa front and in the
    # Khazer area"
    children = [x for c in tok.children for x in (c, *(cc for cc in c.children if cc.dep_ == "conj"
                                                       and cc.pos_ == "ADP" and c.dep_ == "prep"))]
    for c in children:
        if (c.dep_ in ("prep", "agent", "conj")
                or (c.dep_ == "dative" and c.pos_ == "ADP")  # "sold drones to Azerbaijan"
                or (c.dep_ == "advmod" and any(cc.dep_ == "prep" for cc in c.children))):
            key = preposition_key(c)
            objects = prep_objects(c)
            if c.dep_ == "agent" or (key in ("on", "from") and any(o.lemma_.lower() == "side" for o in objects)):
                key = "by"  # "on the government side", "from the Syrian side": whose, not where
            if skip_of and key == "of":
                continue  # the "of" that is part of the trigger ("freedom of navigation")
            if objects:
                out.append((key, objects))
    return out


def _modifier_heads(view: DocView, tok: Token) -> list[Token]:
    return [c for c in tok.children if c.dep_ in ("poss", "amod", "compound", "nmod", "npadvmod")]


def _modifier_entities(view: DocView, coref: Coref, mod: Token) -> list[Mention]:
    """What a modifier of a noun trigger names: "Russian" (Russia), "Turkey's", "U.S.-led coalition" (the
    United States), "Islamic State" (in "Islamic State attack"), "Aleppo" (in "the Aleppo offensive")."""
    out: list[Mention] = []
    for t in conjuncts(mod):
        if is_patron(t):
            continue  # "U.S.-allied Kurdish forces": the patron's allies, not its own
        m = view.mention_at(t)
        if m is not None:
            out += agents_of(view, [m], t) if m.type in ("Organization", "Person") else [m]
        elif t.tag_ in ("PRP$",):
            out += coref.pronoun(t)
        elif t.pos_ == "NOUN":
            named, agentive = named_agents(view, t, entities_of_modifiers(view, t))
            out += named or (coref.description(t) if agentive else [])  # "government offensive": the state
        else:
            lemma = t.lemma_.lower()
            if lemma.endswith(("-led", "-le")):
                out += [view.mentions[k] for k in range(len(view.mentions))
                        if view.mentions[k].start >= t.idx and view.mentions[k].end <= t.idx + len(t)]
    return out


def _needs_ok(view: DocView, word_class: str, tok: Token, positions: list[tuple[str, list[Token]]]) -> bool:
    """Whether a word of the class qualifies the trigger: its modifiers, its object, what "of" holds."""
    near = [c for c in tok.children if c.dep_ in ("compound", "amod", "nmod", "npadvmod", "dobj", "nsubjpass")]
    for position, heads in positions:
        if position in ("object", "of", "with"):
            near += heads
    for t in near:
        for x in [t, *t.children]:
            if (x is t or x.dep_ in ("compound", "amod", "nmod")) and view.in_class(word_class, x):
                return True
    return view.in_class(word_class, tok)


def _refined(view: DocView, frame: Frame, tok: Token, positions: list[tuple[str, list[Token]]],
             roles: dict[str, list[Mention]]) -> str:
    if not frame.refine:
        return frame.cls
    words = [tok, *(c for c in tok.children if c.dep_ in ("compound", "amod", "nmod"))]
    for position, heads in positions:
        if position in ("subject", "object", "with", "by", "modifier", "from"):
            for h in heads:
                words += [h, *(c for c in h.children if c.dep_ in ("compound", "amod"))]
    words = [w for w in words if not any(c.lemma_.lower() in ("suicide", "car", "truck") for c in w.children)]
    for word_class, refined in frame.refine:  # "jets struck" are air strikes; a "suicide bomber" is no aircraft
        if any(view.in_class(word_class, w) for w in words) or any(
                view.entity_in_class(word_class, m) for m in roles.get("asset", [])):
            return refined
    return frame.cls


def _assign(roles: dict[str, list[Mention]], slot: tuple[str, ...], m: Mention, between: bool = False) -> None:
    """Give the entity the first role of the slot that accepts its type and does not oppose a role it holds."""
    for role in slot:
        if m.type not in ROLE_TYPES[role]:
            continue
        opposed = OPPOSED.get(role)
        if opposed and any(x.iri == m.iri for x in roles.get(opposed, [])):
            continue
        if between and role == "actor" and roles.get("actor"):
            continue  # "fighting between X and Y": X acts, Y is the target
        if any(x.iri == m.iri for x in roles.get(role, [])):
            return
        roles.setdefault(role, []).append(m)
        return


def _take_roles(into: Event, ev: Event) -> None:
    """`into`, the event `ev` is told as part of, takes the participants `ev` names."""
    for role, mentions in ev.roles.items():
        for m in mentions:
            _assign(into.roles, (role,), m)


def _civilians(view: DocView, subjects: list[Token]) -> bool:
    """Subjects that are people of no force or side: "thousands of people", "refugees", "residents"."""
    heads = [t for s in subjects for c in conjuncts(s) for t in (quantity_of(view, c) or [c])]
    # (a named person travels: "Foreign Minister Javad Zarif arrived in Vienna")
    return bool(heads) and all((view.in_class("civilian", t) and view.mention_at(t) is None)
                               or ((m := view.mention_at(t)) is not None and m.type == "Person") for t in heads)


def _deployed_subject(view: DocView, coref: Coref, tok: Token, roles: dict[str, list[Mention]]) -> None:
    """An intransitive movement ("Russian troops arrived in Syria") deploys its subject's forces."""
    for s in (c for c in tok.children if c.dep_ in SUBJECT_DEPS):
        if view.in_class("force|weapon", s) or view.mention_at(s) is not None:
            for f in phrase_entities(view, s, coref):
                _assign(roles, ("location",) if f.located else ("actor", "asset"), f.mention)


def _confidence(roles: dict[str, list[Mention]]) -> float:
    named = sum(1 for r in roles.values() for m in r if m.how not in ("coref", "leader", "branch"))
    inferred = sum(1 for r in roles.values() for m in r if m.how in ("coref", "leader", "branch"))
    return round(min(0.9, 0.55 + 0.1 * named + 0.05 * inferred), 2)


# ---------------------------------------------------------------------------------------------- per sentence
def _resolve_overlaps(view: DocView, found: list[tuple[Event, Token]]) -> list[tuple[Event, Token]]:
    """One event per trigger: a verb that several frames share ("sent") is a transfer when something is given
    to a recipient, else a deployment; a test is a nuclear test when nuclear, else a missile test."""
    by_token: dict[int, list[tuple[Event, Token]]] = {}
    for ev, tok in found:
        by_token.setdefault(tok.i, []).append((ev, tok))
    out = []
    for group in by_token.values():
        if len(group) == 1:
            out.append(group[0])
            continue
        transfers = [g for g in group if g[0].kind == "ArmsTransfer" and g[0].roles.get("recipient")]
        deployments = [g for g in group if g[0].kind == "Deployment"]
        if transfers and not _moves_forces(view, transfers[0]):
            out.append(transfers[0])
        elif deployments:
            out.append(deployments[0])
        else:
            out.append(max(group, key=lambda g: sum(len(v) for v in g[0].roles.values())))
    return out


def _at_dateline(view: DocView, events: list[Event], places: list[Mention]) -> None:
    """The lede after a dateline happened at the dateline's place when it says so only more broadly: "DIYARBAKIR,
    Turkey Four people were killed in clashes ... in southeast Turkey" (not "BEIRUT Syrian jets struck Aleppo")."""
    for ev in events:
        if ev.kind not in ("MilitaryOperation", "Deployment"):
            continue
        where = {m.iri for m in ev.roles.get("location", [])}
        for p in places:
            if p.iri not in where and where & set(view.containers(p.iri)):
                ev.roles["location"].append(p)


def _share_location(events: list[Event]) -> None:
    """An operation or deployment whose sentence places another operation but not it takes that place: "Syrian
    forces, backed by Russian air strikes, retook Palmyra" (the strikes were at Palmyra)."""
    placed = [ev for ev in events if ev.kind in ("MilitaryOperation", "Deployment") and ev.roles.get("location")]
    for ev in events:
        if ev.kind in ("MilitaryOperation", "Deployment") and not ev.roles.get("location") and placed and not ev.forces:
            other = min((p for p in placed if p is not ev), key=lambda p: abs(p.trigger[0] - ev.trigger[0]),
                        default=None)
            if other is not None:
                ev.inferred.setdefault("location", other.roles["location"][0].iri)


BACKED_BY = frozenset({"back", "support", "aid", "assist", "reinforce", "join", "help", "bolster"})


def _backers_present(view: DocView, coref: Coref, found: list[tuple[Event, Token]]) -> list[tuple[Event, Token]]:
    """Forces or armed groups that back an operation are where it happened: "an offensive near Aleppo backed by
    Hezbollah and Iranian militiamen", "Syrian forces, backed by Hezbollah fighters, retook Palmyra" (a state's
    backing, or its air strikes, says nothing of where its forces are)."""
    out = []
    for ev, tok in found:
        located = ev.roles.get("location") or [m for m in view.mentions if m.iri == ev.inferred.get("location")][:1]
        places = [m for m in located if m.type in ("Place", "MilitaryBase")]
        if ev.kind != "MilitaryOperation" or not places:
            continue
        backed = [tok, *(c for c in tok.children if c.dep_ == "nsubj")]
        for acl in (c for b in backed for c in b.children if c.dep_ == "acl" and c.lemma_.lower() in BACKED_BY):
            for agent in (o for c in acl.children if c.dep_ == "agent" for o in prep_objects(c)):
                m = view.mention_at(agent)
                if m is not None and m.cls == "ArmedGroup":
                    sides = [m]
                elif view.lex.is_a("force", agent.lemma_.lower()) and not view.lex.is_a("aircraft", agent.lemma_
                                                                                           .lower()):
                    sides = [f.mention for f in phrase_entities(view, agent, coref) if not f.located
                             and f.mention.type in ("State", "Organization")]
                else:
                    continue
                presence = view.lex.frames["presence"]  # forces named where they are
                for side in sides:
                    out.append((Event("Deployment", {"actor": [side], "location": places}, ev.sentence,
                                      (agent.idx, agent.idx + len(agent)), cls=presence.cls, confidence=0.6,
                                      requires=presence.requires, forces=presence.forces), agent))
    return out


# kinds of operation worth keeping with only the named place where they happened
LOCAL_CLASSES = frozenset({"Attack", "AirStrike", "Clash", "Siege"})
CASUALTY_VERBS = frozenset({"kill", "wound", "injure"})
EFFECT_VERBS = frozenset({"target", "hit", "kill", "destroy", "strike", "damage", "wound", "injure", "level",
                          "flatten", "raze"})


def _absorb_effects(view: DocView, coref: Coref, found: list[tuple[Event, Token]]) -> list[tuple[Event, Token]]:
    """What an attack told as a noun did is part of it: "a U.S. air strike targeted Islamic State militants at a
    camp", "he was killed in a drone strike". The verb of the effect is no event of its own."""
    nouns = {tok.i: ev for ev, tok in found if tok.pos_ == "NOUN" and ev.kind == "MilitaryOperation"}
    absorbed: set[int] = set()
    for i, ev in nouns.items():
        tok = view.doc[i]
        verb, victims = None, []
        if tok.dep_ == "nsubj" and tok.head.lemma_.lower() in EFFECT_VERBS:
            verb = tok.head
            victims = [c for c in verb.children if c.dep_ == "dobj"]
        elif tok.dep_ == "pobj" and tok.head.lower_ == "in" and tok.head.head.lemma_.lower() in CASUALTY_VERBS \
                and not _passive(tok.head.head) and tok.i > tok.head.head.i:
            # "a bomber killed seven people in a cafe in X, in an attack" (not "in its campaign, it struck")
            verb = tok.head.head
            victims = [c for c in verb.children if c.dep_ == "dobj"]
        elif (tok.dep_ == "pobj" and tok.head.lower_ in ("in", "by") and tok.head.head.lemma_.lower() in EFFECT_VERBS
              and _passive(tok.head.head)):
            verb = tok.head.head
            victims = [c for c in verb.children if c.dep_ == "nsubjpass"]
            if all(v.like_num for v in victims) and verb.dep_ == "conj":  # "six soldiers were killed and eight
                victims = [c for c in verb.head.children if c.dep_ == "nsubjpass"] or victims  # were wounded in"
        if verb is None:
            continue
        absorbed.add(verb.i)
        ev.carriers.append(verb.i)
        # where what was hit is: "air strikes hit the main road into the east of Aleppo"
        victims += [o for v in victims for key, objs in _prepositions(v) if key in PRESENT_AT | {"into", "of"}
                    for o in objs if _a_place(view, o)]
        # in a clash, those killed were one of its sides: "six soldiers were killed in clashes with militants"
        side = ("actor", "location") if ev.cls == "Clash" and not ev.roles.get("actor") else ("target", "location")
        for v in victims:
            for f in phrase_entities(view, v, coref):
                _assign(ev.roles, ("location",) if f.located else side, f.mention)
        for key, objs in _prepositions(verb):
            if key in ("in", "at", "near", "on", "into"):
                for o in objs:
                    for f in phrase_entities(view, o, coref):
                        if f.mention.type in ("Place", "State", "MilitaryBase"):
                            _assign(ev.roles, ("location",), f.mention)
    return [(ev, tok) for ev, tok in found if tok.i not in absorbed]


# operation classes that say less than the capture or strike a participle beside them may tell of
BROAD_OPERATIONS = frozenset({"MilitaryOperation", "GroundOffensive", "Attack", "Clash"})


def _participles(found: list[tuple[Event, Token]]) -> list[tuple[Event, Token]]:
    """An operation told by a participle hung on another's verb is part of that one, by the same side: "the army
    retook Hit, pushing the militants further north" is one capture; "troops advanced, capturing two villages"
    one capture of those villages. The operation keeps the more specific class and both's participants."""
    by_token = {tok.i: ev for ev, tok in found if ev.kind == "MilitaryOperation"}
    merged: set[int] = set()
    for ev, tok in found:
        head = by_token.get(tok.head.i)
        if (ev.kind != "MilitaryOperation" or head is None or head is ev or tok.dep_ != "advcl" or tok.tag_ != "VBG"
                or head.modality != ev.modality or not set(ev.role_iris("actor")) <= set(head.role_iris("actor"))):
            continue
        _take_roles(head, ev)
        if (head.cls or head.kind) in BROAD_OPERATIONS and (ev.cls or ev.kind) not in BROAD_OPERATIONS:
            head.cls = ev.cls
        merged.add(tok.i)
    return [(ev, tok) for ev, tok in found if tok.i not in merged]


def _delivered(found: list[tuple[Event, Token]]) -> list[tuple[Event, Token]]:
    """A movement whose subject holds a delivery ("HIMARS systems supplied by the United States arrived in
    Romania") is that delivery, not a deployment."""
    transfers = {t.i for ev, t in found if ev.kind == "ArmsTransfer"}
    out = []
    for ev, tok in found:
        subjects = [c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")]
        if ev.kind == "Deployment" and any(t.i in transfers for s in subjects for t in s.subtree):
            continue
        out.append((ev, tok))
    return out


def _moves_forces(view: DocView, item: tuple[Event, Token]) -> bool:
    ev, tok = item
    objects = [c for c in tok.children if c.dep_ == "dobj"]
    return any(view.in_class("force", o) and not view.in_class("weapon", o) for o in objects) and not ev.roles.get(
        "asset")


def _date(view: DocView, ev: Event, tok: Token, dates: list[When], span: Span,
          found: list[tuple[Event, Token]]) -> When | None:
    """The date the parse attaches to the trigger (or its carrying verb); else, when the event is told in a
    dated report ("officials said on Tuesday that ..."), the report's date qualified "by"."""
    if not dates:
        return None
    doc = view.doc
    triggers = {t.i for _, t in found}
    own = [tok.i, *ev.carriers]
    governor = _support_verb(view, tok) if tok.pos_ == "NOUN" else None
    if governor is not None:
        own.append(governor.i)
    owners: dict[int, list[When]] = {}
    for w in dates:
        i = _token_at(doc, span, w.start)
        if i is None:
            continue
        owner = _owner(doc[i], triggers, own)
        owners.setdefault(owner, []).append(w)
    for o in own:
        if o in owners:
            return owners[o][0]
    # a reporting verb's date, for the event it reports
    head = doc[own[-1]]
    for _ in range(4):
        if head.dep_ not in ("ccomp", "conj", "xcomp") or head.head is head:
            break
        head = head.head
        if head.i in owners and head.lemma_.lower() in ("say", "tell", "announce", "report", "confirm", "add",
                                                         "state", "claim"):
            return replace(owners[head.i][0], qualifier="by")
    return None


def _token_at(doc: Doc, span: Span, char: int) -> int | None:
    starts = [t.idx for t in span]
    k = bisect.bisect_right(starts, char) - 1
    return span.start + k if k >= 0 else None


def _owner(tok: Token, triggers: set[int], own: list[int]) -> int:
    """The nearest trigger or verb above a date in the parse."""
    t = tok
    for _ in range(12):
        if t.i in triggers or t.i in own:
            return t.i
        if t.pos_ in ("VERB", "AUX") and t is not tok:
            return t.i
        if t.head is t:
            return t.i
        t = t.head
    return t.i


# ---------------------------------------------------------------------------------------------- discourse
def _fill_from_discourse(events: list[Event], mentions: list[Mention]) -> None:
    """Supply a missing supplier: the origin state of the asset if the article names it; a deployment's missing
    actor: the state that makes the deployed asset, if the article names it, else whoever supplied or deployed
    in the article's previous event ("Russia is providing missiles to Syria. ... some of the system's components
    had been positioned at an airfield in Latakia")."""
    mentioned = {m.iri for m in mentions}
    last_agent: str | None = None
    last_place: str | None = None
    last_operation: Event | None = None
    for ev in sorted(events, key=lambda e: e.trigger):
        if ev.kind == "ArmsTransfer" and "supplier" not in ev.roles:
            supplier = _supplier_of(ev, mentions, mentioned)
            if supplier is not None:
                ev.inferred["supplier"] = supplier
                ev.confidence = min(ev.confidence, 0.6)
        elif ev.kind == "Deployment" and "actor" not in ev.roles and not ev.forces:
            # (forces named without whose they are, "Kurdish forces in Raqqa", are no one's the article names)
            # who received the deployed weapons in the article, else who makes them, else who acted last
            assets = set(ev.role_iris("asset"))
            receivers = [r for t in events if t.kind == "ArmsTransfer" and assets & set(t.role_iris("asset"))
                         for r in t.role_iris("recipient")]
            origins = [o for a in ev.roles.get("asset", []) if a.entity for o in a.entity.origin if o in mentioned]
            actor = (receivers or origins or [last_agent])[0]
            if actor:
                ev.inferred["actor"] = actor
                ev.confidence = min(ev.confidence, 0.5)
        elif ev.place_anaphor and last_place is not None and not ev.role_iris("location"):
            ev.inferred["location"] = last_place  # "Russian warplanes resumed air strikes in the area"
            ev.confidence = min(ev.confidence, 0.5)
        elif ev.also and last_operation is not None and not ev.role_iris("actor") and last_operation.role_iris(
                "actor") and ev.sentence[0] - last_operation.sentence[1] < ALSO_REACH:
            # "Russian warplanes pounded the Castello road. The nearby Owaija area was also heavily hit": by them
            ev.inferred["actor"] = last_operation.role_iris("actor")[0]
            ev.confidence = min(ev.confidence, 0.5)
        if ev.kind in ("ArmsTransfer", "Deployment"):
            named = ev.roles.get("supplier") or ev.roles.get("actor") or []  # the state before its branch
            agents = [m.iri for m in named if m.type == "State"] or ev.role_iris("supplier") or ev.role_iris("actor")
            last_agent = agents[0] if agents else last_agent
        if ev.kind == "MilitaryOperation" and ev.modality is None:
            last_operation = ev
        if ev.kind in ("MilitaryOperation", "Deployment"):  # the place the last operation told of happened at
            places = [m.iri for m in ev.roles.get("location", []) if m.type in ("Place", "MilitaryBase")]
            last_place = places[0] if len(places) == 1 else last_place
    for ev in events:
        if ev.cls in TAKEN_FROM_SOMEONE and ev.role_iris("actor") and not ev.role_iris("target"):
            loser = _held_before(ev, events) or _adversary(ev, events)
            if loser is not None:
                ev.inferred["target"] = loser
                ev.confidence = min(ev.confidence, 0.55)


def _supplier_of(ev: Event, mentions: list[Mention], mentioned: set[str]) -> str | None:
    """Who supplied weapons the sentence leaves unsaid: their maker when the sentence names it ("14 Boeing Super
    Hornets"), else their state of origin when the article names it and it is not the recipient ("the SA-22 had
    been sent to Syria": Russia), else their maker when the article names it (a state procuring its own weapons
    from its own industry: "the Navy requested two F/A-18 jets")."""
    recipients = set(ev.role_iris("recipient"))
    assets = [a.entity for a in ev.roles.get("asset", []) if a.entity is not None]
    in_sentence = {m.iri for m in mentions if ev.sentence[0] <= m.start < ev.sentence[1]}
    makers = [m for a in assets for m in a.makers]
    origins = [o for a in assets for o in a.origin if o not in recipients and o in mentioned]
    for choice in ([m for m in makers if m in in_sentence], origins, [m for m in makers if m in mentioned]):
        if choice:
            return choice[0]
    return None


# how far (in characters) an operation told as "also" done may be from the one whose actor it takes
ALSO_REACH = 300
# operations whose target is whoever held the ground, which the article may say elsewhere
TAKEN_FROM_SOMEONE = frozenset({"Capture"})


def _adversary(ev: Event, events: list[Event]) -> str | None:
    """Whom the actor fights in the rest of the article, when one side stands out ("the Iraqi army recaptured
    Ramadi" in a story of its battles with Islamic State)."""
    actors = set(ev.role_iris("actor"))
    counts: Counter[str] = Counter()
    for o in events:
        if o is ev or o.kind != "MilitaryOperation" or o.modality is not None:
            continue
        if actors & set(o.role_iris("actor")):
            counts.update(set(o.role_iris("target")) - actors)
        elif actors & set(o.role_iris("target")):
            counts.update(set(o.role_iris("actor")) - actors)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None  # told of once, or no more than another: no side stands out
    return ranked[0][0]


def _held_before(ev: Event, events: list[Event]) -> str | None:
    """Who a captured place was taken from: whoever the article says captured it earlier ("Islamic State seized
    Palmyra in May 2015 ... the army recaptured Palmyra"), the latest such capture before this one."""
    places = set(ev.role_iris("location"))
    actors = set(ev.role_iris("actor"))
    when = ev.date.value if ev.date else None
    earlier = [(o.date.value if o.date else "", o.trigger[0], a) for o in events
               if o is not ev and o.cls == "Capture" and places & set(o.role_iris("location"))
               and (when is None or (o.date is not None and o.date.value < when))
               for a in o.role_iris("actor") if a not in actors]
    return max(earlier)[2] if earlier else None


# how far back (in characters) "the attacks" may refer to an operation told before
ANAPHOR_REACH = 600


def _refer_back(events: list[Event]) -> list[Event]:
    """An operation a definite noun refers back to is the last one told before it, when their classes and sides
    agree: "Air strikes hit the main road into Aleppo ... They said Russian warplanes had carried out the
    attacks" is one air strike on Aleppo, by Russia. The first keeps both's participants and sentences."""
    supers = ontology.superclasses()
    kept: list[Event] = []
    for ev in sorted(events, key=lambda e: e.trigger):
        earlier = next((p for p in reversed(kept) if p.kind == "MilitaryOperation"), None) if (
            ev.anaphoric and ev.kind == "MilitaryOperation") else None
        if earlier is None or earlier.modality != ev.modality or ev.sentence == earlier.sentence \
                or ev.sentence[0] - earlier.sentence[1] > ANAPHOR_REACH:
            kept.append(ev)
            continue
        cls, other = ev.cls or ev.kind, earlier.cls or earlier.kind
        agree = all(not (set(ev.role_iris(r)) and set(earlier.role_iris(r)))
                    or set(ev.role_iris(r)) & set(earlier.role_iris(r)) for r in ("actor", "target"))
        if not agree or (cls not in supers.get(other, {other}) and other not in supers.get(cls, {cls})):
            kept.append(ev)
            continue
        _take_roles(earlier, ev)
        for role, iri in ev.inferred.items():
            if not earlier.role_iris(role):
                earlier.inferred[role] = iri
        if other in supers.get(cls, {cls}) and cls != other:
            earlier.cls = ev.cls  # "the air strikes" say what "the attack" was
        earlier.date = earlier.date or ev.date
        earlier.more_sentences.append(ev.sentence)
    return kept


def _merge_subsumed(events: list[Event]) -> list[Event]:
    """An event that says less of one the article tells elsewhere is that event ("Russia's air strikes near
    Aleppo ... the strikes"): same kind, a class that is the other's or a superclass of it, the same modality,
    the same date (or none, when a noun refers back to it: "the strikes"), and each of its participants among
    the other's. Its sentence joins the other's."""
    supers = ontology.superclasses()
    kept: list[Event] = []
    for ev in sorted(events, key=lambda e: (-sum(len(e.role_iris(r)) for r in EVENT_ROLES), e.trigger)):
        for other in kept:
            if other.kind != ev.kind or other.modality != ev.modality or not all(
                    set(ev.role_iris(r)) <= set(other.role_iris(r)) for r in EVENT_ROLES):
                continue
            cls, other_cls = ev.cls or ev.kind, other.cls or other.kind
            if cls in supers.get(other_cls, {other_cls}) and (
                    (ev.date is None and (other.date is None or ev.anaphoric or other.sentence == ev.sentence))
                    or (ev.date is not None and other.date is not None and other.date.value == ev.date.value)):
                if ev.sentence != other.sentence and ev.sentence not in other.more_sentences:
                    other.more_sentences.append(ev.sentence)
                break
            if other.sentence == ev.sentence and ev.kind == "MilitaryOperation" and other_cls != ev.kind \
                    and other_cls in supers.get(cls, {cls}) and (
                    ev.date is None or other.date is None or other.date.value == ev.date.value):
                # told twice in one sentence, the second time saying what kind: "launched air strikes on Monday
                # and struck the Qandil area" is one air strike on Qandil
                other.cls, other.date = ev.cls, other.date or ev.date
                break
        else:
            kept.append(ev)
    return sorted(kept, key=lambda e: e.trigger)


def _complete(ev: Event) -> bool:
    """Keep events that name what their frame requires (see ontology/shapes.ttl); what someone did not say
    ("a claim India did not confirm") is no statement."""
    if ev.kind == "Statement" and ev.modality == "Negated":
        return False
    if ev.kind == "ArmsTransfer" and set(ev.role_iris("supplier")) & set(ev.role_iris("recipient")):
        return False  # "the authority Obama has given the U.S. military": no one arms themselves
    if ev.cls in LOCAL_CLASSES and not ev.modality and any(
            m.type in ("Place", "MilitaryBase") for m in ev.roles.get("location", [])):
        return True  # "air strikes on an Aleppo hospital killed 27": an attack somewhere, by whoever
    return any(all(ev.role_iris(r) for r in required) for required in ev.requires)
