"""The A/B two-proportion z-test against statsmodels, and sample sizes against REFERENCE §5."""

import pytest
from statsmodels.stats.proportion import proportions_ztest

from journey.measure.stats import (
    VariantOutcome,
    compare_variants,
    sample_size_per_variant,
    two_proportion_ztest,
)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [
        pytest.param(26, 673, 58, 642, id="clear-winner"),
        pytest.param(45, 1000, 52, 1000, id="no-difference"),
        pytest.param(300, 1200, 360, 1200, id="25-vs-30-percent"),
        pytest.param(1, 30, 0, 25, id="tiny-samples"),
        pytest.param(500, 10_000, 420, 9_500, id="unequal-sizes"),
        pytest.param(0, 100, 5, 100, id="zero-clicks-on-one-side"),
    ],
)
def test_z_and_p_value_match_statsmodels_proportions_ztest(x1, n1, x2, n2):
    expected_z, expected_p = proportions_ztest([x1, x2], [n1, n2])
    result = two_proportion_ztest(x1, n1, x2, n2)
    assert result.z == pytest.approx(expected_z, rel=1e-9)
    assert result.p_value == pytest.approx(expected_p, rel=1e-9, abs=1e-15)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [
        pytest.param(0, 0, 5, 100, id="nothing-delivered"),
        pytest.param(0, 100, 0, 100, id="no-clicks-anywhere"),
        pytest.param(100, 100, 50, 50, id="everyone-clicked"),
    ],
)
def test_z_test_is_undefined_without_variance(x1, n1, x2, n2):
    assert two_proportion_ztest(x1, n1, x2, n2) is None


@pytest.mark.parametrize(
    ("p1", "p2", "reference"),
    [
        pytest.param(0.20, 0.22, 6_500, id="20-to-22-percent"),
        pytest.param(0.25, 0.30, 1_250, id="25-to-30-percent"),
        pytest.param(0.020, 0.025, 13_800, id="2.0-to-2.5-percent"),
    ],
)
def test_sample_size_per_variant_matches_the_reference_figures(p1, p2, reference):
    assert sample_size_per_variant(p1, p2) == pytest.approx(reference, rel=0.01)
    assert sample_size_per_variant(p2, p1) == sample_size_per_variant(p1, p2)


def test_no_sample_size_for_equal_rates():
    assert sample_size_per_variant(0.1, 0.1) is None


def test_a_significant_difference_names_the_winner():
    verdict = compare_variants([VariantOutcome("A", 26, 673), VariantOutcome("B", 58, 642)])
    assert verdict.winner == "B"
    assert verdict.test.p_value < 0.05
    assert verdict.more_needed_per_variant is None
    assert "B wins" in verdict.message


def test_no_winner_below_significance_says_how_many_more_recipients_are_needed():
    # 25 % vs 30 % on 400 each: p ≈ 0.11; about 1,250 per variant are needed, so ≈ 850 more.
    verdict = compare_variants([VariantOutcome("A", 100, 400), VariantOutcome("B", 120, 400)])
    assert verdict.winner is None
    assert verdict.test.p_value > 0.05
    assert verdict.more_needed_per_variant == pytest.approx(1_250 - 400, rel=0.02)
    assert "Not enough data yet" in verdict.message
    assert "more per variant" in verdict.message


def test_equal_rates_say_keep_testing_without_a_number():
    verdict = compare_variants([VariantOutcome("A", 10, 200), VariantOutcome("B", 10, 200)])
    assert verdict.winner is None
    assert verdict.more_needed_per_variant is None
    assert "Not enough data yet" in verdict.message


def test_one_variant_with_data_is_not_a_test():
    assert compare_variants([VariantOutcome("A", 10, 100), VariantOutcome("B", 0, 0)]) is None


def test_with_three_variants_the_best_is_compared_with_the_runner_up():
    verdict = compare_variants(
        [VariantOutcome("A", 20, 1000), VariantOutcome("B", 90, 1000), VariantOutcome("C", 85, 1000)]
    )
    assert verdict.best.label == "B"
    assert verdict.runner_up.label == "C"
    assert verdict.winner is None


def test_p_values_are_never_shown_as_zero():
    from journey.measure.stats import format_p

    assert format_p(0.0000001) == "p < 0.001"
    assert format_p(0.0123) == "p = 0.012"
