"""The sample of the slow tests' cases (tests/sampling.py): every covered value runs each day, the
sample is the same for a seed and changes with it, and a full run is asked for in one way only."""

from __future__ import annotations

import datetime
from types import SimpleNamespace
from typing import Any

import pytest

import sampling

ENGINES = ("oxigraph", "rdflib", "auto")
EXAMPLES = [f"example-{n:02d}" for n in range(30)]


def cases(**params: Any) -> list[Any]:
    """Cases of one parametrized test, as pytest's items look to the sampler: an id and the
    parameters (``params`` maps a name to its values; every combination is a case)."""
    combos: list[dict[str, Any]] = [{}]
    for name, values in params.items():
        combos = [{**combo, name: value} for combo in combos for value in values]
    return [
        SimpleNamespace(
            nodeid="tests/test_x.py::test_y[" + "-".join(str(v) for v in combo.values()) + "]",
            callspec=SimpleNamespace(params=combo),
        )
        for combo in combos
    ]


def test_keep_cases_run_and_every_covered_value_with_them() -> None:
    items = cases(example=EXAMPLES, engine=ENGINES)
    for seed in ("2026-12-02", "2026-12-03", "x"):
        chosen = sampling.pick(items, seed, keep=1, cover=("engine",))
        engines = {i.callspec.params["engine"] for i in items if i.nodeid in chosen}
        assert engines == set(ENGINES)
        assert len(chosen) <= len(ENGINES)


def test_set_valued_parameters_cover_each_member() -> None:
    breaks = [frozenset({"shapes", "anchoring"}), frozenset({"arithmetic"}), frozenset(),
              frozenset({"syntax", "shapes"}), frozenset({"anchoring"})]
    items = [
        SimpleNamespace(nodeid=f"t.py::t[{n}]", callspec=SimpleNamespace(params={"breaks": b}))
        for n, b in enumerate(breaks)
    ]
    chosen = sampling.pick(items, "seed", keep=1, cover=("breaks",))
    layers = set().union(*(i.callspec.params["breaks"] for i in items if i.nodeid in chosen))
    assert layers == {"shapes", "anchoring", "arithmetic", "syntax"}


def test_the_sample_is_fixed_by_the_seed() -> None:
    items = cases(example=EXAMPLES)
    first = sampling.pick(items, "2026-12-02", keep=5, cover=())
    assert len(first) == 5
    assert sampling.pick(list(reversed(items)), "2026-12-02", keep=5, cover=()) == first
    assert sampling.pick(items, "2026-12-03", keep=5, cover=()) != first
    assert sampling.pick(items, "a failing run's seed", keep=5, cover=()) == sampling.pick(
        items, "a failing run's seed", keep=5, cover=()
    )


@pytest.mark.parametrize("keep", [1, 4, 7, 30])
def test_every_case_runs_within_cases_over_keep_days(keep: int) -> None:
    items = cases(example=EXAMPLES)
    days = -(-len(items) // keep)  # ceil
    start = datetime.date(2026, 12, 30)  # across a year's end
    seen = [
        sampling.pick(items, (start + datetime.timedelta(d)).isoformat(), keep=keep, cover=())
        for d in range(days)
    ]
    assert set().union(*seen) == {i.nodeid for i in items}
    assert all(len(today) == keep for today in seen)


def test_a_small_test_runs_whole() -> None:
    items = cases(example=EXAMPLES[:3])
    assert sampling.pick(items, "s", keep=3, cover=()) == {i.nodeid for i in items}


def test_a_covered_parameter_must_exist() -> None:
    with pytest.raises(pytest.UsageError, match="no parameter 'engine'"):
        sampling.pick(cases(example=EXAMPLES), "s", keep=1, cover=("engine",))


def test_the_environment_chooses_all_or_a_seeded_sample() -> None:
    everything = sampling.choose({sampling.ALL_ENV: "all", sampling.SEED_ENV: "7"})
    assert (everything.everything, everything.seed) == (True, "7")
    sample = sampling.choose({})
    assert not sample.everything
    assert sample.seed == datetime.datetime.now(datetime.UTC).date().isoformat()
    assert "CYBERFLAG_TEST_SEED=" + sample.seed in sampling.header(sample)
    with pytest.raises(pytest.UsageError, match="'all' or 'sample'"):
        sampling.choose({sampling.ALL_ENV: "al"})


def test_cases_named_on_the_command_line() -> None:
    named = sampling.named_cases(["tests", "tests/test_x.py::test_y[a]", "test_z.py::t[b]"])
    assert sampling.is_named("tests/test_x.py::test_y[a]", named)
    assert sampling.is_named("tests/test_z.py::t[b]", named)  # pytest run inside tests/
    assert not sampling.is_named("tests/test_x.py::test_y[b]", named)
    assert sampling.is_named("tests/test_x.py::test_y[a]", {"/repo/tests/test_x.py::test_y[a]"})
