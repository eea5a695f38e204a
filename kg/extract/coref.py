"""Within-article coreference for event arguments: pronouns and definite descriptions.

- A pronoun in what a speaker says is the speaker when they agree ("Moscow said it had not bombed ...": it =
  Russia); otherwise the nearest earlier compatible entity, subjects first, in the same or the previous two
  sentences: he/she -> a person, it/its -> a state or organization, they/their -> an armed group or
  organization.
- A definite description takes the entity that the same head noun stood for last ("the Syrian army ... the
  army", "Islamic State militants ... the militants"); failing that, the nearest entity of its class ("the
  group" -> an armed group, "the country" -> a state, "the ministry" -> a government body), and for a state's
  forces named without their state ("the army", "government forces") the state the article names most.
- A plural state noun ("the two nations", "both countries") and a "they" with no armed group to stand for are
  the states last named together ("Turkey and Saudi Arabia ... The two nations have backed the rebellion").
"""

from __future__ import annotations

import bisect
from collections import Counter

from spacy.tokens import Token

import ontology
from kg.extract.mentions import Mention
from kg.extract.roles import STATE_NOUNS, DocView, agents_of, entities_of_modifiers, named_agents, phrase_entities

PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her", "himself", "herself"})
THING_PRONOUNS = frozenset({"it", "its", "itself"})
PLURAL_PRONOUNS = frozenset({"they", "them", "their", "themselves"})
SPEECH_LEMMAS = frozenset({"say", "tell", "announce", "state", "add", "claim", "insist", "warn", "deny", "declare",
                           "confirm", "vow", "pledge", "stress", "note", "accuse", "threaten", "write", "explain"})
# description head -> (entity type, classes it may have, or None for any)
DESCRIPTIONS: dict[str, tuple[str, frozenset[str] | None]] = {
    "group": ("Organization", frozenset({"ArmedGroup", "Organization"})),
    "militia": ("Organization", frozenset({"ArmedGroup"})),
    "militant": ("Organization", frozenset({"ArmedGroup"})),
    "insurgent": ("Organization", frozenset({"ArmedGroup"})),
    "jihadist": ("Organization", frozenset({"ArmedGroup"})),
    "movement": ("Organization", frozenset({"ArmedGroup", "Organization"})),
    "organization": ("Organization", None),
    "organisation": ("Organization", None),
    "alliance": ("Organization", frozenset({"Alliance"})),
    "bloc": ("Organization", frozenset({"Alliance", "InternationalOrganization"})),
    "ministry": ("Organization", frozenset({"GovernmentBody"})),
    "department": ("Organization", frozenset({"GovernmentBody"})),
    "agency": ("Organization", None),
    "country": ("State", None),
    "nation": ("State", None),
    "kingdom": ("State", None),
    "republic": ("State", None),
    "state": ("State", None),
}
# forces and governments that, named bare, belong to the article's main state
STATE_FORCES = frozenset({"army", "military", "government", "regime", "authority", "force", "troop", "soldier",
                          "navy", "air force", "administration", "warplane", "jet", "aircraft", "artillery",
                          "security force"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# what kind of weapon a description can refer back to ("the jets": an aircraft, "the system": not an aircraft)
ASSET_KINDS = {
    **dict.fromkeys(("jet", "fighter", "aircraft", "plane", "warplane", "bomber"), frozenset({"Aircraft"})),
    **dict.fromkeys(("missile", "rocket", "interceptor"), frozenset({"Missile"})),
    **dict.fromkeys(("system", "battery", "launcher"), frozenset({"AirDefenceSystem", "Missile", "Artillery"})),
    "drone": frozenset({"Drone"}), "helicopter": frozenset({"Helicopter"}), "tank": frozenset({"ArmouredVehicle"}),
    **dict.fromkeys(("ship", "warship", "destroyer", "frigate", "carrier", "vessel"), frozenset({"Warship"})),
    "submarine": frozenset({"Submarine"}),
}
NUMBER_WORDS = {"two": 2, "both": 2, "three": 3, "four": 4}
REACH = 2  # sentences back
# titles of who leads a state: "the Kremlin leader", "the Russian president" refer to the leader named before
LEADER_TITLES = frozenset({"leader", "president", "premier", "chancellor", "king", "ruler", "strongman", "emir",
                           "monarch", "dictator"})


def _subject_rank(tok: Token) -> int:
    """0 for the subject of a sentence's main clause (or what names it: "Mali's military-led government"),
    1 for another subject, 2 for anything else."""
    if tok.dep_ in ("poss", "compound", "amod") and tok.head.dep_ in SUBJECT_DEPS:
        tok = tok.head
    if tok.dep_ not in SUBJECT_DEPS:
        return 2
    return 0 if tok.head.dep_ == "ROOT" else 1


class Coref:
    def __init__(self, view: DocView) -> None:
        self.view = view
        self.starts = [m.start for m in view.mentions]
        self.sent_starts = [s.start_char for s in view.doc.sents]
        self._memory: dict[str, list[tuple[int, list[Mention]]]] | None = None
        self._state_votes: list[tuple[Mention, str, bool]] | None = None

    # ------------------------------------------------------------------ pronouns
    def pronoun(self, tok: Token) -> list[Mention]:
        word = tok.lower_
        if word in PERSON_PRONOUNS:
            types = {"Person"}
        elif word in THING_PRONOUNS:
            types = {"State", "Organization"}
        elif word in PLURAL_PRONOUNS:
            types = {"Organization"}
        else:
            return []
        speaker = self._speaker_of_clause(tok, types) or self._own_subject(tok, types)
        if speaker:
            return speaker
        speaking = tok.dep_ in SUBJECT_DEPS and tok.head.lemma_.lower() in SPEECH_LEMMAS
        quoted = self._quotations(tok) if speaking else []
        # "Singapore, where it had been deployed": not the place its own "where" clause is about
        place = tok.head.head.idx if tok.head.dep_ == "relcl" and any(
            c.dep_ == "advmod" and c.lower_ == "where" for c in tok.head.children) else -1
        found = self._nearest(tok, lambda m: m.type in types and m.how != "demonym"
                              and (word not in PLURAL_PRONOUNS or m.cls == "ArmedGroup")
                              and not any(a <= m.start < b for a, b in quoted) and not m.start <= place < m.end)
        if word in PLURAL_PRONOUNS:
            forces = self._plural_forces(tok, after=found.start if found is not None else -1)
            if forces:
                return forces
            if found is None:
                return self.states_together(tok, subjects_only=True)
        return [self._filler(found, tok)] if found is not None else []

    def _plural_forces(self, tok: Token, after: int) -> list[Mention]:
        """'Government forces had advanced after their ally ...': they are the forces (and whoever they stand
        for) that were last a subject, in this sentence or the one before, if nearer than `after`."""
        lex = self.view.lex
        s = bisect.bisect_right(self.sent_starts, tok.idx) - 1
        floor = self.sent_starts[max(0, s - 1)]
        for t in reversed(self.view.doc[:tok.i]):
            if t.idx < floor or t.idx <= after:
                return []
            lemma = t.lemma_.lower()
            if t.tag_ in ("NNS", "NNPS") and t.dep_ in SUBJECT_DEPS and (
                    lex.is_a("agent_noun", lemma) or lex.is_a("group_noun", lemma)):
                return [self._filler(f.mention, tok) for f in phrase_entities(self.view, t, self)
                        if not f.located and f.mention.type in ("State", "Organization")]
        return []

    def _speaker_of_clause(self, tok: Token, types: set[str]) -> list[Mention]:
        """'Russia said it would ...': the pronoun subject of what a speaker says is the speaker."""
        clause = tok.head
        if tok.dep_ not in SUBJECT_DEPS or clause.dep_ not in ("ccomp", "xcomp", "conj"):
            return []
        verb = clause.head
        while verb.dep_ == "conj":
            verb = verb.head
        if verb.lemma_.lower() not in SPEECH_LEMMAS:
            return []
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
        for s in subjects:
            if s.tag_ in ("PRP", "PRP$"):
                continue
            found = [f.mention for f in phrase_entities(self.view, s, self) if f.mention.type in types]
            if found:
                return [self._filler(found[0], tok)]
        return []

    def _quotations(self, tok: Token) -> list[tuple[int, int]]:
        """The quoted stretches of the pronoun's sentence: '"The regime has no interest ...," he said' - the one
        who speaks is not someone named in what he says."""
        sent = tok.sent
        text, base = sent.text, sent.start_char
        marks = [i for i, ch in enumerate(text) if ch in '"“”']
        return [(base + a, base + b) for a, b in zip(marks[::2], marks[1::2], strict=False)]

    def _own_subject(self, tok: Token, types: set[str]) -> list[Mention]:
        """A possessive is its own clause's subject when they agree ("Saudi Arabia, which renewed its offer":
        its = Saudi Arabia, through the relative pronoun)."""
        if tok.tag_ != "PRP$" or tok.lower_ == "their":
            return []
        verb = tok.head
        while verb.pos_ not in ("VERB", "AUX") and verb.dep_ not in ("ROOT", "relcl") and verb.head.i != verb.i:
            verb = verb.head
        subjects = [c for c in verb.children if c.dep_ in SUBJECT_DEPS and c.i < tok.i]
        if not subjects and verb.dep_ == "relcl":
            return []
        for s in subjects:
            if s.lower_ in ("which", "who", "that") and verb.dep_ == "relcl":
                s = verb.head  # the relative pronoun stands for what the clause describes
            elif s.tag_ in ("PRP", "PRP$"):
                continue
            found = [f.mention for f in phrase_entities(self.view, s, self) if f.mention.type in types
                     and f.mention.how != "demonym"]
            if found:
                return [self._filler(found[0], tok)]
        return []

    def country_of(self, poss: Token) -> list[Mention]:
        """'his country', 'its government': the state the possessor is, leads or is named with ("Saudi Arabia's
        General Ahmed Asseri ... said his country was ready")."""
        people = self.pronoun(poss) if poss.tag_ == "PRP$" else []
        out = []
        for m in people:
            if m.type == "State":
                out.append(m)
            elif m.type == "Person":
                led = self.view.state_led_by(m)
                state = self.view.as_mention(led, poss, "coref") if led else None
                if state is None:
                    state = next((x for k, x in enumerate(self.view.mentions) if x.iri == m.iri and x.start < poss.idx
                                  for x in self._states_named_with(k)), None)
                if state is not None:
                    out.append(self._filler(state, poss))
        return out

    def _states_named_with(self, k: int) -> list[Mention]:
        head = self.view.mention_head[k]
        if head < 0:
            return []
        return [x for x in entities_of_modifiers(self.view, self.view.doc[head]) if x.type == "State"]

    def _nearest(self, tok: Token, ok, reach: int = REACH) -> Mention | None:
        """The earlier mention that `ok` accepts, within `reach` sentences: in the nearest sentence that has one,
        the subject of its main clause first, then another subject, then the nearest."""
        mentions = self.view.mentions
        i = bisect.bisect_left(self.starts, tok.idx) - 1
        s = bisect.bisect_right(self.sent_starts, tok.idx) - 1
        floor = self.sent_starts[max(0, s - reach)]
        best: tuple[int, int, int] | None = None
        found = None
        while i >= 0 and mentions[i].start >= floor:
            m = mentions[i]
            if ok(m):
                head = self.view.mention_head[i]
                rank = _subject_rank(self.view.doc[head]) if head >= 0 else 2
                distance = s - (bisect.bisect_right(self.sent_starts, m.start) - 1)
                if distance == 0 and rank == 1:  # in the pronoun's own sentence, the nearest subject before it
                    rank = 0
                key = (distance, rank, -m.start)
                if best is None or key < best:
                    best, found = key, m
            i -= 1
        return found

    def _filler(self, m: Mention, tok: Token) -> Mention:
        return self.view.as_mention(m.iri, tok, "coref") or m

    # ------------------------------------------------------------------ definite descriptions
    def leader(self, tok: Token) -> list[Mention]:
        """'the Kremlin leader', 'the Russian president': the person named before who leads the state the title's
        modifier names (none when the article has not named them)."""
        if tok.lemma_.lower() not in LEADER_TITLES or not any(c.dep_ == "det" and c.lower_ == "the"
                                                              for c in tok.children):
            return []
        states = set()
        for c in tok.children:
            m = self.view.mention_at(c) if c.dep_ in ("compound", "amod", "nmod") else None
            if m is not None:
                states.add(m.iri if m.type == "State" else self.view.state_of(m))
        states.discard(None)
        if len(states) != 1:
            return []
        (state,) = states
        m = self._nearest(tok, lambda x: x.type == "Person" and self.view.state_led_by(x) == state, reach=4)
        return [self._filler(m, tok)] if m is not None else []

    def description(self, tok: Token) -> list[Mention]:
        """'the army', 'the group', 'the militants', 'government forces': what they stood for last."""
        if tok.tag_ == "NNS" and tok.lemma_.lower() in STATE_NOUNS:
            return self.states_together(tok)
        poss = [c for c in tok.children if c.dep_ == "poss" and c.tag_ == "PRP$"]
        if poss and tok.lemma_.lower() in STATE_NOUNS | {"army", "military", "force", "troop", "regime"}:
            return self.country_of(poss[0])
        if any(c.dep_ == "det" and c.lower_ not in ("the", "this", "that", "these", "those") for c in tok.children):
            return []  # "a group", "some militants": not a reference to one named earlier
        if any(c.dep_ == "amod" and any(cc.dep_ == "conj" for cc in c.children) for c in tok.children):
            return []  # "Islamist, leftist and Kurdish militants": several sides, none named before
        lemma = tok.lemma_.lower()
        earlier = self.memory().get(lemma, [])
        k = bisect.bisect_left(earlier, (tok.i,)) - 1
        if k >= 0:
            position, found = earlier[k]
            if self._sentences_between(position, tok.i) <= 4:
                return [self._filler(m, tok) for m in found]
        kind = DESCRIPTIONS.get(lemma)
        if kind is not None:
            typ, classes = kind
            m = self._nearest(tok, lambda x: x.type == typ and x.how != "demonym"
                              and (classes is None or x.cls in classes))
            return [self._filler(m, tok)] if m is not None else []
        if lemma in STATE_FORCES and not any(
                c.dep_ in ("amod", "compound") and ((c.text[:1].isupper() and c.i > c.sent.start)
                                                    or self.view.lex.is_a("group_noun", c.lemma_.lower()))
                for c in tok.children if self.view.mention_at(c) is None):
            # (not "Kurdish forces", "Shi'ite militias", "rebel forces": no state's, though in a state's story)
            state = self.main_state(tok.idx)
            if state is not None:  # marked, so that an event at home in another state can take that one
                return [self.view.as_mention(state.iri, tok, "main_state") or state]
        return []

    def states_together(self, tok: Token, subjects_only: bool = False) -> list[Mention]:
        """'the two nations', 'both countries', 'they': the states named together last (coordinated, as many as
        a number says), within reach; with `subjects_only`, only states that were a clause's subject."""
        if any(c.dep_ == "det" and c.lower_ not in ("the", "these", "those", "both") for c in tok.children):
            return []  # "some countries", "other nations": not the ones named
        wanted = next((NUMBER_WORDS[c.lower_] for c in tok.children
                       if c.dep_ in ("nummod", "det", "predet") and c.lower_ in NUMBER_WORDS), None)
        doc, view = self.view.doc, self.view
        s = bisect.bisect_right(self.sent_starts, tok.idx) - 1
        floor = self.sent_starts[max(0, s - REACH)]
        groups: dict[int, list[Mention]] = {}
        for k, m in enumerate(view.mentions):
            if m.start < floor or m.start >= tok.idx or m.type != "State" or m.how == "demonym":
                continue
            head = view.mention_head[k]
            if head < 0:
                continue
            root = doc[head]
            while root.dep_ == "conj" and root.head.i != root.i:
                root = root.head
            if subjects_only and _subject_rank(root) == 2:
                continue
            if all(x.iri != m.iri for x in groups.get(root.i, ())):
                groups.setdefault(root.i, []).append(m)
        together = [g for i, g in sorted(groups.items()) if len(g) >= 2 and (wanted is None or len(g) == wanted)]
        return [self._filler(m, tok) for m in together[-1]] if together else []

    def asset(self, tok: Token) -> list[Mention]:
        """'the system', 'the missiles', 'the system's components': the weapon named last, within a few
        sentences."""
        if not self.view.lex.is_a("weapon", tok.lemma_.lower()):
            return []
        if not any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "this", "these", "its", "their", "that")
                   for c in tok.children):
            return []
        kinds = ASSET_KINDS.get(tok.lemma_.lower())
        supers = ontology.superclasses()
        def fits(x: Mention) -> bool:
            return x.type == "MilitaryAsset" and (kinds is None or bool(kinds & supers.get(x.cls, frozenset())))

        m = self._nearest(tok, fits, reach=REACH + 2)
        if m is None:  # "the jet" in an article about the F-35: the weapon it names most (at least twice)
            counts = Counter(x.iri for x in self.view.mentions if x.start < tok.idx and fits(x))
            if counts and counts.most_common(1)[0][1] >= 2 and (len(counts) == 1 or
                                                                 len(set(c for _, c in counts.most_common(2))) == 2):
                iri = counts.most_common(1)[0][0]
                m = next(x for x in self.view.mentions if x.iri == iri)
        return [self._filler(m, tok)] if m is not None else []

    def _sentences_between(self, a: int, b: int) -> int:
        doc = self.view.doc
        return bisect.bisect_right(self.sent_starts, doc[b].idx) - bisect.bisect_right(self.sent_starts, doc[a].idx)

    def memory(self) -> dict[str, list[tuple[int, list[Mention]]]]:
        """Head noun -> (token, entities) for every force or group phrase whose modifiers name who it is, in
        text order ("the Syrian army": army -> Syria)."""
        if self._memory is None:
            self._memory = {}
            lex = self.view.lex
            for tok in self.view.doc:
                lemma = tok.lemma_.lower()
                if tok.pos_ not in ("NOUN", "PROPN") or not (lex.is_a("agent_noun", lemma) or lex.is_a(
                        "group_noun", lemma) or lemma in DESCRIPTIONS or lemma == "coalition"):
                    continue
                k = self.view.tok_mention[tok.i]
                if k >= 0 and self.view.mention_head[k] == tok.i:  # "the Syrian army" named: army -> it
                    named = agents_of(self.view, [self.view.mentions[k]], tok)
                else:
                    named, _ = named_agents(self.view, tok, entities_of_modifiers(self.view, tok))
                if named:
                    self._memory.setdefault(lemma, []).append((tok.i, named))
        return self._memory

    def state_votes(self) -> list[tuple[Mention, str, bool]]:
        """(mention, state, named) for every mention that speaks of a state, in text order: its name, a national
        body ("the Syrian Arab Army" names Syria's forces), or, not named, a place in it."""
        if self._state_votes is None:
            self._state_votes = []
            for m in self.view.mentions:
                if m.type == "State":
                    self._state_votes.append((m, m.iri, True))
                elif m.type == "Organization" and (state := self.view.state_of(m)) is not None:
                    self._state_votes.append((m, state, True))
                elif m.type in ("Place", "MilitaryBase") and (state := self.view.state_containing(m.iri)) is not None:
                    self._state_votes.append((m, state, False))
        return self._state_votes

    def main_state(self, before: int) -> Mention | None:
        """The state the article has told of most up to `before`, by its name, its forces' and its places' ("government
        forces" in a story of Aleppo are Syria's, beside "Lebanon's Hezbollah"); of equals, the latest."""
        counts: Counter[str] = Counter()
        places: Counter[str] = Counter()
        last: dict[str, Mention] = {}
        for m, state, named in self.state_votes():
            if m.start >= before:
                break
            if not named:
                places[state] += 1
                continue
            counts[state] += 1
            if m.type == "State" or state not in last or last[state].type != "State":
                last[state] = m  # a state's own name before its forces'
        if not counts:
            return None
        best = max(counts, key=lambda iri: (counts[iri] + places[iri], last[iri].start))
        if last[best].type == "State":
            return last[best]
        span = self.view.doc.char_span(last[best].start, last[best].end, alignment_mode="expand")
        return self.view.as_mention(best, span.root, "branch") if span is not None else None
