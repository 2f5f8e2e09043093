"""The hypothesis profile every fuzz test runs under, and fixtures shared by the fuzz tests.

CI runs a short, reproducible campaign: derandomized (the same examples on every run, so a failure in CI fails
the same way on a laptop), no deadline (the machines are shared), no example database. ``make reliability`` runs
a long one by setting ``SHARELOG_FUZZ_EXAMPLES`` (the number of examples a test of ordinary cost runs; the slow
ones run a fixed share of it).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

FUZZ_PROFILE = "sharelog-fuzz"
DEFAULT_EXAMPLES = 40

settings.register_profile(
    FUZZ_PROFILE,
    max_examples=int(os.environ.get("SHARELOG_FUZZ_EXAMPLES") or DEFAULT_EXAMPLES),
    derandomize=True,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.function_scoped_fixture,  # fixtures hold read-only worlds; state is checked per example
    ],
)
