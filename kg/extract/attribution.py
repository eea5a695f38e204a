"""Who an article attributes what it reports to: "..., two Western officials said", "according to X", "X
reported that ..." (gkg:reportedBy sources, in the article's own words)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kg.extract.sentences import Sentence

if TYPE_CHECKING:
    from kg.extract.events import Event

REPORT = re.compile(r"\b(?P<t>said|says|say|told|reported|reports|confirmed|believe|believes|claimed|claim|claims|"
                    r"added|noted|revealed|disclosed)\b", re.I)
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

@dataclass
class Source:
    label: str
    start: int
    end: int
    on_behalf_of: list[str] = field(default_factory=list)  # IRIs of entities named in the source phrase


def attributions(sent: Sentence) -> list[tuple[int, Source]]:
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


def attributes(pos: int, source: Source, ev: Event) -> bool:
    speakers = ev.roles.get("speaker") if ev.kind == "Statement" else None
    if speakers and speakers[0].start >= source.start and speakers[0].end <= source.end:
        return False
    if pos == -1:  # "..., Reuters reported."
        return ev.trigger[0] < source.start
    return ev.trigger[0] > pos
