"""PyTorch code that treats ``.data`` as a Tensor gets an error that says what .data is here."""
import subprocess
import sys

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import hints


def test_note_names_the_method_and_the_fix():
    w = tg.Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(AttributeError) as caught:
        w.data.zero_()
    note = hints.data_note(caught.value)
    assert "NumPy array" in note and ".zero_" in note and "t.zero_(...)" in note


def test_other_attribute_errors_get_no_note():
    with pytest.raises(AttributeError) as caught:
        np.ones(2).no_such_method()
    assert hints.data_note(caught.value) is None
    assert hints.data_note(ValueError("x")) is None


def test_uncaught_error_in_a_script_shows_the_note(tmp_path):
    script = tmp_path / "uses_data.py"
    script.write_text(
        "import tinygrad_edu as torch\n"
        "w = torch.Tensor([1.0, 2.0], requires_grad=True)\n"
        "(w * w).sum().backward()\n"
        "w.grad.data.zero_()\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode != 0
    assert "has no attribute 'zero_'" in done.stderr
    assert "in PyTorch it is a Tensor" in done.stderr
