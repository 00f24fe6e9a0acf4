"""The packing that orders tests over xdist workers (tests/schedule.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tests.schedule import DEFAULT_TEST_COST, pack


def test_long_modules_are_spread_and_each_bin_starts_with_its_longest():
    modules = {"kill": 1, "faults": 4, "scheduled": 12, "cli": 75, "layers": 186, "dates": 82}
    costs = {"kill": 52.0, "faults": 30.0, "scheduled": 60.0, "cli": 20.0}
    first, second = pack(modules, costs, 2)
    # LPT: scheduled (60) and kill (52) open the two bins; faults joins the lighter.
    assert {first[0], second[0]} == {"scheduled", "kill"}
    loads = [sum(costs.get(m, DEFAULT_TEST_COST * modules[m]) for m in b) for b in (first, second)]
    assert max(loads) - min(loads) <= 30.0


@given(
    st.dictionaries(
        st.text("abcdefgh", min_size=1, max_size=4),
        st.integers(min_value=1, max_value=50),
        min_size=1,
        max_size=12,
    ),
    st.integers(min_value=2, max_value=4),
)
def test_every_module_is_placed_once(modules, bins):
    packed = pack(modules, {}, bins)
    placed = [m for b in packed for m in b]
    assert sorted(placed) == sorted(modules)
    assert len(packed) == bins
