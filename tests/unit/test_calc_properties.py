"""Property tests for planner.calc (methodology §1, §2, §4, §10)."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given
from hypothesis import strategies as st

from planner.calc import Settings, TargetSpec, achievement, format_number, parse_number, rollup

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-6, max_value=1e9, allow_nan=False, allow_infinity=False)
settings = st.builds(Settings, lower_is_better_formula=st.sampled_from(["2T-R", "T/R"]))
cap = st.sampled_from([None, 100.0, 110.0, 120.0])


def _value(target, r, polarity, s=Settings()):
    return achievement(target, r, polarity, s).value


@given(positive, finite, finite)
def test_higher_is_better_is_monotonic(t, r1, r2):
    lo, hi = sorted((r1, r2))
    assert _value(TargetSpec(t), lo, "higher_is_better") <= _value(TargetSpec(t), hi, "higher_is_better")


@given(positive, st.floats(min_value=1e-6, max_value=1e9), st.floats(min_value=1e-6, max_value=1e9), settings)
def test_lower_is_better_is_antitonic(t, r1, r2, s):
    lo, hi = sorted((r1, r2))
    assert _value(TargetSpec(t), lo, "lower_is_better", s) >= _value(TargetSpec(t), hi, "lower_is_better", s)


@given(positive, positive, finite, finite)
def test_range_target_monotonic(a, b, r1, r2):
    lower, upper = sorted((a, b))
    spec = TargetSpec(lower=lower, upper=upper)
    lo, hi = sorted((r1, r2))
    assert _value(spec, lo, "higher_is_better") <= _value(spec, hi, "higher_is_better")
    assert _value(spec, lo, "lower_is_better") >= _value(spec, hi, "lower_is_better")


item = st.tuples(
    st.one_of(st.none(), st.floats(min_value=0, max_value=300)),
    st.floats(min_value=0.1, max_value=10),
)


@given(st.lists(item, max_size=12), cap)
def test_unreported_never_count_as_zero(items, c):
    s = Settings(rollup_cap=c)
    reported = [i for i in items if i[0] is not None]
    full, only = rollup(items, s), rollup(reported, s)
    assert full.value == only.value
    assert full.reported == only.reported == len(reported)
    assert full.unreported == len(items) - len(reported)


@given(st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=12), cap)
def test_rollup_lies_between_min_and_max(values, c):
    r = rollup([(v, 1) for v in values], Settings(rollup_cap=c))
    capped = [min(v, c) if c is not None else v for v in values]
    assert min(capped) - 1e-9 <= r.value <= max(capped) + 1e-9


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(min_value=0, max_value=4))
def test_format_then_parse_round_trips(x, decimals):
    expected = float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    assert parse_number(format_number(x, decimals)) == expected


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_round_trip_exactly(n):
    assert parse_number(format_number(n, 0)) == n
