"""Synthetic data for tests, the demo and the matching benchmarks.

:func:`generate` writes a pupil register (households sharing surname and postcode, siblings and twins,
names from the naming cultures of English schools), trace-request batches carrying the errors real requests
carry (:data:`ERROR_PROFILE`), the truth linking them, and a log of each request's errors; a volume profile
(:data:`VOLUME_PROFILES`) sets how many requests each month, shaped by the published totals. See
``docs/synthetic-data.md``.
"""

from sharelog.synth._generate import (
    MAX_PUPILS,
    PERTURBATION_COLUMNS,
    REGISTER_COLUMNS,
    REGISTER_FORMATS,
    REQUEST_COLUMNS,
    TRUTH_COLUMNS,
    ProgressCallback,
    SynthResult,
    generate,
)
from sharelog.synth._months import parse_months
from sharelog.synth._profile import (
    CENSUS_DATE,
    ERROR_PROFILE,
    IN_REGISTER_SHARE,
    NOT_IN_REGISTER_MIX,
    REQUEST_CULTURE_WEIGHT,
    ErrorKind,
)
from sharelog.synth._volumes import VOLUME_PROFILES, VolumePeriod, VolumeProfile, volume_profile

__all__ = [
    "CENSUS_DATE",
    "ERROR_PROFILE",
    "IN_REGISTER_SHARE",
    "MAX_PUPILS",
    "NOT_IN_REGISTER_MIX",
    "PERTURBATION_COLUMNS",
    "REGISTER_COLUMNS",
    "REGISTER_FORMATS",
    "REQUEST_COLUMNS",
    "REQUEST_CULTURE_WEIGHT",
    "TRUTH_COLUMNS",
    "VOLUME_PROFILES",
    "ErrorKind",
    "ProgressCallback",
    "SynthResult",
    "VolumePeriod",
    "VolumeProfile",
    "generate",
    "parse_months",
    "volume_profile",
]
