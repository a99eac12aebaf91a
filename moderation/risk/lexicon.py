"""The lexicon detector: validated phrases (config/risk-lexicon/) read in context, each match explained.

For every phrase found it asks, in order: is it inside an idiom ("this homework is killing me": none)? inside
quotation marks (lyrics or a title: none; someone's words: concern)? negated ("i am not going to kill
myself": none)? about someone else ("my friend said she wants to die": concern)? in the past ("i tried to
years ago": concern)? Otherwise it carries its construct's tier. A first-person, present high-tier match
with a time, a means at hand, a plan or a goodbye in the message is imminent. Recall comes first at the high
tiers: when in doubt a rule keeps the tier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from moderation.risk.rules import MEANS, PhraseSource, RiskRules, default_rules
from moderation.risk.text import CLAUSE_END, SENTENCE_END, enclosing, normalise, quoted_spans, words
from rooms.risk import RiskAssessment, RiskMatch, RiskTier

NAME = "lexicon"
# A means at hand: "i have a knife", "bought a rope", "got my pills out" (the words just before the means).
POSSESSION = re.compile(
    r"(?<!\w)(?:have|has|got|bought|holding|hold|found|stockpiled|saved up|saved|collected|ordered)"
    r"(?: got| out)?(?: (?:a|an|the|some|my|enough|all|all my|all the|these|those|\d+))?\s*$"
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    tier: RiskTier
    match: RiskMatch
    present_first_person: bool  # counts towards imminence


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> tuple[int, int] | None:
    for span in spans:
        if span[0] < end and start < span[1]:
            return span
    return None


class LexiconDetector:
    """A RiskDetector over the lexicon and its rules (loaded once; `rules` for tests and other lexicons)."""

    __name__ = NAME

    def __init__(self, rules: RiskRules | None = None) -> None:
        self._rules = rules

    @property
    def rules(self) -> RiskRules:
        if self._rules is None:
            self._rules = default_rules()
        return self._rules

    async def __call__(self, text: str) -> RiskAssessment:
        return self.assess(text)

    def assess(self, text: str) -> RiskAssessment:
        rules = self.rules
        norm = normalise(text)
        # Most messages hold no phrase, no report and no sign of imminence: three scans say so, instead of one
        # per source and per pattern (what follows finds nothing there: an assessment of no risk).
        hits = []
        if rules.any_phrase.search(norm) is not None:
            hits = [(source, m) for source in rules.sources for m in source.pattern.finditer(norm)]
        reports = []
        if rules.any_reported.search(norm) is not None:
            reports = [m for pattern in rules.reported_patterns for m in pattern.finditer(norm)]
        if not hits and not reports and rules.imminence.search(norm) is None:
            return _assessment([])
        quotes = quoted_spans(norm)
        found: list[_Found] = []
        means: list[tuple[int, int, str]] = []
        if hits or reports:  # what a phrase is inside of matters only once one is found (most messages: none)
            found, means = self._phrases(norm, hits, reports, quotes)
        found = _longest(found)
        imminent = self._imminence(norm, found, means, quotes)
        if imminent is not None:
            found.append(imminent)
        return _assessment(found)

    def _phrases(
        self,
        norm: str,
        hits: list[tuple[PhraseSource, re.Match[str]]],
        reports: list[re.Match[str]],
        quotes: list[tuple[int, int]],
    ) -> tuple[list[_Found], list[tuple[int, int, str]]]:
        """Each phrase found, judged in its context (idioms, quotation, negation, subject, tense), and the means."""
        rules = self.rules
        idioms = [(m.start(), m.end()) for p in rules.idioms for m in p.finditer(norm)]
        lyrics = any(cue in norm for cue in rules.lyric_cues)
        found: list[_Found] = []
        means: list[tuple[int, int, str]] = []
        for source, m in hits:
            phrase = m.group(0)
            if source.tier_name == MEANS:
                means.append((m.start(), m.end(), phrase))
                continue
            found.append(
                self._judge(
                    norm,
                    m.start(),
                    m.end(),
                    source.tiers[phrase],
                    source.construct,
                    source.why,
                    idioms,
                    quotes,
                    lyrics,
                )
            )
        for m in reports:
            judged = self._judge(
                norm,
                m.start(),
                m.end(),
                RiskTier.CONCERN,
                "Reported",
                rules.reported_why,
                idioms,
                quotes,
                lyrics,
                reported=True,
            )
            found.append(judged)
        return found, means

    def _judge(
        self,
        norm: str,
        start: int,
        end: int,
        tier: RiskTier,
        construct: str,
        why: str,
        idioms: list[tuple[int, int]],
        quotes: list[tuple[int, int]],
        lyrics: bool,
        *,
        reported: bool = False,
    ) -> _Found:
        phrase = norm[start:end]

        def result(new_tier: RiskTier, reason: str, present: bool = False) -> _Found:
            return _Found(start, end, new_tier, RiskMatch(phrase, construct, reason), present)

        if tier == RiskTier.NONE:
            return result(RiskTier.NONE, f"not counted: {why}, but too ambiguous on its own")
        idiom = _overlaps(idioms, start, end)
        if idiom is not None:
            return result(RiskTier.NONE, f"not counted: an idiom ({norm[idiom[0] : idiom[1]]!r})")
        if _overlaps(quotes, start, end) is not None:
            if lyrics:
                return result(RiskTier.NONE, f"not counted: {why}, quoted as lyrics or a title")
            return result(min(tier, RiskTier.CONCERN), f"{why}, in quotation marks (someone's words)")
        cue = self._negation(norm, start)
        if cue is not None:
            return result(RiskTier.NONE, f"not counted: {why}, negated ({cue!r})")
        if reported or self._reported(norm, start):
            if lyrics:
                return result(RiskTier.NONE, f"not counted: {why}, quoted from a song or a title")
            if reported:
                return result(tier, f"{why}: {phrase!r}")
            return result(min(tier, RiskTier.CONCERN), f"{why}, said about someone else")
        clause_start, clause_end = enclosing(norm, start, CLAUSE_END)
        clause = norm[clause_start:clause_end]
        rest = norm[clause_start:start] + " " + norm[end:clause_end]  # a present cue outside the matched words
        if self.rules.past.search(clause) and not self.rules.present.search(rest):
            return result(min(tier, RiskTier.CONCERN), f"{why}, in the past")
        return result(tier, f"{why}, in the first person and present", present=tier >= RiskTier.HIGH)

    def _negation(self, norm: str, start: int) -> str | None:
        """A negation cue among the few words before `start`, in its clause, before any terminator."""
        clause_start, _ = enclosing(norm, start, CLAUSE_END)
        before = norm[clause_start:start]
        before = self.rules.pseudo_negations.sub(" ", before)
        tokens = words(before)[-self.rules.negation_window :]
        for token in reversed(tokens):
            if token in self.rules.negation_terminators:
                return None
            if token in self.rules.negation_cues:
                return token
        return None

    def _reported(self, norm: str, start: int) -> bool:
        """Someone else is the subject: "my friend said ...", "she keeps saying ...", with no "i" after."""
        sentence_start, _ = enclosing(norm, start, SENTENCE_END)
        before = norm[sentence_start:start]
        tokens = words(before)
        last_subject = max((i for i, t in enumerate(tokens) if t in self.rules.reported_subjects), default=-1)
        if last_subject < 0:
            return False
        after = tokens[last_subject + 1 :]
        if any(t in {"i", "me", "my", "myself", "im"} for t in after):
            return False
        return self.rules.reported_verbs.search(" ".join(after)) is not None or not after

    def _imminence(
        self, norm: str, found: list[_Found], means: list[tuple[int, int, str]], quotes: list[tuple[int, int]]
    ) -> _Found | None:
        rules = self.rules
        signs = [
            m
            for pattern in (rules.imminence, rules.imminence_time)
            for m in pattern.finditer(norm)
            if _overlaps(quotes, m.start(), m.end()) is None and self._negation(norm, m.start()) is None
        ]
        present = [f for f in found if f.present_first_person]
        if not present:
            distinct = {m.group(0): m for m in signs if m.re is rules.imminence}
            if len(distinct) < 2:
                return None
            first, second = list(distinct.values())[:2]
            why = f"two signs of a goodbye or a plan together (with {second.group(0)!r})"
            return _Found(
                first.start(), first.end(), RiskTier.IMMINENT, RiskMatch(first.group(0), "Imminence", why), True
            )
        if signs:
            m = signs[0]
            return _Found(
                m.start(),
                m.end(),
                RiskTier.IMMINENT,
                RiskMatch(m.group(0), "Imminence", f"{rules.imminence_why}, with {present[0].match.phrase!r}"),
                True,
            )
        for start, end, phrase in means:
            if POSSESSION.search(norm[max(0, start - 40) : start]) and self._negation(norm, start) is None:
                return _Found(
                    start,
                    end,
                    RiskTier.IMMINENT,
                    RiskMatch(
                        phrase, "Lethal means for suicide", f"a lethal means at hand, with {present[0].match.phrase!r}"
                    ),
                    True,
                )
        return None


def _longest(found: list[_Found]) -> list[_Found]:
    """Words matched by several phrases are judged once, by the longest ("i want to die" over "want to die"):
    its context decides, and a shorter phrase inside it cannot undo that."""
    return [
        f
        for f in found
        if not any(
            o is not f and o.start <= f.start and f.end <= o.end and (o.end - o.start) > (f.end - f.start)
            for o in found
        )
    ]


def _assessment(found: list[_Found]) -> RiskAssessment:
    found.sort(key=lambda f: (-f.tier, f.start))
    matches = tuple(dict.fromkeys(f.match for f in found))
    if not found or found[0].tier == RiskTier.NONE:
        if matches:
            return RiskAssessment(RiskTier.NONE, matches, NAME, f"None: {matches[0].phrase!r} is {matches[0].why}.")
        return RiskAssessment(RiskTier.NONE, (), NAME, "None: no phrase of the risk lexicon matched.")
    top = found[0]
    explanation = f"{top.tier.name.capitalize()}: {top.match.phrase!r} ({top.match.why})."
    if top.match.construct == "Imminence" or top.match.construct.endswith("means for suicide"):
        explanation = f"Imminent: {top.match.phrase!r}: {top.match.why}."
    return RiskAssessment(top.tier, matches, NAME, explanation)
