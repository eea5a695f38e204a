"""Events (arms transfers, deployments, military operations, statements) and who they are attributed to.

Rules work clause by clause over the linked mentions of a sentence: a trigger word picks the event
type, and participants are found by their place around it — the subject before the trigger (skipping
appositives and possessives), "to X" for recipients, "against X" for targets, "in/at X" for locations,
"by X" for passive agents. Arguments that the sentence leaves implicit are filled from the article's
discourse (the supplier of the previous transfer, the origin state of the asset) with lower confidence.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from spacy.tokens import Doc

from kg.extract.dates import When, find_dates
from kg.extract.mentions import Mention
from kg.reference import Reference

AGENT_TYPES = {"State", "Organization"}
PLACE_TYPES = {"Place", "State", "MilitaryBase"}


def _forms(*stems: str) -> str:
    return "|".join(stems)


TRANSFER = re.compile(r"\b(?P<t>" + _forms(
    "provid(?:e|es|ed|ing)", "suppl(?:y|ies|ied|ying)", "sen(?:d|ds|t|ding)", "deliver(?:s|ed|ing)?",
    "sell(?:s|ing)?", "sold", "ship(?:s|ped|ping)?", "transferr?(?:s|ed|ing)?", "export(?:s|ed|ing)?",
    "hand(?:s|ed|ing)? over", "gi(?:ve|ves|ving|ven)", "gave", "donat(?:e|es|ed|ing)") + r")\b", re.I)
TRANSFER_NOUN = re.compile(r"\b(?P<t>(?:arms|weapons?|missile|military) (?:sales?|deals?|packages?|shipments?|"
                           r"deliveries|transfers?)|deliver(?:y|ies) of|sales? of|transfers? of|shipments? of|"
                           r"exports? of)\b", re.I)
ACQUIRE = re.compile(r"\b(?P<t>" + _forms(
    "b(?:uy|uys|uying|ought)", "purchas(?:e|es|ed|ing)", "acquir(?:e|es|ed|ing)", "receiv(?:e|es|ed|ing)",
    "order(?:s|ed|ing)?", "obtain(?:s|ed|ing)?", "import(?:s|ed|ing)?",
    "t(?:ake|akes|aking|ook|aken) delivery of") + r")\b", re.I)
WEAPON_WORDS = re.compile(
    r"\b(?:weapons?|arms|missiles?|systems?|munitions?|ammunition|rockets?|drones?|jets?|aircraft|fighters?|"
    r"helicopters?|tanks?|armou?r|howitzers?|artillery|launchers?|warships?|submarines?|military (?:aid|equipment|"
    r"hardware)|shells|air defen[cs]es?|interceptors?|vehicles?)\b", re.I)
PERSONNEL_WORDS = re.compile(r"\b(?:troops|soldiers|forces|advisers|advisors|experts|personnel|marines|"
                             r"mercenaries|fighters|units?|battalions?|brigades?|instructors)\b", re.I)
SENT_FORCES = re.compile(r"\s+(?:\w+\s+){0,2}?(?:troops|soldiers|forces|marines|warships|fighter jets|units|"
                         r"squadrons?|task force|battalions?|brigades?)\b", re.I)
ARRIVED_IN = re.compile(r"^\s+(?:[\w-]+\s+){0,2}?(?:arrived|arrives|arriving|landed|lands)\s+in\s+(?:the\s+)?$", re.I)
SUPPLIED_BY = re.compile(r"\b(?:supplied|delivered|sold|provided|shipped|sent|donated)\s+by\b", re.I)
MOVE = re.compile(r"\b(?P<t>mov(?:e|es|ed|ing))\b", re.I)  # a deployment when what moves goes to a base
# "station" and "position" are nouns more often than verbs ("attacked Russian positions near Daraa"): as
# verbs, only with what is stationed
DEPLOY = re.compile(r"\b(?P<t>" + _forms(
    "deploy(?:s|ed|ing)?", "station(?:ed|ing)", "position(?:ed|ing)", "redeploy(?:s|ed|ing)?",
    r"(?:station|position)s?(?= (?:[\w-]+ ){0,2}(?:troops|soldiers|forces|units|missiles|systems|warships|jets))",
    "move[sd]? (?:troops|forces|units)", "arriv(?:e|es|ed|ing)(?= in\\b)") + r")\b", re.I)
OPERATION_VERB = re.compile(r"\b(?P<t>" + _forms(
    "str(?:ike|ikes|uck|iking)", "bomb(?:ed|ing)?", "(?<!guided )(?<!cluster )(?<!smart )bombs",
    "attack(?:s|ed|ing)?", "shell(?:ed|ing)",
    "raid(?:s|ed|ing)?", "invad(?:e|es|ed|ing)", "pound(?:s|ed|ing)?", "targeted", "targeting",
    # not "to fight" (an aim) nor fighting alongside or for someone
    r"(?:fought|fights|(?<!to )fighting)(?!\s+(?:alongside|with|beside|for)\b)",
    "us(?:e|es|ed|ing) (?:them |it )?against",
    "fir(?:e|es|ed|ing) (?:[\\w-]+ ){0,6}?(?:missiles?|rockets?|drones?)",
    "launch(?:es|ed|ing)? (?:[\\w-]+ ){0,6}?(?:strikes?|attacks?|offensive|operation|campaign|raids?|missiles?|"
    "rockets?|drones?)") + r")\b", re.I)
OPERATION_NOUN = re.compile(r"\b(?P<t>" + _forms(
    "campaign", "air ?strikes?", "strikes", "offensive", "bombing campaign", "bombardment", "invasion",
    "incursion", "operation", "raids", "assault", "drills", "(?:military|naval|joint) exercises",
    "war ?games") + r")\b", re.I)
SPEECH = re.compile(r"\b(?P<t>" + _forms(
    "said", "says", "say", "told", "announced", "stated", "warned", "claimed", "added", "denied",
    "insisted", "spoke", "declared", "tweeted", "wrote", "accused", "vowed", "pledged", "urged", "threatened",
    "noted", "explained", "stressed", "called for", "condemned") + r")\b", re.I)
REPORT = re.compile(r"\b(?P<t>" + _forms(
    "said", "says", "say", "told", "reported", "reports", "confirmed", "believe", "believes", "claimed",
    "claim", "claims", "added", "noted", "revealed", "disclosed") + r")\b", re.I)
ACCORDING_TO_END = re.compile(r"\baccording to\s+(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,3}$", re.I)
ACCORDING_TO = re.compile(r"\baccording to\s+(?P<np>[^,;.]+)", re.I)
NOT_A_SOURCE = re.compile(r"(?:our|my|your|their|his|her|its|plans?|schedule)\b|.*[\"“”]", re.I)
# What may follow a reporting verb that ends a sentence: when, how or to whom ("..., officials said on
# Tuesday.", "..., a diplomat told Reuters.").
_WHEN_OR_HOW = (r"(?:late |early |earlier )?on \w+|yesterday|today|(?:last|this|earlier this) (?:week|month|year)|"
                r"in a statement|on condition of anonymity|(?:at|during) a (?:news|press) conference")
REPORT_TAIL = re.compile(rf"(?:(?:reporters|journalists|Reuters|AFP|(?:the )?Associated Press)\s*)?"
                         rf"(?:{_WHEN_OR_HOW})?", re.I)
SOURCE_NOUN = re.compile(r"\b(?:officials?|sources?|diplomats?|spokes(?:man|woman|person)|analysts?|"
                         r"witnesses|residents|activists|observers?|experts?|media|reports?|intelligence|"
                         r"insiders?|people (?:familiar|briefed)|monitors?|commanders?|officers?)\b", re.I)
PREPOSITION_BEFORE = re.compile(r"\b(?:in|of|at|on|to|from|with|for|by|against|into|over|across|about)\s+(?:the\s+)?$",
                                re.I)
PASSIVE_AUX = re.compile(r"\b(?:be|been|being|is|are|was|were|get|got)\s+(?:\w+ly\s+)?$", re.I)
CLAUSE_BOUNDARY = re.compile(r"(?:\bthat\b|\bwhich\b|\bwho\b|\bwhile\b|\bwhereas\b|\bbut\b|\bbecause\b|"
                             r"\balthough\b|\bwhen\b|\bafter\b|\bbefore\b|\bas\b|\bsaid\b|\bsays?\b|\btold\b|"
                             r"\breported\b|\bconfirmed\b|\badded\b|\bclaimed\b|\bbelieves?\b|[;:\"“”(])", re.I)
RELATIVE_PRONOUN = re.compile(r"\s*(?:it|they)\b", re.I)
APPOSITIVE = re.compile(r"^\s*(?:an?|the|its|whose|which|who|once|now)\b", re.I)
# "..., Wang Yi, the Chinese foreign minister, said": an apposition between the speaker and the verb
APPOSITION = re.compile(r"^,\s*(?:the|a|an)\s+[^,;\"“”]{1,60},\s*$", re.I)
SUBJECT_GAP = re.compile(r"^[\s,]*(?:(?:has|have|had|also|later|previously|publicly|reportedly|repeatedly|then|"
                         r"again|now|earlier|recently|officially|would|will|could|may|might|is|are|was|were|"
                         r"once|separately|further)\s+)*$", re.I)


@dataclass
class Source:
    label: str
    start: int
    end: int
    on_behalf_of: list[str] = field(default_factory=list)  # IRIs of entities named in the source phrase


@dataclass
class Event:
    kind: str  # ArmsTransfer, Deployment, MilitaryOperation, Statement
    roles: dict[str, list[Mention]]
    sentence: tuple[int, int]
    trigger: tuple[int, int]
    date: When | None = None
    sources: list[Source] = field(default_factory=list)
    confidence: float = 0.8
    inferred: dict[str, str] = field(default_factory=dict)  # role -> IRI filled from context, not the sentence

    def role_iris(self, role: str) -> list[str]:
        iris = [m.iri for m in self.roles.get(role, [])]
        if role in self.inferred:
            iris.append(self.inferred[role])
        return sorted(set(iris))


class Sentence:
    """One sentence with its mentions, and the search helpers that rules use."""

    def __init__(self, text: str, start: int, end: int, mentions: list[Mention]) -> None:
        """`mentions`: the article's, or any that hold the sentence's, in text order."""
        self.text, self.start, self.end = text, start, end
        self.mentions = [m for m in mentions if m.start >= start and m.end <= end]

    def clause_start(self, pos: int) -> int:
        cut = self.start
        for m in CLAUSE_BOUNDARY.finditer(self.text, self.start, pos):
            cut = m.end()
        return cut

    def subject_before(self, pos: int, types: set[str]) -> Mention | None:
        """The nearest mention of `types` heading the clause before `pos`; appositives and possessives skipped."""
        subjects = self.subjects_before(pos, types)
        return subjects[-1] if subjects else None

    def subjects_before(self, pos: int, types: set[str]) -> list[Mention]:
        """Like subject_before, with the mentions coordinated with it ("The United States and Britain")."""
        right = pos
        left = self.clause_start(pos)
        first = True
        while right > left:
            comma = self.text.rfind(",", left, right)
            seg_start = comma + 1 if comma >= 0 else left
            appositive = not first and comma >= 0 and APPOSITIVE.match(self.text[seg_start:right])
            cands = [m for m in self.mentions if seg_start <= m.start and m.end <= right and m.type in types
                     and not self.text.startswith(("'s", "’s"), m.end)]
            if cands and not appositive:
                out = [cands[-1]]
                for m in reversed(cands[:-1]):
                    if re.fullmatch(r"\s+(?:and|or)\s+", self.text[m.end:out[0].start]) and m.iri != out[0].iri:
                        out.insert(0, m)
                    else:
                        break
                return out
            if comma < 0:
                return []
            right = comma
            first = False
        return []

    def after(self, pos: int, gap: re.Pattern[str], types: set[str], limit: int = 120,
              names_only: bool = False) -> Mention | None:
        """The first mention of `types` after `pos` whose preceding text (from `pos`) matches `gap`.

        `names_only` leaves out demonyms ("a French source" names no place)."""
        for m in self.mentions:
            if (m.start >= pos and m.start - pos <= limit and m.type in types
                    and not (names_only and m.how == "demonym")
                    and gap.search(self.text[pos:m.start]) and not ACCORDING_TO_END.search(self.text[pos:m.start])):
                return m
        return None

    def inside_a_name(self, pos: int) -> bool:
        return any(m.start <= pos < m.end for m in self.mentions)

    def between(self, start: int, end: int, types: set[str]) -> list[Mention]:
        return [m for m in self.mentions if m.start >= start and m.end <= end and m.type in types]


def sentences(text: str, doc: Doc, mentions: list[Mention]) -> Iterator[Sentence]:
    """The document's sentences with their mentions (those of the article, in text order), each sentence
    given only the mentions that start within it (filtering all of an article's ~70 mentions for each of its
    ~50 sentences was a tenth of the rules' time)."""
    starts = [m.start for m in mentions]
    for span in doc.sents:
        lo, hi = bisect.bisect_left(starts, span.start_char), bisect.bisect_left(starts, span.end_char)
        yield Sentence(text, span.start_char, span.end_char, mentions[lo:hi])


TO_GAP = re.compile(r"\bto\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}$")
AGAINST_GAP = re.compile(r"\b(?:against|on|targeting)\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}$")
IN_GAP = re.compile(r"\b(?:in|at|near|over|across|inside|into|outside|around|off)\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$")
ON_GAP = re.compile(r"\bon\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}$")
FROM_GAP = re.compile(r"\bfrom\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}$")
TO_PLACE_GAP = re.compile(r"\b(?:in|at|near|inside|into|to|outside)\s+(?:the\s+)?(?:[\w\-]+\s+){0,3}$")
WITH_GAP = re.compile(r"^\s+with\s+")
BY_GAP = re.compile(r"\bby\s+(?:the\s+)?(?:[a-z][\w\-]*\s+){0,2}$")
# a direct object: up to two lower-case words between, none of them a preposition ("bombs from the United States")
DIRECT_GAP = re.compile(r"^\s+(?:the\s+)?(?:(?!(?:from|to|with|for|by|of|in|at|on|into|near|over)\s)[a-z][\w\-]*\s+)"
                        r"{0,2}$")


def extract_events(text: str, doc: Doc, mentions: list[Mention], reference: Reference,
                   published: dt.date | None) -> list[Event]:
    events: list[Event] = []
    for sent in sentences(text, doc, mentions):
        found = (_transfers(sent) + _acquisitions(sent) + _deployments(sent) + _operations(sent)
                 + _statements(sent))
        if not found:
            continue
        dates = find_dates(text, sent.start, sent.end, published)
        sources = _attributions(sent)
        for ev in found:
            ev.date = _nearest_date(ev, dates, sent)
            if ev.kind != "Statement":  # a statement's date is the saying's own
                ev.date = _by_the_report(ev, ev.date, dates, sent)
            ev.sources = [s for pos, s in sources if _attributes(pos, s, ev)]
        events += found
    _fill_from_discourse(events, mentions, reference)
    return _complete(events)


# ---------------------------------------------------------------------------------------------- rules
def _is_passive(sent: Sentence, start: int) -> bool:
    """'had been sent', 'were deployed' (a participle after a form of 'be'), not 'is sending'."""
    word = re.match(r"\w+", sent.text[start:])
    if word is None or word.group().lower().endswith("ing"):
        return False
    return bool(PASSIVE_AUX.search(sent.text[max(sent.start, start - 30):start]))


def _clause_end(sent: Sentence, pos: int) -> int:
    m = re.compile(r"[;:]|\band (?:it|they|he|she)\b|, (?:and|but|while|which)\b").search(sent.text, pos, sent.end)
    return m.start() if m else sent.end


def _transfers(sent: Sentence) -> list[Event]:
    events = []
    for m in list(TRANSFER.finditer(sent.text, sent.start, sent.end)) + list(
            TRANSFER_NOUN.finditer(sent.text, sent.start, sent.end)):
        t0, t1 = m.span("t")
        end = _clause_end(sent, t1)
        recipient = sent.after(t1, TO_GAP, AGENT_TYPES)
        stretch_end = recipient.start if recipient is not None else end
        if recipient is None or recipient.start > end:
            # "supplied Ukraine with HIMARS rocket launchers"
            recipient = sent.after(t1, DIRECT_GAP, AGENT_TYPES, limit=30)
            if recipient is None or not WITH_GAP.match(sent.text[recipient.end:end]):
                user, agent = _user_of_supplied(sent, t0, t1)
                if user is None or agent is None:
                    continue
                events.append(Event("ArmsTransfer", {"supplier": [agent], "recipient": [user],
                                                     "asset": sent.between(sent.clause_start(t0), end,
                                                                           {"MilitaryAsset"})},
                                    (sent.start, sent.end), (t0, t1), confidence=0.7))
                continue
            stretch_end = end
        stretch = sent.text[t1:stretch_end]
        assets = sent.between(t1, end, {"MilitaryAsset"})
        passive = _is_passive(sent, t0)
        if passive:
            theme = sent.subject_before(t0, {"MilitaryAsset"})
            assets = assets or ([theme] if theme else [])
            agent = sent.after(recipient.end, BY_GAP, AGENT_TYPES) or sent.after(t1, BY_GAP, AGENT_TYPES)
            suppliers = [agent] if agent else []
        else:
            suppliers = sent.subjects_before(t0, AGENT_TYPES)
        if not assets and not WEAPON_WORDS.search(stretch) and not (passive and WEAPON_WORDS.search(
                sent.text[sent.clause_start(t0):t0])):
            continue
        if PERSONNEL_WORDS.search(stretch) and not assets and not WEAPON_WORDS.search(stretch):
            continue
        roles = {"recipient": [recipient], "asset": assets}
        suppliers = [x for x in suppliers if x.iri != recipient.iri]
        if suppliers:
            roles["supplier"] = suppliers
        events.append(Event("ArmsTransfer", roles, (sent.start, sent.end), (t0, t1),
                            confidence=0.8 if suppliers else 0.6))
    return events


def _user_of_supplied(sent: Sentence, t0: int, t1: int) -> tuple[Mention | None, Mention | None]:
    """'the RSF was using drones supplied by the UAE': (the clause's subject, who supplied); 'drones supplied by
    Germany arrived in Israel': (where they arrived, who supplied)."""
    if not re.match(r"\s+by\b", sent.text[t1:]):
        return None, None
    agent = sent.after(t1, BY_GAP, AGENT_TYPES, limit=40)
    if agent is not None:
        arrived = sent.after(agent.end, ARRIVED_IN, AGENT_TYPES, limit=60)
        if arrived is not None and arrived.iri != agent.iri:
            return arrived, agent
    if not re.search(r"\b(?:using|uses|used|received|receives|has|have|had|fielding|fields|operating|operates|"
                     r"acquired|deploying|deployed)\b", sent.text[sent.clause_start(t0):t0]):
        return None, None
    subject = sent.subject_before(t0, AGENT_TYPES)
    if subject is None or agent is None or subject.iri == agent.iri:
        return None, None
    return subject, agent


def _acquisitions(sent: Sentence) -> list[Event]:
    """'Taiwan bought F-16 jets from the United States', '... F-16 fighter jets bought from the United States'."""
    events = []
    for m in ACQUIRE.finditer(sent.text, sent.start, sent.end):
        t0, t1 = m.span("t")
        end = _clause_end(sent, t1)
        supplier = sent.after(t1, FROM_GAP, AGENT_TYPES)
        if supplier is None or supplier.start > end:
            continue
        recipients = [r for r in sent.subjects_before(t0, AGENT_TYPES) if r.iri != supplier.iri]
        scope = sent.clause_start(t0)
        if not recipients and RELATIVE_PRONOUN.match(sent.text, scope):
            # "Pakistan flies J-10C fighters, which it bought from China": "it" is the sentence's subject,
            # and what it bought is named before "which"
            first = next((x for x in sent.mentions if x.type in AGENT_TYPES and x.how != "demonym"), None)
            recipients = [first] if first is not None and first.iri != supplier.iri else []
            scope = sent.start
        assets = sent.between(scope, end, {"MilitaryAsset"})
        if not recipients or not (assets or WEAPON_WORDS.search(sent.text[scope:end])):
            continue
        events.append(Event("ArmsTransfer", {"supplier": [supplier], "recipient": recipients[-1:],
                                             "asset": assets}, (sent.start, sent.end), (t0, t1), confidence=0.7))
    return events


def _deployments(sent: Sentence) -> list[Event]:
    events = []
    triggers = list(DEPLOY.finditer(sent.text, sent.start, sent.end))
    # "sending troops to X" is a deployment, "sending missiles to X" a transfer; whatever is sent or moved to
    # a base is deployed there.
    for m in [*TRANSFER.finditer(sent.text, sent.start, sent.end), *MOVE.finditer(sent.text, sent.start, sent.end)]:
        to = sent.after(m.end(), TO_GAP, {"MilitaryBase"}, limit=80)  # not "keeps ships at the base"
        if SENT_FORCES.match(sent.text, m.end()) or (to is not None and to.start <= _clause_end(sent, m.end())):
            triggers.append(m)
    for m in triggers:
        t0, t1 = m.span("t")
        if m.group("t").lower().startswith("arriv") and SUPPLIED_BY.search(sent.text, sent.clause_start(t0), t0):
            continue  # "drones supplied by Germany arrived in Israel": delivered, not deployed
        before = sent.text[max(sent.start, t0 - 25):t0].lower()
        if re.search(r"(?:base|facility|facilities|airfield)\s+(?:\w+\s+)?$", before) or any(
                mm.type == "MilitaryBase" and 0 <= t0 - mm.end <= 2 for mm in sent.mentions):
            continue  # "a naval base stationed in Tartus" describes the base
        end = _clause_end(sent, t1)
        location = sent.after(t1, TO_PLACE_GAP, PLACE_TYPES, names_only=True)
        if location is None or location.start > end:
            continue
        if _is_passive(sent, t0):
            # "Iranian advisers were deployed to Crimea": the agent, else the people or assets' state
            agent = sent.after(t1, BY_GAP, AGENT_TYPES)
            actors = [agent] if agent else sent.subjects_before(t0, AGENT_TYPES)
        else:
            actors = sent.subjects_before(t0, AGENT_TYPES)
        actors = [a for a in actors if a.iri != location.iri]
        assets = sent.between(sent.clause_start(t0), location.start, {"MilitaryAsset"})
        roles = {"location": [location], "asset": assets}
        if actors:
            roles["actor"] = actors
        events.append(Event("Deployment", roles, (sent.start, sent.end), (t0, t1),
                            confidence=0.75 if actors else 0.55))
    return events


def _operations(sent: Sentence) -> list[Event]:
    events = []
    spans: list[tuple[int, int]] = []
    for pattern in (OPERATION_VERB, OPERATION_NOUN):
        for m in pattern.finditer(sent.text, sent.start, sent.end):
            t0, t1 = m.span("t")
            if any(a < t1 and t0 <= b + 1 for a, b in spans):
                continue  # overlapping or adjacent triggers ("launched missile" + "strikes") are one event
            spans.append((t0, t1))
            end = _clause_end(sent, t1)
            passive = pattern is OPERATION_VERB and _is_passive(sent, t0)
            if passive:
                agent = sent.after(t1, BY_GAP, AGENT_TYPES)
                actors = [agent] if agent else []
            else:
                actors = sent.subjects_before(t0, AGENT_TYPES)
            target = sent.after(t1, AGAINST_GAP, AGENT_TYPES | {"Person"})
            location = (sent.after(t1, IN_GAP, PLACE_TYPES, names_only=True)
                        or sent.after(t1, ON_GAP, {"Place", "MilitaryBase"}))
            if pattern is OPERATION_VERB and not passive:
                direct = sent.after(t1, DIRECT_GAP, AGENT_TYPES | PLACE_TYPES | {"Person"}, limit=30)
                if direct is not None and direct.type in ("Place", "MilitaryBase"):
                    location = location or direct
                elif direct is not None:
                    target = target or direct
            if passive:
                theme = sent.subject_before(t0, AGENT_TYPES | PLACE_TYPES)
                if theme is not None and theme.type in ("Place", "MilitaryBase"):
                    location = location or theme
                elif theme is not None:
                    target = target or theme
            if (target is None and location is not None and location.type == "State" and location.how != "demonym"
                    and re.search(r"\bon\b", sent.text[t1:location.start])):
                target = location  # "strikes on nine sites in Pakistan": the state is attacked
            if target is not None and target.start > end:
                target = None
            if location is not None and location.start > end:
                location = None
            actors = [a for a in actors if target is None or a.iri != target.iri]
            if not actors or (target is None and location is None):
                continue
            roles = {"actor": actors, "target": [target] if target else [],
                     "location": [location] if location else [],
                     "asset": sent.between(sent.clause_start(t0), end, {"MilitaryAsset"})}
            events.append(Event("MilitaryOperation", roles, (sent.start, sent.end), (t0, t1), confidence=0.75))
    return events


def _statements(sent: Sentence) -> list[Event]:
    """Named people and organizations saying something (the contract's speakers are persons or organizations)."""
    events = []
    speakers = {"Person", "Organization"}
    for m in SPEECH.finditer(sent.text, sent.start, sent.end):
        t0, t1 = m.span("t")
        if sent.inside_a_name(t0):
            continue  # "Qaboos bin Said condemned ..."
        speaker = None
        before = [x for x in sent.mentions if x.end <= t0 and (SUBJECT_GAP.match(sent.text[x.end:t0])
                                                                or APPOSITION.match(sent.text[x.end:t0]))
                  and not PREPOSITION_BEFORE.search(sent.text[max(sent.start, x.start - 12):x.start])]
        if before:
            speaker = before[-1]
        elif re.search(r"\band\s+(?:\w+ly\s+)?$", sent.text[max(sent.start, t0 - 20):t0]):
            # "Zelenskyy thanked Washington on Tuesday and said ...": the clause's subject speaks
            first = [x for x in sent.mentions if sent.clause_start(t0) <= x.start < t0 and x.type in speakers]
            speaker = first[0] if first else None
        else:
            after = sent.after(t1, re.compile(r"^\s+$"), speakers, limit=3)
            if after is not None and re.search(r"[,\"”]\s*$", sent.text[max(sent.start, t0 - 3):t0]):
                speaker = after
        if speaker is None or speaker.type not in speakers or speaker.cls == "NewsOrganization":
            continue
        events.append(Event("Statement", {"speaker": [speaker]}, (sent.start, sent.end), (t0, t1),
                            confidence=0.85 if speaker.type == "Person" else 0.75))
    return events


# ---------------------------------------------------------------------------------------------- attribution
def _attributions(sent: Sentence) -> list[tuple[int, Source]]:
    """(position, source): who the sentence attributes what follows (or, for "X reported.", precedes) to."""
    out: list[tuple[int, Source]] = []
    for m in ACCORDING_TO.finditer(sent.text, sent.start, sent.end):
        np0, np1 = m.span("np")
        if NOT_A_SOURCE.match(m.group("np")) and not SOURCE_NOUN.search(m.group("np")):
            continue  # deployed "according to our needs"
        # "According to X, ..." attributes what follows; "..., according to X." what precedes (pos -1)
        after = not sent.text[np1:sent.end].strip(" .\"”")
        out.append((-1 if after else m.start(), _source(sent, np0, np1)))
    for m in REPORT.finditer(sent.text, sent.start, sent.end):
        t0 = m.start("t")
        if sent.inside_a_name(t0):
            continue
        left = sent.clause_start(t0)
        np_text = sent.text[left:t0]
        stripped = re.sub(r"\s+(?:have|has|had|also|separately|now)\s*$", "", np_text.rstrip()).strip(" ,")
        if not stripped or REPORT.search(stripped):
            continue
        offset = left + np_text.index(stripped)
        # "..., Reuters reported." (the verb ends the sentence, or only says when or how): pos -1
        post_posed = REPORT_TAIL.fullmatch(sent.text[m.end("t"):sent.end].strip(" .\"”"))
        if post_posed:
            stripped, offset = _after_the_report(sent, stripped, offset)
        if len(stripped) > 120:
            continue
        end = offset + len(stripped)
        named = [x for x in sent.mentions if x.start >= offset and x.end <= end]
        if not _names_a_source(sent, offset, end):
            continue
        if named and stripped == named[-1].text and named[-1].type not in ("Person", "Organization"):
            continue
        # "Two Western officials and a Russian source" are two sources; "officials in Kyiv and Washington" one
        bounds = [offset, *(i for a in re.finditer(r"\s+and\s+", sent.text[offset:end])
                            for i in (offset + a.start(), offset + a.end())), end]
        parts = list(zip(bounds[::2], bounds[1::2], strict=True))
        if not all(_names_a_source(sent, *part) for part in parts):
            parts = [(offset, end)]
        pos = -1 if post_posed else t0
        out.extend((pos, _source(sent, *part)) for part in parts)
    return out


def _names_a_source(sent: Sentence, start: int, end: int) -> bool:
    """Whether the text names who reports: a source noun ("officials"), a person or an organization."""
    return bool(SOURCE_NOUN.search(sent.text[start:end])) or any(
        x.type in ("Person", "Organization") for x in sent.mentions if x.start >= start and x.end <= end)


def _after_the_report(sent: Sentence, text: str, offset: int) -> tuple[str, int]:
    """The source in "Russia sent troops to Akrotiri and Dhekelia, two officials said.": the text after the
    report, that is after its last comma; a name just before stays with its appositive ("..., Sergey Lavrov,
    Russia's foreign minister, said."). Returns the source's text and its offset."""
    segments = [_trimmed(sent, offset + m.start(), offset + m.end()) for m in re.finditer(r"[^,]+", text)]
    names = {(x.start, x.end) for x in sent.mentions if x.type in ("Person", "Organization")}
    k = len(segments) - 1
    while k > 0 and segments[k - 1] in names:
        k -= 1
    start, end = _trimmed(sent, segments[k][0], offset + len(text))
    return sent.text[start:end], start


def _trimmed(sent: Sentence, start: int, end: int) -> tuple[int, int]:
    """The span without the spaces at its ends."""
    part = sent.text[start:end]
    return start + len(part) - len(part.lstrip()), end - len(part) + len(part.rstrip())


def _source(sent: Sentence, start: int, end: int) -> Source:
    named_people = [m for m in sent.mentions if m.start >= start and m.end <= end and m.type == "Person"]
    if named_people and re.match(r"(?i)(?:in|at|on|during|after)\b", sent.text[start:end]):
        # "In a press conference Russian Foreign Minister Sergey Lavrov": the source is the person
        start = next(m.start for m in sent.mentions if m.start >= start and m.end <= named_people[0].end)
    participle = re.search(r",\s*\w+ing\b", sent.text[start:end])  # "A US official, speaking in Kyiv"
    end = start + participle.start() if participle else end
    label = re.sub(r"\s+", " ", sent.text[start:end]).strip()
    label = re.sub(r"^(?:one of the|some of the)\s+", "", label, flags=re.I)
    named = [m.iri for m in sent.mentions if m.start >= start and m.end <= end]
    return Source(label, start, end, sorted(set(named)))


def _attributes(pos: int, source: Source, ev: Event) -> bool:
    if ev.kind == "Statement" and ev.roles["speaker"][0].start >= source.start and \
            ev.roles["speaker"][0].end <= source.end:
        return False
    if pos == -1:  # "..., Reuters reported."
        return ev.trigger[0] < source.start
    return ev.trigger[0] > pos


def _nearest_date(ev: Event, dates: list[When], sent: Sentence) -> When | None:
    t0, t1 = ev.trigger
    end = _clause_end(sent, t1)
    left = sent.clause_start(t0)
    cands = [w for w in dates if left <= w.start and w.end <= end]
    if not cands:
        return None
    return min(cands, key=lambda w: (w.start < t0, abs(w.start - t1)))


def _by_the_report(ev: Event, date: When | None, dates: list[When], sent: Sentence) -> When | None:
    """An event told in a dated report happened by the report's date: 'Officials said on Tuesday that Russia had
    begun delivering ...' (the report before the event's clause), '..., a spokesman said on Tuesday.' (after it,
    past a comma). Else `date`, the event's own."""
    t0, t1 = ev.trigger
    if date is None:
        left = sent.clause_start(t0)
        return next((replace(w, qualifier="by") for w in dates
                     if w.end <= left and re.fullmatch(r"\s*,?\s*that\s*", sent.text[w.end:left])
                     and REPORT.search(sent.text, sent.start, w.start)), None)
    report = REPORT.search(sent.text, t1, date.start) if date.start > t1 else None
    if report is not None and "," in sent.text[t1:report.start()]:
        return replace(date, qualifier="by")
    return date


# ---------------------------------------------------------------------------------------------- discourse
def _fill_from_discourse(events: list[Event], mentions: list[Mention], reference: Reference) -> None:
    """Supply a missing supplier or actor: the origin state of the asset if the article names it, else the
    supplier or actor of the closest earlier event."""
    mentioned = {m.iri for m in mentions}
    last_agent: str | None = None
    for ev in events:
        if ev.kind == "ArmsTransfer" and "supplier" not in ev.roles:
            recipient = ev.roles["recipient"][0].iri
            origins = [o for a in ev.roles["asset"] if a.entity for o in a.entity.origin if o != recipient]
            named = [o for o in origins if o in mentioned]
            if named:
                ev.inferred["supplier"] = named[0]
            elif last_agent and last_agent != recipient:
                ev.inferred["supplier"] = last_agent
            ev.confidence = 0.6
        elif ev.kind == "Deployment" and "actor" not in ev.roles and last_agent:
            ev.inferred["actor"] = last_agent
            ev.confidence = 0.5
        agents = ev.role_iris("supplier") or ev.role_iris("actor")
        if agents:
            last_agent = agents[0]


def _complete(events: list[Event]) -> list[Event]:
    """Keep events whose required participants are known (see ontology/shapes.ttl)."""
    required = {"ArmsTransfer": ("supplier", "recipient"), "Deployment": ("actor", "location"),
                "MilitaryOperation": ("actor",), "Statement": ("speaker",)}
    return [ev for ev in events if all(ev.role_iris(r) for r in required[ev.kind])]
