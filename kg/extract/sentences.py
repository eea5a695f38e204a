"""Sentences as character spans with their linked mentions, and the word-order helpers that the binary facts
and the attribution of sources read (the events read the parse instead)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from spacy.tokens import Doc

from kg.extract.mentions import Mention

AGENT_TYPES = {"State", "Organization"}
PLACE_TYPES = {"Place", "State", "MilitaryBase"}
CLAUSE_BOUNDARY = re.compile(r"(?:\bthat\b|\bwhich\b|\bwho\b|\bwhile\b|\bwhereas\b|\bbut\b|\bbecause\b|"
                             r"\balthough\b|\bwhen\b|\bafter\b|\bbefore\b|\bas\b|\bsaid\b|\bsays?\b|\btold\b|"
                             r"\breported\b|\bconfirmed\b|\badded\b|\bclaimed\b|\bbelieves?\b|[;:\"“”(])", re.I)
APPOSITIVE = re.compile(r"^\s*(?:an?|the|its|whose|which|who|once|now)\b", re.I)
ACCORDING_TO_END = re.compile(r"\baccording to\s+(?:an?\s+|the\s+)?(?:[\w\-]+\s+){0,3}$", re.I)


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
