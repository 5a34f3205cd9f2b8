"""Smoke test: every script in examples/ runs to the end with its small-size flag.

Every example accepts --quick (and --help); those that save pictures accept --out. Each
runs in a subprocess, in a temporary folder, with the non-interactive matplotlib
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
    "numerical_gradient": ["gradient_field.png"],
    "optimizers_compared": ["optimizers_paths.png", "optimizers_loss.png"],
    "sine_rnn": ["sine_rnn.png"],
    "vanishing_gradients": ["vanishing_gradients.png"],
}
# Examples with pictures that still run without matplotlib (they only skip the pictures).
PICTURES_OPTIONAL = {"numerical_gradient", "optimizers_compared", "sine_rnn"}
ENV = dict(os.environ, MPLBACKEND="Agg", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")


def _has(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_runs(script, tmp_path):
    source = script.read_text()
    if "load_digits" in source and not _has("sklearn"):
        pytest.skip("scikit-learn not installed (the examples extra): digits examples skipped")
    plots = _has("matplotlib")
    if script.stem in PICTURES and script.stem not in PICTURES_OPTIONAL and not plots:
        pytest.skip("matplotlib not installed: examples with pictures skipped")
    out = tmp_path / "out"
    command = [sys.executable, str(script), "--quick"]
    if script.stem in PICTURES:
        command += ["--out", str(out)]
    done = subprocess.run(command, cwd=tmp_path, env=ENV, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, \
        f"{script.name} failed:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
    assert done.stdout.strip(), f"{script.name} printed nothing"
    assert not (tmp_path / "out").exists() or script.stem in PICTURES, \
        f"{script.name} wrote to out/ although it is not listed in PICTURES"
    for expected in PICTURES.get(script.stem, []) if plots else []:
        assert any((out / name).is_file() and (out / name).stat().st_size > 0
                   for name in expected.split("|")), f"{script.name} did not write {expected}"


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_help_lists_its_flags(script, tmp_path):
    done = subprocess.run([sys.executable, str(script), "--help"], cwd=tmp_path, env=ENV,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{script.name} --help failed:\n{done.stderr[-4000:]}"
    assert done.stdout.startswith("usage:") and "--quick" in done.stdout
    assert ("--out" in done.stdout) == (script.stem in PICTURES), \
        f"{script.name}: --out should be accepted exactly by the examples that save pictures"
    assert os.listdir(tmp_path) == [], f"{script.name} --help wrote files"
