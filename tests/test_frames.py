"""The frames file: every trigger indexed, every class in the ontology, every role known; malformed files refused."""

from __future__ import annotations

import tomllib

import pytest

import ontology
from kg.extract import frames
from kg.extract.frames import FRAMES_FILE, FramesError, Lexicon


def test_every_frame_gives_an_ontology_event_class_and_a_contract_kind() -> None:
    lex = frames.lexicon()
    supers = ontology.superclasses()
    assert {f.kind for f in lex.frames.values()} >= {"ArmsTransfer", "Deployment", "MilitaryOperation", "Statement"}
    for frame in lex.frames.values():
        assert "Event" in supers[frame.cls], frame.name
        assert frame.kind == "Event" or frame.kind in supers[frame.cls]


def test_the_lexicon_covers_how_wire_stories_say_it() -> None:
    lex = frames.lexicon()

    def frames_of(lemma: str, index: dict) -> set[str]:
        return {e.frame.cls for e in index.get(lemma, [])}

    for verb, cls in [("shell", "Attack"), ("pound", "Attack"), ("raid", "Attack"), ("storm", "Attack"),
                      ("capture", "Capture"), ("retake", "Capture"), ("recapture", "Capture"), ("seize", "Capture"),
                      ("advance", "GroundOffensive"), ("besiege", "Siege"), ("clash", "Clash"),
                      ("intercept", "Interception"), ("buzz", "AirspaceViolation"), ("deploy", "Deployment"),
                      ("station", "Deployment"), ("dispatch", "Deployment"), ("withdraw", "Withdrawal"),
                      ("sell", "ArmsTransfer"), ("deliver", "ArmsTransfer"), ("buy", "ArmsTransfer"),
                      ("say", "Statement"), ("deny", "Statement")]:
        assert cls in frames_of(verb, lex.verbs), verb
    for noun, cls in [("shelling", "Attack"), ("airstrike", "Attack"), ("offensive", "GroundOffensive"),
                      ("deployment", "Deployment"), ("sale", "ArmsTransfer"), ("downing", "Interception"),
                      ("exercise", "Exercise"), ("test", "MissileTest"), ("test", "NuclearTest")]:
        assert cls in frames_of(noun, lex.nouns), noun
    assert [e.extra for e in lex.verbs["shoot"] if e.frame.cls == "Interception"] == [("down",)]
    assert ("test",) in [e.extra for e in lex.verbs["fire"]]  # "test-fire"


def _lexicon(text: str) -> Lexicon:
    return Lexicon(tomllib.loads(text))


@pytest.mark.parametrize(("toml", "message"), [
    ('[frame.x]\nclass = "Banana"\nverbs = ["peel"]', "no subclass of gkg:Event"),
    ('[frame.x]\nclass = "Attack"\nverbs = ["hit"]\n[frame.x.slots]\nsubject = ["culprit"]', "unknown roles"),
    ('[frame.x]\nclass = "Attack"\nverbs = ["hit"]\nobject = "fruit"', "names no word class"),
    ('[frame.x]\nclass = "Attack"\nverbs = ["hit"]\nrequires = [["villain"]]', "requires unknown roles"),
])
def test_a_malformed_frame_is_refused_with_its_name(toml: str, message: str) -> None:
    with pytest.raises(FramesError, match=message):
        _lexicon(toml)


def test_the_data_file_is_the_one_the_extractor_reads() -> None:
    with FRAMES_FILE.open("rb") as f:
        data = tomllib.load(f)
    assert set(data["frame"]) == set(frames.lexicon().frames)
