"""The README's Python code runs as printed: its blocks, in order, as a reader follows them."""
import contextlib
import io
import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parent.parent / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_readme_has_python_examples():
    assert len(BLOCKS) >= 4


def test_readme_python_blocks_run_in_order_and_print_what_they_say(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib", reason="matplotlib not installed: README plots skipped")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.chdir(tmp_path)  # anything a block saves lands here
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for i, block in enumerate(BLOCKS):
            exec(compile(block, f"README.md python block {i + 1}", "exec"), namespace)
    printed = out.getvalue()
    # The values the README states in comments next to its prints: gradient descent on
    # w0**2 + w1**2 from (2, 2) with lr 0.1 ends at 2 * 0.8**100 = 4.07e-10, and the custom
    # Cube's gradient at (1, 2) is 3 x**2 = (3, 12).
    assert "4.0740736e-10" in printed
    assert "Tensor([ 3., 12.])" in printed
    # "When training goes wrong": anomaly detection names the op at the planted log(0),
    # and the module hooks saw the gradient reaching each of the three layers.
    assert "anomaly detected: Log.backward returned inf in the gradient of its input 0" in printed
    assert "[0, 1, 2]" in printed
