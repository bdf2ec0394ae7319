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


def test_a_committed_entry_is_not_read_again_by_the_next_build_but_a_later_write_is_seen(tmp_path, fresh_memo,
                                                                                       monkeypatch):
    """Committing hashes every file of the work folder, which the build will not write again: those hashes follow
    the folder's rename into the entries and are kept, young as the files are (this clock has sub-second ticks), so
    the next no-op reads no entry file. A write after the commit, even of the same size, changes the change time."""
    monkeypatch.setattr(entries, "_manifests", {})
    cache_dir = tmp_path / "cache"
    work = entries.new_work_dir(cache_dir, "01_timeline")
    (work / entries.NOTEBOOK).write_text('{"cells": []}')
    (work / "figures" / "chart.png").write_bytes(b"\x89PNG fake")
    entries.commit(cache_dir, "01_timeline", work, {"source": "x"}, {}, 1.0)
    cache.save_memo()

    fresh_memo()
    entries._manifests.clear()
    reads = []
    real_open = open
    monkeypatch.setattr("builtins.open", lambda *a, **k: reads.append(str(a[0])) or real_open(*a, **k))
    assert entries.manifest(cache_dir, "01_timeline") is not None
    assert [r for r in reads if not r.endswith(entries.MANIFEST)] == [], "a committed file was read again"
    monkeypatch.setattr("builtins.open", real_open)

    time.sleep(0.02)  # more than a tick of this clock
    chart = entries.folder(cache_dir, "01_timeline") / "figures" / "chart.png"
    chart.write_bytes(b"\x89PNG junk")  # same size, other bytes
    fresh_memo()
    entries._manifests.clear()
    assert entries.manifest(cache_dir, "01_timeline") is None, "a damaged entry was trusted"


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
