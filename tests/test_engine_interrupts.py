"""Builds killed or interrupted at any point, and builds run at the same time, never spoil the next build."""
from __future__ import annotations

import signal
import time

from conftest import Running, alive, assert_same_files, clone_build, descendants, executed_names, run_build


def test_killed_builds_leave_nothing_the_next_build_cannot_finish(tmp_path, full_build, data_copy):
    out = tmp_path / "out"
    notes = [out / "site" / "my-notes.txt", out / "figures" / "my-notes.txt"]
    for note in notes:
        note.parent.mkdir(parents=True, exist_ok=True)
        note.write_text("mine, not the build's\n")
    args = ("--out", out, "--data", data_copy, "--jobs", "2")

    # SIGKILL once the first notebook is committed to the cache, the other one still running.
    build = Running(*args)
    build.wait_for(r"^\s+\S+\s+executed")
    build.proc.kill()
    build.finish()

    # SIGTERM while notebooks run: a clean stop, soon, with the kernels and this build's work folders gone.
    build = Running(*args)
    build.wait_for(r"executing \d+ notebook")
    time.sleep(2)
    kernels = descendants(build.proc.pid)
    assert kernels, "no kernel was running"
    sent = time.monotonic()
    build.proc.send_signal(signal.SIGTERM)
    code = build.finish(60)
    assert code == 128 + signal.SIGTERM, build.stdout + build.stderr
    assert time.monotonic() - sent < 15, "SIGTERM waited for the notebooks to finish"
    assert "Interrupted (SIGTERM)" in build.stderr and "Traceback" not in build.stderr, build.stderr
    time.sleep(0.3)
    assert not [pid for pid in kernels if alive(pid)], "kernels outlived the interrupted build"
    assert not list((out / ".build-cache" / "work").glob("*")), "work folders left behind"

    # SIGKILL during render: right after the last notebook is committed.
    build = Running(*args)
    build.wait_for(r"07_scorecard\s+executed", timeout=300)
    build.proc.kill()
    build.finish()

    # SIGKILL at several moments of render and publish (everything is cached now).
    for delay in (0.2, 0.7, 1.2, 1.7):
        (out / "site" / "index.html").unlink(missing_ok=True)  # so that the build must publish again
        build = Running(*args)
        build.wait_for(r"07_scorecard\s+cached")
        time.sleep(delay)
        build.proc.kill()
        build.finish()
        assert "Traceback" not in build.stderr, build.stderr

    result = run_build(*args)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert_same_files(full_build, out)
    for note in notes:
        assert note.read_text() == "mine, not the build's\n", f"{note} was lost"
    assert not list(out.glob(".site-*")) and not list(out.glob(".figures-*")), "staging folders left behind"
    assert not list(out.rglob("*.yours")), "the build took its own files for yours"

    again = run_build(*args)
    assert again.returncode == 0 and "Up to date" in again.stdout, again.stdout + again.stderr


def test_two_builds_at_once_on_one_folder(tmp_path, full_build, data_copy):
    out = clone_build(full_build, tmp_path / "out")
    (out / "site" / "index.html").unlink()  # the first build must publish, which takes a second or two
    args = ("--out", out, "--data", data_copy)
    first = Running(*args)
    first.wait_for(r"^Building")
    second = Running(*args)
    assert first.finish() == 0, first.stdout + first.stderr
    assert second.finish() == 0, second.stdout + second.stderr
    assert "Another build is running" not in first.stdout
    assert second.stdout.count("Another build is running") == 1, second.stdout
    assert f"pid {first.proc.pid}" in second.stdout
    assert "Up to date" in second.stdout
    assert_same_files(full_build, out)


def test_two_builds_sharing_a_cache_take_turns(tmp_path, full_build, data_copy):
    """Different output folders, one --cache-dir: the second waits rather than sweep the first one's work."""
    one = clone_build(full_build, tmp_path / "one", outputs=False)
    two = tmp_path / "two"
    cache = one / ".build-cache"
    first = Running("--out", one, "--data", data_copy, "--cache-dir", cache)
    first.wait_for(r"^Building")
    second = Running("--out", two, "--data", data_copy, "--cache-dir", cache)
    assert first.finish() == 0, first.stdout + first.stderr
    assert second.finish() == 0, second.stdout + second.stderr
    assert "Another build is running" in second.stdout, second.stdout
    assert executed_names(first.stdout + second.stdout) == set()
    assert_same_files(full_build, one)
    assert_same_files(full_build, two)


def test_a_swap_cut_in_two_is_put_back(tmp_path, full_build, data_copy):
    """What a SIGKILL between the two renames of a swap leaves: no site/, the last report as .site-old-*."""
    out = clone_build(full_build, tmp_path / "out")
    (out / "site" / "my-notes.txt").write_text("mine\n")
    (out / "site").rename(out / ".site-old-0badf00d")
    (out / ".figures-new-0badf00d").mkdir()  # and a staging folder half written
    (out / ".figures-new-0badf00d" / "half.png").write_bytes(b"\x89PNG")
    result = run_build("--out", out, "--data", data_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Up to date" in result.stdout, "the last report, put back, is the current one"
    assert (out / "site" / "my-notes.txt").read_text() == "mine\n"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith((".site", ".figures"))) == []
    assert_same_files(full_build, out)
