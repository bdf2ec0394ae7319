"""Engine pieces in-process: remembered hashes never hide a change; interrupts wait for a rename pair to finish."""
from __future__ import annotations

import os
import signal
import time

import pytest

from pricewar.engine import cache, entries


@pytest.fixture
def fresh_memo(tmp_path, monkeypatch):
    """An empty in-process memo; returns a function that starts a 'new build' (forget, then load from disk)."""
    monkeypatch.setattr(cache, "_hashes", {})
    monkeypatch.setattr(cache, "_young", set())
    monkeypatch.setattr(cache, "_memo", {"path": None, "dirty": False})

    def new_build():
        cache._hashes.clear()
        cache._young.clear()
        cache.load_memo(tmp_path / "cache")

    new_build()
    return new_build


def test_a_remembered_hash_is_used_only_while_the_file_is_unwritten(tmp_path, fresh_memo, monkeypatch):
    path = tmp_path / "table.csv"
    path.write_text("a,b\n1,2\n")
    monkeypatch.setattr(cache, "SETTLED_NS", 0)  # everything counts as settled: only the stamps decide
    first = cache.file_hash(path)
    cache.save_memo()
    assert (tmp_path / "cache" / cache.MEMO).exists()

    fresh_memo()
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: reads.append(a[0]) or real_open(*a, **k))
    assert cache.file_hash(path) == first and str(path) not in reads, "an unchanged file was read again"
    monkeypatch.setattr("builtins.open", real_open)

    stat = path.stat()
    path.write_text("a,b\n1,3\n")  # same size
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # and the old modification time
    fresh_memo()
    assert cache.file_hash(path) != first, "a rewrite with the same size and modification time went unseen"


def test_a_file_written_just_now_is_not_remembered_for_the_next_build(tmp_path, fresh_memo):
    path = tmp_path / "young.csv"
    path.write_text("x\n")
    cache.file_hash(path)
    cache.save_memo()
    fresh_memo()
    assert str(path) not in cache._hashes


def test_damaged_memo_and_state_are_ignored(tmp_path, fresh_memo):
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / cache.MEMO).write_bytes(b"\xff\xfe not json")
    (folder / "state.json").write_text('["not", "an", "object"]')
    fresh_memo()
    assert cache.State(folder).data == {"notebooks": {}}
    path = tmp_path / "f"
    path.write_text("1")
    assert cache.file_hash(path)


def test_an_interrupt_waits_for_the_rename_pair(monkeypatch):
    previous = signal.signal(signal.SIGTERM, entries.on_signal)
    try:
        finished = []
        with pytest.raises(entries.Interrupted) as raised:
            with entries.critical():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # the handler has run by now, and must not have raised
                finished.append("both renames")
        assert finished == ["both renames"] and raised.value.signum == signal.SIGTERM
        with pytest.raises(entries.Interrupted):  # outside a critical section: at once
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
    finally:
        signal.signal(signal.SIGTERM, previous)
