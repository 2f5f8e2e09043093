"""sharelog_heldout: an independent held-out data generator for evaluating record linkage of trace requests.

For EVALUATION only: never tune a matcher on its output. Seeds from 1000 up are evaluation seeds; seeds below
1000 are for developing this generator. It shares no code, name lists or error model with ``sharelog.synth``
and does not import ``sharelog`` at all.
"""

GENERATOR_VERSION = "1.0.0"

__all__ = ["GENERATOR_VERSION"]
