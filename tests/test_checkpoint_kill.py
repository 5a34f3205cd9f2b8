"""Checkpoints under a hard kill: tg.save killed at random moments (SIGKILL, in a
subprocess) leaves the target either as it was or as the new save wrote it, always
loadable; the temporary file a killed save leaves behind is removed by the next
successful save, while the temporary file of a save still running elsewhere is not."""
import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import tinygrad_edu as tg

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL and pids: POSIX only")

SIZE = 1_000_000  # 8 MB of float64 per save: long enough to be killed in the middle

# Saves {"w": full(SIZE, i), "step": i} for i = 1, 2, ... until killed.
WRITER = """
import sys
import numpy as np
import tinygrad_edu as tg
path = sys.argv[1]
print("ready", flush=True)
i = 0
while True:
    i += 1
    tg.save({"w": np.full(%d, float(i)), "step": i}, path)
""" % SIZE


def temporaries(folder):
    return sorted(name for name in os.listdir(folder) if name.endswith(".tmp"))


def assert_consistent(path):
    """The checkpoint loads and is one whole save: every weight equals its step."""
    state = tg.load(path)
    assert state["w"].shape == (SIZE,)
    assert (state["w"] == state["step"]).all(), "a checkpoint mixing two saves"
    return state["step"]


def test_a_killed_save_leaves_old_or_new_content_and_the_next_save_cleans_up(tmp_path):
    path = tmp_path / "ckpt.npz"
    tg.save({"w": np.zeros(SIZE), "step": 0}, path)
    rng = np.random.default_rng(7)
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    litter_seen = 0
    for round_ in range(1, 5):
        writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], env=env,
                                  stdout=subprocess.PIPE, text=True)
        try:
            assert writer.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.0, 0.3))
            deadline = time.monotonic() + 5.0  # then kill while a save is under way
            while not temporaries(tmp_path) and time.monotonic() < deadline:
                time.sleep(0.001)
            writer.send_signal(signal.SIGKILL)
        finally:
            writer.kill()
            writer.wait()  # reaped: its pid no longer exists
            writer.stdout.close()
        litter_seen += bool(temporaries(tmp_path))
        step = assert_consistent(path)   # old content (-round + 1 or 0) or a new whole save
        assert step == -(round_ - 1) or step >= 1
        tg.save({"w": np.full(SIZE, -float(round_)), "step": -round_}, path)
        assert temporaries(tmp_path) == [], "the save after a kill left the killed save's file"
        assert os.listdir(tmp_path) == ["ckpt.npz"]
        assert assert_consistent(path) == -round_
    assert litter_seen, "no kill fell inside a save: the cleanup was never exercised"


def _dead_pid():
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


def test_only_temporaries_of_dead_writers_of_the_same_target_are_removed(tmp_path):
    path = tmp_path / "ckpt.npz"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        dead = _dead_pid()
        files = {
            "dead": f".ckpt.npz.{dead}-0a1b2c3d4e5f.tmp",               # a killed save
            "live": f".ckpt.npz.{sleeper.pid}-0a1b2c3d4e5f.tmp",        # another process's
            "ours": f".ckpt.npz.{os.getpid()}-0a1b2c3d4e5f.tmp",        # another thread's
            "legacy_new": ".ckpt.npz.a1b2c3d4e5f6.tmp",                 # no pid, just written
            "legacy_old": ".ckpt.npz.b1b2c3d4e5f6.tmp",                 # no pid, an hour old
            "other_target": f".other.npz.{dead}-0a1b2c3d4e5f.tmp",
            "user_file": "ckpt.npz.tmp",
        }
        for name in files.values():
            (tmp_path / name).write_bytes(b"partial")
        hours_ago = time.time() - 2 * 3600
        os.utime(tmp_path / files["legacy_old"], (hours_ago, hours_ago))
        tg.save({"w": np.ones(3)}, path)
        left = set(os.listdir(tmp_path))
        for kind in ("dead", "legacy_old"):
            assert files[kind] not in left, f"the stale {kind} temporary file was kept"
        for kind in ("live", "ours", "legacy_new", "other_target", "user_file"):
            assert files[kind] in left, f"the {kind} file was removed"
        # A live writer's file becomes stale once untouched for an hour (its pid reused).
        os.utime(tmp_path / files["live"], (hours_ago, hours_ago))
        tg.save({"w": np.ones(3)}, path)
        assert files["live"] not in set(os.listdir(tmp_path))
    finally:
        sleeper.kill()
        sleeper.wait()


def test_concurrent_saves_of_one_target_never_remove_each_others_files(tmp_path):
    path = tmp_path / "ckpt.npz"
    errors = []

    def save_many(value):
        try:
            for _ in range(15):
                tg.save({"w": np.full(20_000, value), "step": value}, path)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=save_many, args=(float(v),)) for v in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    state = tg.load(path)
    assert (state["w"] == state["step"]).all() and state["step"] in (1.0, 2.0, 3.0)
    assert os.listdir(tmp_path) == ["ckpt.npz"]
