"""A page's first rows of a long grouping are the first rows of the full, sorted list: the
orders report names and sorts only the teams that can rank among them (``_leading``)."""

import importlib
import random

import pytest

# The module, not the function of the same name that reports.selectors exports.
orders_report = importlib.import_module("reports.selectors.orders")


@pytest.mark.parametrize("seed", range(20))
def test_leading_groups_sort_first_as_the_whole_list_does(seed):
    rng = random.Random(seed)
    # Few distinct counts and names: ties on the counts at the page's edge, and on all three.
    tallies = {
        key: orders_report._Tally(received=rng.randint(0, 4), completed=rng.randint(0, 2))
        for key in rng.sample(range(1, 500), 60)
    }
    names = {key: rng.choice("甲乙丙") for key in tallies}

    def order(groups):
        return sorted(groups, key=lambda k: (-tallies[k].received, -tallies[k].completed, names[k]))

    for limit in (1, 5, 17, 59, 60, 61):
        leading = orders_report._leading(tallies, limit)
        assert order(leading)[:limit] == order(tallies)[:limit], limit
        assert list(leading) == [k for k in tallies if k in leading]  # the original order kept
