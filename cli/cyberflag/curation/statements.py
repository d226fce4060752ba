"""Drafts of an article's statements (editorial rules 1, 2, 3, 11): direct quotes with their
attribution, partial quotes, reported speech and headline claims, each with the rule that drafted
it and a confidence a curator can sort by.

Every draft is anchored to spans of the body; nothing outside it is read except the headline. A
quotation with no speaker the text names (by name, pronoun or description) is not drafted: a
missing draft is a curator's ``quote`` away, a wrong speaker is worse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cyberflag.curation.entities import Entity
from cyberflag.curation.layout import Layout, Range, paragraphs, sentences
from cyberflag.curation.quotes import Quotation, find_quotations
from cyberflag.curation.speakers import VERB, VERB_TEXT, Speaker, Speakers

_TRAILING = re.compile(
    r"^[\s,.]*(?P<subject>.+?)\s+(?P<verb>" + VERB_TEXT + r")"
    r"(?:\s+(?:the\s+)?[A-Z][\w’'-]*(?:\s+[A-Z][\w’'-]*)*)?\s*[.,]?\s*$"  # told Police Professional
)
_INVERTED = re.compile(r"^[\s,.]*(?P<verb>said|added|continued)\s+(?P<subject>.+?)\s*[.,]?\s*$")
PASSIVE = re.compile(
    r"^(?P<addressee>[A-Z][^,]{0,60}?)\s+(?P<verb>(?:are|is|were|was|have been|has been)\s+"
    r"(?:being\s+)?(?:urged|asked|called on|told))\s+(?=to\b)"
)
"""An ask whose asker the sentence does not name ("Forces are being urged to …", rule 5)."""
ASKING = re.compile(
    r"\b(?:call(?:ed|s|ing)? (?:on|for)|urg(?:ed|es|ing)|request(?:ed|s)?|demand(?:ed|s)?)\b"
)
"""Verbs of asking: the article's asking organisation is who a passive ask is inferred to."""
_NEXT_CLAUSE = re.compile(
    r"(?:,\s*|\s+)(?:(?:and|but|although|while|whilst)\s+)?(?:(?:he|she|it|they)\s+)?"
    r"(?=" + VERB_TEXT + r"\b)"
)


@dataclass
class StatementDraft:
    """One drafted statement: kind (a ``cf:`` local name), speaker, the spans of its words, the
    reporting verb as written, the quoted fragments of a partial quote, the drafting rule and its
    confidence."""

    kind: str
    speaker: Speaker
    segments: list[Range]
    verb: str | None
    rule: str
    confidence: float
    fragments: list[Range] = field(default_factory=list)
    credits: Speaker | None = None  # a headline claim: whom the headline credits
    inference: tuple[str, list[Range]] | None = None  # rule 5: reasoning and evidence


def _trim(text: str, start: int, end: int) -> Range:
    """``text[start:end]`` without surrounding spaces, a leading "that" or a final stop."""
    while start < end and text[start] in " \t:":
        start += 1
    if text.startswith("that ", start):
        start += 5
    while end > start and text[end - 1] in " \t.;,":
        end -= 1
    return (start, end)


class _Drafter:
    def __init__(self, text: str, layout: Layout, speakers: Speakers) -> None:
        self.text = text
        self.layout = layout
        self.speakers = speakers
        self.drafts: list[StatementDraft] = []
        self.quotations = find_quotations(text, layout.body)
        self.seen: set[str] = set()
        self.passives: list[tuple[int, int, Range]] = []  # verb start, verb end, what is asked

    def _inside(self, at: int) -> bool:
        return any(s <= at < e for q in self.quotations for s, e in q.segments)

    def _attribution(self, words: str) -> tuple[Speaker | None, str | None]:
        """The speaker and verb of an attribution clause ("Peter Wanless, chief executive of the
        NSPCC, said", "he added", "said Dr Marsh")."""
        for pattern in (_TRAILING, _INVERTED):
            match = pattern.match(words)
            if match:
                speaker = self.speakers.resolve(match.group("subject"))
                if speaker is not None:
                    return speaker, match.group("verb")
        return None, None

    def reported(self, start: int, end: int, partial: Quotation | None) -> None:
        """Reported speech or a partial quote: a subject, a reporting verb, then what was said,
        one statement per reporting verb ("continued that … and he noted …")."""
        line = self.text[start:end]
        passive = PASSIVE.match(line) if partial is None else None
        if passive:
            self.passives.append(
                (
                    start + passive.start("verb"),
                    start + passive.end("verb"),
                    _trim(self.text, start + passive.end(), end),
                )
            )
            return
        for match in VERB.finditer(line):
            speaker = self.speakers.resolve(line[: match.start()])
            if speaker is not None:
                self._clauses(speaker, start + match.start(), end, partial)
                return
        trailing = re.match(r"^(?P<content>.+),\s+(?P<attribution>[^,]+)$", line.rstrip(" ."))
        if trailing and partial is None:
            speaker, verb = self._attribution(trailing.group("attribution"))
            if speaker is not None and verb is not None:
                span = _trim(self.text, start, start + trailing.end("content"))
                self.drafts.append(
                    StatementDraft(
                        "ReportedSpeech",
                        speaker,
                        [span],
                        verb,
                        "reported-trailing-attribution",
                        0.7,
                    )
                )

    def _clauses(self, speaker: Speaker, at: int, end: int, partial: Quotation | None) -> None:
        while True:
            verb = VERB.match(self.text, at)
            assert verb is not None
            rest = _NEXT_CLAUSE.search(self.text, verb.end(), end)
            stop = rest.start() if rest and rest.start() > verb.end() + 1 else end
            span = _trim(self.text, verb.end(), stop)
            if ":" in self.text[span[1] - 1 : span[1] + 1]:  # a list follows (rule 2: whole)
                span = (span[0], self._list_end(span[1] + 1))
            if span[1] > span[0]:
                fragments = [
                    s
                    for s in (partial.segments if partial else [])
                    if span[0] <= s[0] and s[1] <= span[1]
                ]
                kind = "PartialQuote" if fragments else "ReportedSpeech"
                rule = "partial-quote" if fragments else "reported-speech"
                self.drafts.append(
                    StatementDraft(
                        kind,
                        speaker,
                        [span],
                        verb.group("verb"),
                        rule,
                        0.75 if speaker.named else 0.6,
                        fragments,
                    )
                )
            if stop == end or rest is None:
                return
            at = rest.end()

    def _list_end(self, after: int) -> int:
        """The end of the list items (paragraphs starting "-", "•" or a number) after ``after``."""
        end = after
        for start, stop in paragraphs(self.text, after, self.layout.body[1]):
            if not re.match(r"(?:[-–•*·▪]|\d+[.)])\s", self.text[start:stop]):
                break
            end = stop
        return end

    def direct(self, quotation: Quotation, intro: str | None, sentence_end: int) -> None:
        """A quotation standing as the speaker's own words: attributed by its introduction
        ("X said:"), by the words between or after its stretches ("…,” he added."), or else
        continuing the previous statement's speaker."""
        speaker = verb = None
        rule, confidence = "direct-quote-introduced", 0.9
        if intro is not None:
            speaker, verb = self._attribution(intro)
        if speaker is None and quotation.between:
            speaker, verb = self._attribution(self.text[slice(*quotation.between[0])])
            rule = "direct-quote-attributed"
        if speaker is None:
            line_end = self.text.find("\n", quotation.closed)
            after = self.text[quotation.closed : line_end if line_end >= 0 else len(self.text)]
            after = re.split(r"(?<=[.!?])\s", after, maxsplit=1)[0]
            if after.strip(" .,"):
                speaker, verb = self._attribution(after)
                rule = "direct-quote-attributed"
        previous = self.drafts[-1] if self.drafts else None
        adjoining = previous is not None and self._adjoins(previous, quotation)
        if speaker is None and adjoining and previous is not None:
            speaker, rule, confidence = previous.speaker, "direct-quote-continued", 0.6
        if speaker is None:
            return
        if (
            adjoining
            and previous is not None
            and previous.kind == "DirectQuote"
            and previous.speaker.entity is speaker.entity
            and not speaker.named
        ):
            previous.segments.extend(quotation.segments)  # rule 1: one uninterrupted utterance
            return
        self.drafts.append(
            StatementDraft(
                "DirectQuote",
                speaker,
                list(quotation.segments),
                verb,
                rule,
                confidence if speaker.named else 0.7,
            )
        )

    def _adjoins(self, previous: StatementDraft, quotation: Quotation) -> bool:
        """Whether ``quotation`` opens the paragraph right after the one ``previous`` ends in."""
        last = previous.segments[-1][1]
        gap = self.text[last : quotation.opened]
        return (gap.count("\n") >= 1 and len(gap.strip(' \n\t.,”’"')) == 0) or (
            "\n" in gap
            and not any(
                p[0] > last and p[1] < quotation.opened
                for p in paragraphs(self.text, last, quotation.opened)
            )
        )

    def run(self) -> list[StatementDraft]:
        body = self.layout.body
        for p_start, p_end in paragraphs(self.text, *body):
            if self.layout.headline == (p_start, p_end):
                continue  # the headline is the publication's (rule 3), drafted above
            for start, end in sentences(self.text, p_start, p_end):
                if self._inside(start) or self.text[start:end] in self.seen:
                    continue  # in a quotation, or a standfirst printed again (rule 4)
                self.seen.add(self.text[start:end])
                opening = [q for q in self.quotations if start <= q.opened < end]
                if not opening:
                    self.reported(start, end, None)
                    continue
                quotation = opening[0]
                prefix = self.text[start : quotation.opened].rstrip()
                if not prefix:
                    self.direct(quotation, None, end)
                elif prefix.endswith(":"):
                    self.direct(quotation, prefix[:-1], end)
                else:
                    self.reported(start, end, quotation)
        self.infer_passives()
        body_drafts, self.drafts = self.drafts, []
        self.headline()  # after the body, whose names ("The X Council (XC)") it may abbreviate
        return self.drafts + body_drafts

    def infer_passives(self) -> None:
        """A passive ask ("Forces are being urged to …") is given, as an inference (rule 5), to
        the one organisation the article reports asking for something; with none, or several,
        it is not drafted."""
        asking = [
            d
            for d in self.drafts
            if d.speaker.entity.kind == "org" and d.verb and ASKING.search(d.verb)
        ]
        askers = {id(d.speaker.entity) for d in asking}
        if len(askers) != 1:
            return
        ask = asking[0]
        for verb_start, verb_end, span in self.passives:
            if span[1] <= span[0]:
                continue
            name = ask.speaker.entity.name
            reasoning = (
                f"The sentence does not say who {self.text[verb_start:verb_end]}; the "
                f"article reports one organisation asking for action, {name} "
                f"(“{ask.verb}”), so the ask is given to it."
            )
            self.drafts.append(
                StatementDraft(
                    "ReportedSpeech",
                    Speaker(ask.speaker.entity, name, named=False),
                    [span],
                    self.text[verb_start:verb_end],
                    "passive-ask-inferred",
                    0.4,
                    inference=(reasoning, [(verb_start, verb_end), ask.segments[0]]),
                )
            )
        self.drafts.sort(key=lambda d: d.segments[0][0])

    def headline(self) -> None:
        """A headline that credits someone ("X: …", "X warn(s) that …") is the publication's
        claim (rule 3), whether or not whom it credits is known; the claim's speaker (the author,
        else the publisher) is settled when the article is built."""
        if self.layout.headline is None:
            return
        start, end = self.layout.headline
        line = self.text[start:end]
        colon = re.match(r"^([^:]{2,40}):\s", line)
        verb = VERB.search(line)
        subject = colon.group(1) if colon else line[: verb.start()] if verb else ""
        if not subject.strip() or len(subject.split()) > 6:
            return
        credit = self.speakers.resolve(subject)
        publication = Speaker(Entity("org", ["the publication"]), "", named=False)
        self.drafts.append(StatementDraft("HeadlineClaim", credit or publication, [(start, end)],
                                          None, "headline-claim", 0.5 if credit else 0.4,
                                          credits=credit))


def draft_statements(text: str, layout: Layout, speakers: Speakers) -> list[StatementDraft]:
    """The drafted statements of a page's body and headline, in text order."""
    return _Drafter(text, layout, speakers).run()


__all__ = ["StatementDraft", "draft_statements"]
