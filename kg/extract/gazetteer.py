"""Finding reference names in text: a token-sequence index over labels, aliases, demonyms and capitals.

Matching works on word tokens folded to lower case without accents, so "Bashar al- Assad" (stray
space), "Erdogan"/"Erdoğan" and "Pantsir-S1"/"Pantsir S1" all meet the same key. Short all-capital
aliases ("US", "IS") only match with the same capitals; names written with a capital only match text
that starts with one.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from kg.reference import Entity, Reference, load
from kg.vocab import fold

TOKEN = re.compile(r"\w+", re.UNICODE)
# Characters allowed between two tokens of one name: spaces, hyphens and dashes, dots, apostrophes, slashes.
JOINER = re.compile(r"^[\s\-\u2010-\u2015.'\u2019/]{0,3}$")
MAX_TOKENS = 10

NAME, ALIAS, DEMONYM, CAPITAL, SURNAME = "name", "alias", "demonym", "capital", "surname"
# Link confidence by the kind of name that matched.
CONFIDENCE = {NAME: 0.95, ALIAS: 0.9, DEMONYM: 0.8, CAPITAL: 0.8, SURNAME: 0.75}


class Token(NamedTuple):
    text: str
    key: str
    start: int
    end: int


@dataclass(frozen=True)
class Candidate:
    entity: Entity
    kind: str  # NAME, ALIAS, DEMONYM, CAPITAL or SURNAME
    exact_case: str | None  # the alias as written, when it only matches with the same capitals


@dataclass(frozen=True)
class Match:
    start: int  # character offsets in the text
    end: int
    candidates: tuple[Candidate, ...]


# nouns after a name that speak for it: the name is no mere modifier there
VOICES = frozenset({"statement", "spokesman", "spokeswoman", "spokesperson", "official", "officials", "source",
                    "sources", "communique", "website", "channel"})
DISAMBIGUATED = re.compile(r"\s*\([^)]*\)$")  # a label's trailing "(England)"


def _key(name: str) -> tuple[str, ...]:
    return tuple(fold(t) for t in TOKEN.findall(name))


def _needs_exact_case(name: str) -> bool:
    """Short acronyms ("IS", "US") match only in capitals; a name the reference writes in lower case ("peshmerga",
    "dpa") matches as written (its capitalised form is the entity's label's business)."""
    letters = re.sub(r"[^A-Za-z]", "", name)
    return bool(letters) and ((letters.isupper() and len(letters) <= 5) or letters.islower())


class Gazetteer:
    """Token-sequence index of every name of every reference entity."""

    def __init__(self, reference: Reference) -> None:
        self.reference = reference
        self.bases = [e for e in reference.entities.values() if e.type == "MilitaryBase"]
        self.index: dict[tuple[str, ...], list[Candidate]] = {}
        surnames: dict[tuple[str, ...], list[Entity]] = {}
        before_comma: dict[str, list[Entity]] = {}
        for e in reference.entities.values():
            self._put(e.label, e, NAME)
            if e.type == "Place" and (bare := DISAMBIGUATED.sub("", e.label)) != e.label:
                self._put(bare, e, ALIAS)  # "Norfolk (England)" is written "Norfolk": the context tells which
            if e.type == "Place" and ", " in e.label:  # "Hit, Iraq": the bare name only where a place is meant
                before_comma.setdefault(e.label.split(", ")[0], []).append(e)
            for alias in e.aliases:
                self._put(alias, e, ALIAS)
            for demonym in e.demonyms:
                self._put(demonym, e, DEMONYM)
            if e.capital_of:
                state = reference.entities[e.capital_of]
                for name in [e.label, *e.aliases]:
                    self._put(name, state, CAPITAL)
            if e.type == "Person":
                last = re.split(r"[\s\-]+", e.label)[-1]
                if len(last) >= 4 and last[0].isupper() and " " in e.label:
                    surnames.setdefault(_key(last), []).append(e)
        for key, people in surnames.items():
            if key not in self.index:
                for person in people:
                    self.index.setdefault(key, []).append(Candidate(person, SURNAME, None))
        self.prefixes = {key[:n] for key in self.index for n in range(1, len(key) + 1)}
        self.demonyms = frozenset(fold(d) for e in reference.entities.values() for d in e.demonyms)
        # the one place of each name that the reference writes with its state or region after a comma
        self.bare_places = {name: places[0] for name, places in before_comma.items() if len(places) == 1}

    def _put(self, name: str, entity: Entity, kind: str) -> None:
        key = _key(name)
        if not key or len(key) > MAX_TOKENS:
            return
        exact = name if _needs_exact_case(name) else None
        bucket = self.index.setdefault(key, [])
        if not any(c.entity.iri == entity.iri and c.kind == kind and c.exact_case == exact for c in bucket):
            bucket.append(Candidate(entity, kind, exact))

    def find(self, text: str, nouns: frozenset[int] = frozenset(), proper: frozenset[int] = frozenset()) -> list[Match]:
        """Longest non-overlapping matches, left to right.

        `nouns` holds the start offsets of tokens a tagger took for nouns: a name whose last word is
        lower case ("Russian military") does not match when a noun follows it ("Russian military
        involvement"), since it is then a modifier, not a name — unless it is an asset's. `proper`
        holds the start offsets of proper-noun tokens: an organization's name inside a longer name
        ("National Security Council") is not that organization.
        """
        # Only the folded words are needed to walk the index; tokens are made for the few candidate names
        # (making one for each of an article's ~600 words took 3 ms).
        words = list(TOKEN.finditer(text))
        # "F-16s", "Su-24s": the plural of a designation is the designation
        keys = [k[:-1] if k[-1:] == "s" and k[:-1].isdigit() else k for k in (fold(w.group()) for w in words)]

        def token(k: int) -> Token:
            return Token(words[k].group(), keys[k], words[k].start(), words[k].end())

        def longest(i: int) -> tuple[int, Match] | None:
            """The longest name starting at word i that passes the checks below, and its length in words."""
            # Walk the prefix set to find every name starting here, then try them longest first.
            lengths = []
            j = i + 1
            while j <= len(keys) and j - i <= MAX_TOKENS and tuple(keys[i:j]) in self.prefixes:
                if tuple(keys[i:j]) in self.index:
                    lengths.append(j - i)
                j += 1
            for n in reversed(lengths):
                span = [token(k) for k in range(i, i + n)]
                if n > 1 and not all(JOINER.match(text[a.end:b.start]) for a, b in itertools.pairwise(span)):
                    continue
                start, end = span[0].start, span[-1].end
                # a modifier ("Russian military involvement") names an asset all the same ("Nimitz-class
                # aircraft carrier warships", "Tomahawk cruise missile strikes")
                modifier = (n > 1 and span[-1].text.islower() and i + n < len(keys) and words[i + n].start() in nouns
                            and not text[end:words[i + n].start()].strip()  # not across "base. Satellite"
                            and keys[i + n] not in VOICES)  # "a Syrian interior ministry statement" names it
                surface = text[start:end]
                cands = tuple(c for c in self.index[tuple(keys[i:i + n])] if _case_ok(c, surface)
                              and not (modifier and c.entity.type != "MilitaryAsset"))
                if i > 0 and _inside_longer_name(text, token(i - 1), span[0], proper) and not self.index.get(
                        (keys[i - 1],)):
                    # "National Security Council" is not the "Security Council" of the UN
                    cands = tuple(c for c in cands if c.entity.type != "Organization")
                if cands:
                    return n, Match(start, end, cands)
            return None

        matches: list[Match] = []
        i = 0
        while i < len(keys):
            found = longest(i) if (keys[i],) in self.prefixes else None  # most words start no name
            if found is None:
                i += 1
                continue
            n, match = found
            # "Sultan Qaboos bin Said": the alias "Sultan Qaboos" gives way to the full name of the same person
            # that starts inside it and goes on after it
            entities = {c.entity.iri for c in match.candidates}
            for k in range(i + 1, i + n):
                later = longest(k)
                if later is not None and k + later[0] > i + n and entities & {c.entity.iri
                                                                               for c in later[1].candidates}:
                    i, (n, match) = k, later
                    break
            matches.append(match)
            i += n
        return matches


# adverbs that open a sentence, capitalised there, which a tagger may take for part of the name after them
OPENERS = frozenset({"meanwhile", "separately", "earlier", "later", "elsewhere", "also", "however", "still", "now",
                     "then", "instead", "overall", "previously", "moreover", "furthermore", "nonetheless",
                     "nevertheless", "since", "already", "yesterday", "today", "recently"})


def _inside_longer_name(text: str, prev: Token, first: Token, proper: frozenset[int]) -> bool:
    """The match continues a capitalised name that starts before it (a proper noun, or mid-sentence)."""
    if not prev.text[:1].isupper() or text[prev.end:first.start] != " " or prev.key in ("the", "a", "an"):
        return False
    before = text[:prev.start].rstrip(" \t")
    opens = not before or before[-1] in ".!?:\"“\n"
    if opens and (prev.key in OPENERS or (prev.key.endswith("ly") and len(prev.key) > 5)):
        return False  # "Separately Amaq news agency said", "Meanwhile NATO": an adverb, though tagged a name
    return prev.start in proper or not opens


def _case_ok(candidate: Candidate, surface: str) -> bool:
    if candidate.exact_case is not None:
        return re.sub(r"[^A-Za-z]", "", surface) == re.sub(r"[^A-Za-z]", "", candidate.exact_case)
    return surface[:1].isupper() or surface[:1].isdigit() or not candidate.entity.label[:1].isupper()


@lru_cache(maxsize=1)
def default() -> Gazetteer:
    return Gazetteer(load())
