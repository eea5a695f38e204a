"""How a sentence presents an event: as having happened (None), or planned, threatened, denied, negated or
hypothetical (the gkg:modality individuals).

Read from the trigger's own dependents (negation, modal auxiliaries, "if", "planned"/"possible" before a noun)
and from the words that govern it, walking up the parse until a reporting verb: "plans to send", "denied
carrying out", "threatened to strike", "a ban on arms sales", "the proposed sale", "accused Turkey of preparing
to invade"; a purpose clause is planned ("sent troops to retake the city"). Reported speech keeps the
embedded event's own modality ("said it would send" is planned).
"""

from __future__ import annotations

from spacy.tokens import Token

PLANNED, THREATENED, DENIED, NEGATED, HYPOTHETICAL = "Planned", "Threatened", "Denied", "Negated", "Hypothetical"

PLAN_VERBS = frozenset({
    "plan", "intend", "prepare", "propose", "offer", "consider", "seek", "want", "aim", "hope", "expect", "agree",
    "decide", "vow", "pledge", "promise", "order", "approve", "authorize", "authorise", "schedule", "mull", "weigh",
    "study", "discuss", "urge", "ask", "request", "demand", "recommend", "need", "call", "set", "due", "poised",
    "ready", "likely", "expected", "willing", "eager", "determined", "announce", "contemplate", "sign",
    "negotiate", "finalize", "finalise", "resolve", "commit", "unveil", "scheduled", "intent"})
THREAT_VERBS = frozenset({"threaten", "warn"})
DENY_WORDS = frozenset({"deny", "refute", "dismiss", "denial"})
NEGATING_VERBS = frozenset({"refuse", "fail", "decline", "avoid", "cancel", "block", "prevent", "ban", "forbid",
                            "prohibit", "veto", "oppose", "rule"})
NEGATING_NOUNS = frozenset({"ban", "embargo", "moratorium", "prohibition", "veto", "cancellation"})
PLAN_NOUNS = frozenset({"plan", "proposal", "offer", "bid", "intention", "decision", "request", "call", "pledge",
                        "promise", "commitment", "readiness", "willingness", "option", "prospect", "possibility",
                        "preparation", "order", "talk", "negotiation", "agreement", "deal", "approval",
                        "authorization", "authorisation", "idea", "threat", "demand", "intent", "proposition"})
PLAN_ADJECTIVES = frozenset({"planned", "proposed", "prospective", "future", "expected", "upcoming", "imminent",
                             "anticipated", "pending", "intended", "projected", "scheduled", "envisaged",
                             "contemplated", "mooted"})
HYPOTHETICAL_ADJECTIVES = frozenset({"possible", "potential", "hypothetical", "eventual", "conditional"})
# what an event noun so qualified has happened, whatever is said of it: "the response to North Korea's recent nuclear
# test will be discussed"
PAST_ADJECTIVES = frozenset({"recent", "last", "previous", "past", "latest", "earlier", "former"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
POSSIBLE_AUX = frozenset({"could", "might", "may", "can", "should", "must", "ca", "'d"})
SPEECH = frozenset({"say", "tell", "announce", "state", "add", "claim", "insist", "report", "declare", "confirm",
                    "note", "stress", "write", "explain", "believe", "think", "accuse", "allege"})
# relations to climb from an event to what governs it; a relative clause or a participle tells a fact of its
# own ("Turkey would deploy the S-400 systems it bought"), unless it spells out a plan ("a plan to send troops")
CLIMB = frozenset({"xcomp", "ccomp", "pcomp", "pobj", "prep", "dobj", "conj", "acl", "advcl", "nsubj", "nsubjpass",
                   "attr", "oprd", "acomp", "amod", "compound", "appos", "npadvmod"})


def modality(trigger: Token, governor: Token | None = None) -> str | None:
    """The modality of the event that `trigger` reports; `governor` is the support verb of a noun trigger
    ("carried out strikes"), whose own dependents count as the trigger's."""
    own = _own(trigger)
    if own is not None:
        return own
    if trigger.pos_ == "NOUN" and governor is None and any(
            c.dep_ == "amod" and c.lower_ in PAST_ADJECTIVES for c in trigger.children):
        return None
    tok = governor or trigger
    if governor is not None:
        own = _own(governor)
        if own is not None:
            return own
    for _ in range(6):
        if tok.dep_ not in CLIMB or tok.head is tok:
            return None
        dep, head = tok.dep_, tok.head
        lemma = head.lemma_.lower()
        if dep == "conj":
            tok = head
            continue
        if dep == "advcl" and tok.pos_ == "VERB" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children):
            return PLANNED  # a purpose: "sending weapons to Syria to fight ISIS", "in order to retake the city"
        if lemma in SPEECH and head.pos_ in ("VERB", "AUX"):
            return None  # reported speech: the embedded clause's own modality (none found)
        if lemma in DENY_WORDS:
            return DENIED
        if lemma in THREAT_VERBS and dep in ("xcomp", "dobj", "pobj", "prep", "pcomp", "acl"):
            return THREATENED
        if lemma in NEGATING_VERBS and dep in ("xcomp", "dobj", "pcomp", "pobj", "prep"):
            return NEGATED
        if head.pos_ == "NOUN" and lemma in NEGATING_NOUNS:
            return NEGATED
        if lemma in PLAN_VERBS and head.pos_ in ("VERB", "AUX", "ADJ") and dep in ("xcomp", "dobj", "ccomp",
                                                                                      "pcomp", "prep", "pobj"):
            return PLANNED
        if head.pos_ == "NOUN" and lemma in PLAN_NOUNS and dep in ("acl", "prep", "pobj", "compound", "xcomp"):
            return THREATENED if lemma == "threat" else PLANNED
        if dep == "acl":
            return None
        if head.pos_ in ("VERB", "AUX"):
            own = _own(head)
            if own is not None and own != NEGATED:
                return own
            if own == NEGATED and dep in ("xcomp", "ccomp"):
                return NEGATED  # "did not plan to send", "did not say it would"
        tok = head
    return None


def _own(tok: Token) -> str | None:
    """Negation, a modal auxiliary, a conditional or a modal adjective on the token itself; negation first ("could
    not confirm", "will not send": not done, whatever the auxiliary)."""
    if any(c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ == "no") or (c.dep_ == "advmod" and c.lower_ in (
            "never", "not")) for c in tok.children):
        return NEGATED
    for child in tok.children:
        dep, lower = child.dep_, child.lower_
        if dep == "mark" and lower in ("if", "unless", "whether"):
            return HYPOTHETICAL
        if dep == "aux":
            if lower in FUTURE_AUX or child.lemma_.lower() in FUTURE_AUX:
                return PLANNED
            if lower in POSSIBLE_AUX:
                return HYPOTHETICAL
            if lower == "would":
                return PLANNED if _reported(tok) else HYPOTHETICAL
        if dep == "amod":
            lemma = child.lemma_.lower()
            if lower in PLAN_ADJECTIVES or lemma in PLAN_ADJECTIVES:
                return PLANNED
            if lower in HYPOTHETICAL_ADJECTIVES:
                return HYPOTHETICAL
    # "is going to send", "are to be deployed"
    if tok.dep_ == "xcomp" and tok.head.lemma_ == "go" and any(c.dep_ == "aux" for c in tok.head.children):
        return PLANNED
    return None


def _reported(tok: Token) -> bool:
    """Whether the clause is what someone said ("said it would send"): 'would' is then a future."""
    while tok.dep_ == "conj":
        tok = tok.head
    return tok.dep_ == "ccomp" and tok.head.lemma_.lower() in SPEECH
