"""A risk detector that learns: a small scikit-learn model trained from data Alongside ships.

Training data (config/): the chat lines in config/risk-model/chat_lines.tsv (written for Alongside), every
phrase of the Suicide Risk Lexicon labelled by the tier tiers.toml gives its construct (the other 40 constructs,
depression, anxiety, loneliness, money..., as "none", so that talk of them alone is not read as risk), and
tiers.toml's own additions. Nothing from the Reddit posts bench/risk_eval.py measures on.

Model: word 1-3-grams (TF-IDF over the normalised text, moderation/risk/text.py, with negated words marked)
into a three-class logistic regression (none, concern, high; fitted by stochastic gradient descent with a
fixed seed: under a second). A message is read sentence by sentence and its riskiest sentence counts, so a
long message is not diluted. It never says "imminent": that needs the lexicon's imminence rules.

It trains at first use in each process (a second or two, off the event loop) and keeps the model in memory:
there is no artefact to ship, cache or trust, and the same data always gives the same model.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from moderation.risk.rules import LEXICON_DIR, LEXICON_FILE, MEANS, TIERS_FILE, default_rules
from moderation.risk.text import CLAUSE_END, SENTENCE_END, normalise
from rooms.risk import RiskAssessment, RiskMatch, RiskTier

NAME = "learned"
MODEL_DIR = Path(__file__).resolve().parents[2] / "config" / "risk-model"
LINES_FILE = "chat_lines.tsv"
CLASSES = ("none", "concern", "high")
HIGH_AT = 0.5  # probability of "high" from which a sentence is high
CONCERN_AT = 0.8  # probability of "concern" or "high" from which a sentence is a concern
LINE_WEIGHT = 3.0  # a written chat line counts as much as three lexicon phrases
# Every lexicon phrase is also taught inside these carriers, the same ones for every class, so that the
# first person and the shape of a chat line carry no class: peer support is first-person talk throughout,
# and only what is said about oneself should weigh.
CARRIERS = ("{}", "i keep thinking about {}", "honestly {} lately", "i have been dealing with {} and i do not know")
# And these teach the language around the words, with the tier they leave (none for a denial, concern for
# someone else's words or the past), the same way for every phrase.
CONTEXT_CARRIERS = (
    ("i am not going to {}", "none"),
    ("i would never {}", "none"),
    ("my friend said {}", "concern"),
    ("she keeps telling me {}", "concern"),
)
# Function words: never offered as the words that explain a tier.
# fmt: off
FUNCTION_WORDS = frozenset({
    "a", "an", "the", "i", "me", "my", "myself", "you", "your", "it", "its", "to", "of", "and", "or", "but", "so",
    "in", "on", "at", "for", "with", "about", "is", "am", "are", "was", "were", "be", "been", "have", "has", "had",
    "do", "does", "did", "not", "no", "this", "that", "just", "really", "like", "feel", "feeling", "honestly",
    "lately",
})
# fmt: on


@dataclass(frozen=True)
class TrainingSet:
    texts: list[str]
    labels: list[str]
    weights: list[float]


def training_set(lexicon_dir: Path = LEXICON_DIR, model_dir: Path = MODEL_DIR) -> TrainingSet:
    texts: list[str] = []
    labels: list[str] = []
    weights: list[float] = []

    def add(text: str, label: str, weight: float) -> None:
        texts.append(mark_negation(normalise(text)))
        labels.append("high" if label == "imminent" else label)
        weights.append(weight)

    for number, line in enumerate((model_dir / LINES_FILE).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label not in (*CLASSES, "imminent") or not text.strip():
            raise ValueError(f"{LINES_FILE} line {number}: expected tier<TAB>text")
        add(text, label, LINE_WEIGHT)

    rules = default_rules() if lexicon_dir == LEXICON_DIR else None
    lexicon = json.loads((lexicon_dir / LEXICON_FILE).read_text(encoding="utf-8"))["constructs"]
    config = tomllib.loads((lexicon_dir / TIERS_FILE).read_text(encoding="utf-8"))
    tiered = {s.construct: s for s in rules.sources} if rules else {}
    for construct, spec in lexicon.items():
        source = tiered.get(construct)
        for token in spec["tokens"]:
            phrase = normalise(token)
            if source is None or source.tier_name == MEANS:
                label = "none"
            else:
                tier = source.tiers.get(phrase)
                label = "none" if tier is None else CLASSES[min(int(tier), 2)]
            for carrier in CARRIERS:
                add(carrier.format(phrase), label, 1.0 / len(CARRIERS))
            if label == "high":
                for carrier, context_label in CONTEXT_CARRIERS:
                    add(carrier.format(phrase), context_label, 1.0 / len(CARRIERS))
    for name, spec in config.get("additions", {}).items():
        for phrase in spec["phrases"]:
            for carrier in CARRIERS:
                add(carrier.format(phrase), name, 1.0 / len(CARRIERS))
    return TrainingSet(texts, labels, weights)


def mark_negation(norm: str) -> str:
    """Words after a negation, to the end of their clause, become "neg_word" (Das & Chen 2001; Pang et al.
    2002): "not going to kill myself" teaches and reads as something else than "going to kill myself"."""
    rules = default_rules()
    out: list[str] = []
    for clause in CLAUSE_END.split(rules.pseudo_negations.sub(lambda m: m.group(0).replace(" ", "_"), norm)):
        negated = False
        for word in clause.split():
            if word in rules.negation_terminators:
                negated = False
            out.append(f"neg_{word}" if negated else word)
            if word in rules.negation_cues:
                negated = True
        out.append(".")
    return " ".join(out)


@functools.cache
def _trained(lexicon_dir: Path, model_dir: Path) -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import Pipeline

    data = training_set(lexicon_dir, model_dir)
    model = Pipeline(
        [
            ("words", TfidfVectorizer(ngram_range=(1, 3), token_pattern=r"[\w']+", sublinear_tf=True)),  # noqa: S106
            (
                "classes",
                SGDClassifier(loss="log_loss", alpha=1e-5, class_weight="balanced", max_iter=30, random_state=0),
            ),
        ]
    )
    model.fit(data.texts, data.labels, classes__sample_weight=data.weights)
    return model


class LearnedDetector:
    """A RiskDetector: the riskiest sentence's class probabilities decide; its heaviest words explain."""

    __name__ = NAME

    def __init__(self, lexicon_dir: Path = LEXICON_DIR, model_dir: Path = MODEL_DIR) -> None:
        self._dirs = (lexicon_dir, model_dir)
        self._lock = threading.Lock()

    def train(self) -> Any:
        with self._lock:
            return _trained(*self._dirs)

    async def __call__(self, text: str) -> RiskAssessment:
        await asyncio.to_thread(self.train)  # once per process; later calls return at once
        return self.assess(text)

    def assess(self, text: str) -> RiskAssessment:
        model = self.train()
        norm = normalise(text)
        sentences = [mark_negation(s.strip()) for s in SENTENCE_END.split(norm) if s.strip()]
        if not sentences:
            return RiskAssessment(RiskTier.NONE, (), NAME, "None: nothing to read.")
        classes = list(model.classes_)
        probabilities = model.predict_proba(sentences)
        high = probabilities[:, classes.index("high")]
        concern = probabilities[:, classes.index("concern")] + high
        worst = int(high.argmax()) if high.max() >= HIGH_AT else int(concern.argmax())
        p_high, p_concern = float(high[worst]), float(concern[worst])
        if p_high >= HIGH_AT:
            tier, target = RiskTier.HIGH, "high"
        elif p_concern >= CONCERN_AT:
            tier, target = RiskTier.CONCERN, "concern"
        else:
            return RiskAssessment(RiskTier.NONE, (), NAME, f"None: the learned model gives {p_high:.0%} for high risk.")
        matches = self._heaviest(model, sentences[worst], target)
        words = ", ".join(repr(m.phrase) for m in matches) or "none in particular"
        explanation = (
            f"{tier.name.capitalize()}: the learned model gives {p_high:.0%} for high risk "
            f"({p_concern:.0%} for concern or high); the words that weigh most: {words}."
        )
        return RiskAssessment(tier, matches, NAME, explanation)

    @staticmethod
    def _heaviest(model: Any, sentence: str, target: str, n: int = 3) -> tuple[RiskMatch, ...]:
        vectoriser, classifier = model.named_steps["words"], model.named_steps["classes"]
        row = vectoriser.transform([sentence]).tocoo()
        classes = list(classifier.classes_)
        weights = classifier.coef_[classes.index(target)] - classifier.coef_[classes.index("none")]
        names = vectoriser.get_feature_names_out()
        pairs = ((float(v * weights[c]), str(names[c])) for c, v in zip(row.col, row.data, strict=True))
        scored = sorted((p for p in pairs if not set(p[1].split()) <= FUNCTION_WORDS), reverse=True)
        return tuple(
            RiskMatch(phrase, "learned model", f"weighs towards {target} ({weight:+.2f})")
            for weight, phrase in scored[:n]
            if weight > 0
        )
