"""A/B tests: the pooled two-proportion z-test and the sample size each variant needs.

As ../shared/REFERENCE.md §5: pooled p = (x1+x2)/(n1+n2); z = (p1−p2)/√(p(1−p)(1/n1+1/n2));
two-sided p-value. Matches statsmodels `proportions_ztest(count, nobs)` (no continuity
correction, unlike scipy's chi2_contingency). Sample size per arm at α = 0.05, power 0.8:
n = (z_{1−α/2}·√(2·p̄(1−p̄)) + z_{1−β}·√(p1(1−p1) + p2(1−p2)))² / (p1 − p2)².
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist

from journey.core.text import format_rate

ALPHA = 0.05
POWER = 0.8


@dataclass(frozen=True)
class ZTest:
    z: float
    p_value: float


def two_proportion_ztest(x1: int, n1: int, x2: int, n2: int) -> ZTest | None:
    """Pooled two-sided z-test of x1/n1 against x2/n2; None when it is undefined (no trials, or 0 % or 100 % everywhere)."""
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return None
    z = (x1 / n1 - x2 / n2) / math.sqrt(variance)
    return ZTest(z=z, p_value=math.erfc(abs(z) / math.sqrt(2)))


def sample_size_per_variant(
    p1: float, p2: float, *, alpha: float = ALPHA, power: float = POWER
) -> int | None:
    """Recipients each variant needs to tell p1 from p2 (two-sided test); None when p1 == p2."""
    if p1 == p2 or not (0 <= p1 <= 1 and 0 <= p2 <= 1):
        return None
    normal = NormalDist()
    z_alpha = normal.inv_cdf(1 - alpha / 2)
    z_beta = normal.inv_cdf(power)
    mean = (p1 + p2) / 2
    numerator = z_alpha * math.sqrt(2 * mean * (1 - mean)) + z_beta * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(numerator**2 / (p1 - p2) ** 2)


@dataclass(frozen=True)
class VariantOutcome:
    label: str
    successes: int  # clicks
    trials: int  # delivered

    @property
    def rate(self) -> float | None:
        return self.successes / self.trials if self.trials else None


@dataclass(frozen=True)
class ABVerdict:
    """The outcome of comparing the two best variants on clicks ÷ delivered."""

    best: VariantOutcome
    runner_up: VariantOutcome
    test: ZTest | None
    winner: str | None  # a label only when p < α
    more_needed_per_variant: int | None  # recipients each variant still needs, when there is no winner
    message: str


def format_p(p_value: float) -> str:
    """ "p = 0.012", or "p < 0.001" rather than a misleading "p = 0.000"."""
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.3f}"


WHY_CLICKS = (
    "Judged on clicks ÷ delivered, not opens: Apple Mail Privacy Protection pre-loads images, "
    "so opens are inflated by machine opens while clicks are not."
)


def compare_variants(variants: list[VariantOutcome], *, alpha: float = ALPHA) -> ABVerdict | None:
    """The best variant against the runner-up (by click rate); None with fewer than two variants with data."""
    ranked = sorted((v for v in variants if v.trials > 0), key=lambda v: (v.rate, v.trials), reverse=True)
    if len(ranked) < 2:
        return None
    best, runner_up = ranked[0], ranked[1]
    test = two_proportion_ztest(best.successes, best.trials, runner_up.successes, runner_up.trials)
    if test is not None and test.p_value < alpha and best.rate != runner_up.rate:
        return ABVerdict(
            best,
            runner_up,
            test,
            best.label,
            None,
            f"{best.label} wins: click rate {format_rate(best.rate)} vs {format_rate(runner_up.rate)} "
            f"({format_p(test.p_value)}, significant at 95 %).",
        )
    needed = sample_size_per_variant(best.rate, runner_up.rate, alpha=alpha)
    have = min(best.trials, runner_up.trials)
    p_text = format_p(test.p_value) if test else "no test possible yet"
    if needed is None:
        more = None
        message = (
            f"Not enough data yet: both variants click at {format_rate(best.rate)} ({p_text}). "
            "Keep the test running; no difference has shown up."
        )
    elif needed <= have:
        more = 0
        message = (
            f"No winner ({p_text}): each variant already has about the {needed:,} recipients needed to "
            f"see a {format_rate(best.rate)} vs {format_rate(runner_up.rate)} gap, so the difference is likely chance."
        )
    else:
        more = needed - have
        message = (
            f"Not enough data yet ({p_text}): to confirm a {format_rate(best.rate)} vs {format_rate(runner_up.rate)} click rate, "
            f"each variant needs about {needed:,} recipients — roughly {more:,} more per variant."
        )
    return ABVerdict(best, runner_up, test, None, more, message)
