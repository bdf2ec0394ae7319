"""Memoised checks: a result is reused only for the same function and the same inputs, value by value."""
from __future__ import annotations

import pandas as pd
import pytest

from pricewar import memo, renders, sensitivity
from pricewar.verdicts import PARTLY, SUPPORTED, Verdict


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PRICEWAR_RENDER_CACHE", str(tmp_path / "store"))
    monkeypatch.setenv("PRICEWAR_CODE_HASH", "code-1")
    return tmp_path / "store"


def total(frame, scale=1.0):
    return float(frame["price"].sum()) * scale


@pytest.fixture
def computed(monkeypatch):
    """The names of the results computed (and stored) rather than reused. Counted outside the function: anything
    the function itself could see is part of its key."""
    stored = []
    keep = renders.store_bytes
    monkeypatch.setattr(renders, "store_bytes", lambda name, *a: (stored.append(name), keep(name, *a)))
    return stored


def prices(values=(1.0, 2.0), column="price", index=None):
    return pd.DataFrame({column: list(values), "source_url": ["https://a.example/1", "https://b.example/2"]},
                        index=index)


def test_the_same_inputs_reuse_the_result(store, computed):
    assert memo.call(total, prices()) == 3.0
    assert memo.call(total, prices().copy()) != memo.call(total, prices(), scale=2.0)
    assert memo.call(total, prices()) == 3.0
    assert len(computed) == 2, "an equal frame built anew must be a hit; another scale a miss"


@pytest.mark.parametrize("other", [
    prices((1.0, 2.5)),                       # a value
    prices((1.0, 2.0), column="cost"),        # a column name (the function then fails: it must run, not be reused)
    prices((1.0, 2.0), index=[5, 6]),         # the index
    prices((1, 2)),                           # the type: integers where there were floats
    prices(("1.0", "2.0")),                   # the type: text where there were numbers
])
def test_any_difference_in_a_frame_is_a_miss(store, other):
    assert memo.key("c", len, (prices(),), {}) != memo.key("c", len, (other,), {})


def test_closures_globals_defaults_and_code_are_part_of_the_key(store):
    def make(threshold):
        return lambda frame: frame["price"].max() > threshold
    assert memo.key("c", make(1), (prices(),), {}) == memo.key("c", make(1), (prices(),), {})
    assert memo.key("c", make(1), (prices(),), {}) != memo.key("c", make(5), (prices(),), {})

    space = {"LIMIT": 2}
    exec("def rule(frame):\n    return frame['price'].max() > LIMIT", space)  # a notebook's function
    before = memo.key("c", space["rule"], (prices(),), {})
    space["LIMIT"] = 3
    assert memo.key("c", space["rule"], (prices(),), {}) != before, "a global the function reads changed"

    def a(frame, k=1):
        return k

    def b(frame, k=2):
        return k
    assert memo.key("c", a, (prices(),), {}) != memo.key("c", b, (prices(),), {})
    assert memo.key("code-1", a, (prices(),), {}) != memo.key("code-2", a, (prices(),), {}), "the package's code"


class Opaque:
    """An object whose state is not in a __dict__: the fingerprint cannot see it."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def test_an_object_it_cannot_read_is_never_reused(store):
    with pytest.raises(memo.Unreadable):
        memo.key("c", len, (Opaque(1),), {})
    assert memo.call(lambda x: x.value, Opaque(1)) == 1
    assert memo.call(lambda x: x.value, Opaque(2)) == 2
    assert not store.exists() or not any(store.iterdir())


def test_outside_the_build_nothing_is_kept(tmp_path, monkeypatch):
    monkeypatch.delenv("PRICEWAR_RENDER_CACHE", raising=False)
    monkeypatch.delenv("PRICEWAR_CODE_HASH", raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(renders, "fetch_bytes", lambda *a: pytest.fail("read a store outside the build"))
    assert memo.call(total, prices()) == 3.0
    assert list(tmp_path.iterdir()) == []


def test_a_damaged_entry_is_computed_again(store, computed):
    memo.call(total, prices())
    (entry,) = [p for p in store.iterdir()]
    (entry / memo.ENTRY).write_bytes(b"not a pickle")
    assert memo.call(total, prices()) == 3.0 and len(computed) == 2
    assert renders.fetch_bytes(entry.name, memo.ENTRY) is not None, "the entry is repaired"


def test_a_reused_check_equals_a_computed_one(store, monkeypatch):
    """sensitivity.check through the memo: the second call is served from the store, equals the first, and settling
    the reused result leaves the kept one as it was."""
    def rule(rows, limit=2.0):
        best = rows["price"].max() if len(rows) else 0
        return Verdict("C1", SUPPORTED if best >= limit else PARTLY, f"max {best}")

    inputs, alternatives = {"rows": prices()}, {"a lower limit": {"limit": 1.0}}
    first = sensitivity.check(rule, inputs, alternatives)
    monkeypatch.setattr(renders, "store_bytes", lambda *a: pytest.fail("computed again"))
    again = sensitivity.check(rule, inputs, alternatives)
    assert again is not first and again.results == first.results and again.base == first.base
    sensitivity.settle(again)
    third = sensitivity.check(rule, inputs, alternatives)
    assert third.base == first.base
