"""Smoke test: every script in examples/ runs to the end with its small-size flag.

Each runs in a subprocess, in a temporary folder, with the non-interactive matplotlib
backend; it must exit with status 0, print something, and write the pictures it
promises. This checks that the examples run, not the numbers they print (the numbers
are documented in each example, measured on full runs).
"""
import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SCRIPTS = sorted(EXAMPLES.glob("*.py"))

# Files an example must leave in its --out folder (alternatives separated by "|").
PICTURES = {
    "linear_regression": ["gradient.png", "loss_vs_w.png"],
    "train_digits_mlp": ["curves.png", "mistakes.png", "mlp.npz"],
    "train_digits_cnn": ["curves.png", "filters.png"],
    "moons": ["decision_boundary.png", "curves.png"],
    "lr_range_test": ["lr_range_test.png"],
    "computation_graph": ["graph.png|graph.dot", "graph_grads.png|graph_grads.dot"],
}


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_runs(script, tmp_path):
    source = script.read_text()
    if "load_digits" in source and not _has("sklearn"):
        pytest.skip("scikit-learn not installed (the examples extra): digits examples skipped")
    if script.stem in PICTURES and not _has("matplotlib"):
        pytest.skip("matplotlib not installed: examples with pictures skipped")
    out = tmp_path / "out"
    command = [sys.executable, str(script)]
    if "--quick" in source:
        command.append("--quick")
    if "--out" in source:
        command += ["--out", str(out)]
    env = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, \
        f"{script.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
    for expected in PICTURES.get(script.stem, []):
        assert any((out / name).is_file() and (out / name).stat().st_size > 0
                   for name in expected.split("|")), f"{script.name} did not write {expected}"
