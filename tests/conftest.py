"""Hypothesis profiles: `ci` (default; derandomized so failures reproduce), `dev`, `thorough`.

Pick one with HYPOTHESIS_PROFILE=thorough pytest. Finite differences are slow, so no deadline.
"""
import os
import sys

import pytest
from hypothesis import HealthCheck, settings

import tinygrad_edu as tg

settings.register_profile(
    "ci", max_examples=25, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "dev", max_examples=10, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile(
    "thorough", max_examples=300, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same random state, so a failure reproduces."""
    tg.manual_seed(0)
    if "torch" in sys.modules:
        sys.modules["torch"].manual_seed(0)
