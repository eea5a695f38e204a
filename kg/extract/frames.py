"""The event frames of `frames.toml`: trigger words, the event class each gives, and which grammatical position
fills which role. The data file says how to read and extend it; this module only indexes it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ontology

FRAMES_FILE = Path(__file__).with_name("frames.toml")
# Which entity types each role accepts.
ROLE_TYPES = {
    "actor": frozenset({"State", "Organization"}),
    "supplier": frozenset({"State", "Organization"}),
    "recipient": frozenset({"State", "Organization"}),
    "target": frozenset({"State", "Organization", "Person"}),
    "location": frozenset({"Place", "State", "MilitaryBase"}),
    "asset": frozenset({"MilitaryAsset"}),
    "speaker": frozenset({"Person", "Organization", "State"}),
}
# The contract class of an event class (the scorer and the shapes read these).
KINDS = ("ArmsTransfer", "Deployment", "MilitaryOperation", "Statement")
# What an event of each kind must name to be kept, unless its frame says (`requires`): any one of these sets.
REQUIRES = {
    "ArmsTransfer": (("supplier",), ("recipient",)),
    "Deployment": (("actor", "location"), ("actor", "asset"), ("location", "asset")),
    "MilitaryOperation": (("actor", "target"), ("actor", "location"), ("target", "location")),
    "Statement": (("speaker",),),
    "Event": (("actor",),),
}


class FramesError(ValueError):
    """frames.toml is malformed; the message says where."""


@dataclass(frozen=True)
class Frame:
    name: str
    cls: str  # the GeoKG event class (local name)
    kind: str  # its contract class, or "Event" for classes outside the four (withdrawals)
    slots: dict[str, tuple[str, ...]]  # position or preposition -> roles, in order of preference
    object_class: str | None  # the word class a verb's object must belong to when it is no entity
    needs: str | None  # a word class that must qualify the trigger
    refine: tuple[tuple[str, str], ...]  # (word class, more specific class)
    with_target: str | None  # the class an event of this frame takes when it has a target
    requires: tuple[frozenset[str], ...]  # the roles an event needs, any one set of them
    complement: frozenset[str]  # verbs that report it only with what is said or whom it is addressed to
    forces: bool  # its nouns name forces ("U.S. troops in Afghanistan"), not an event


@dataclass(frozen=True)
class Entry:
    """One trigger of a frame: its head lemma and the words that must go with it."""

    frame: Frame
    head: str
    extra: tuple[str, ...]  # verbs: particle, preposition or object lemma; nouns: modifiers, or what "of" holds
    of: bool = False  # noun entries "X of Y": Y is the object of the preposition "of" after the head


class Lexicon:
    """The frames, indexed by the head lemma of their triggers, and the word classes."""

    def __init__(self, data: dict) -> None:
        self.words: dict[str, frozenset[str]] = {name: frozenset(w.lower() for w in words)
                                                 for name, words in data.get("words", {}).items()}
        self.frames: dict[str, Frame] = {}
        self.verbs: dict[str, list[Entry]] = {}
        self.nouns: dict[str, list[Entry]] = {}
        event_classes = ontology.superclasses()
        for name, spec in data.get("frame", {}).items():
            frame = self._frame(name, spec, event_classes)
            self.frames[name] = frame
            for phrase in spec.get("verbs", []):
                self._index(self.verbs, _verb_entry(frame, phrase))
            for phrase in spec.get("nouns", []):
                self._index(self.nouns, _noun_entry(frame, phrase))
        for entries in (*self.verbs.values(), *self.nouns.values()):
            entries.sort(key=lambda e: -len(e.extra))  # the longest trigger that matches wins

    def _frame(self, name: str, spec: dict, event_classes: dict[str, frozenset[str]]) -> Frame:
        cls = spec.get("class")
        supers = event_classes.get(cls or "", frozenset())
        if "Event" not in supers:
            raise FramesError(f"frame {name}: class {cls!r} is no subclass of gkg:Event in the ontology")
        kind = next((k for k in KINDS if k == cls or k in supers), "Event")
        slots = {}
        for position, roles in spec.get("slots", {}).items():
            unknown = [r for r in roles if r not in ROLE_TYPES]
            if unknown:
                raise FramesError(f"frame {name}: unknown roles {unknown} for {position!r}")
            slots[position] = tuple(roles)
        for key in ("object", "needs"):
            if spec.get(key) is not None and any(c not in self.words for c in spec[key].split("|")):
                raise FramesError(f"frame {name}: {key} names no word class: {spec[key]!r}")
        refine = tuple(spec.get("refine", {}).items())
        for word_class, refined in refine:
            if word_class not in self.words or "Event" not in event_classes.get(refined, frozenset()):
                raise FramesError(f"frame {name}: cannot refine by {word_class!r} into {refined!r}")
        requires = tuple(frozenset(r) for r in spec.get("requires", REQUIRES[kind]))
        if any(r - set(ROLE_TYPES) for r in requires):
            raise FramesError(f"frame {name}: requires unknown roles: {spec.get('requires')}")
        return Frame(name, cls, kind, slots, spec.get("object"), spec.get("needs"), refine, spec.get("with_target"),
                     requires, frozenset(spec.get("complement", ())), bool(spec.get("forces", False)))

    @staticmethod
    def _index(index: dict[str, list[Entry]], entry: Entry) -> None:
        index.setdefault(entry.head, []).append(entry)

    def is_a(self, word_class: str, lemma: str) -> bool:
        """Whether `lemma` is of the word class, or of any of the classes "a|b" names."""
        if "|" in word_class:
            return any(lemma in self.words.get(c, ()) for c in word_class.split("|"))
        return lemma in self.words.get(word_class, ())


def _verb_entry(frame: Frame, phrase: str) -> Entry:
    """'shoot down': the verb and its particle; 'test-fire': the verb after the hyphen with what precedes it."""
    words = phrase.lower().split()
    if len(words) == 1 and "-" in words[0]:
        *before, head = words[0].split("-")
        return Entry(frame, head, tuple(before))
    return Entry(frame, words[0], tuple(words[1:]))


def _noun_entry(frame: Frame, phrase: str) -> Entry:
    """'air strike': the head noun with its modifier; 'freedom of navigation': the head with what "of" holds."""
    words = phrase.lower().replace("-", " ").split()
    if "of" in words:
        i = words.index("of")
        return Entry(frame, words[i - 1], tuple(words[i + 1:]), of=True)
    return Entry(frame, words[-1], tuple(words[:-1]))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    with FRAMES_FILE.open("rb") as f:
        return Lexicon(tomllib.load(f))
