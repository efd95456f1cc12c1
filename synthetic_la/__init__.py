"""Deterministic synthetic DfE / GIAS / Ofsted source files for the fictional LA Kingsmere (991): the demo data
and test fixtures, kept apart from the pipeline package, which only reads files (`make run` asks for them when
the sources folder holds no real data).

`build_world(seed, scale)` describes what was planted; `generate(out, seed, scale)` writes the files in the
layout of contract section 1; `python -m synthetic_la --out DIR` is the CLI.
"""

from .generate import ensure_generated, generate
from .world import (
    ACADEMIC_YEARS,
    DEFAULT_SEED,
    GENERATOR_VERSION,
    KINGSMERE_CODE,
    Inspection,
    School,
    World,
    build_world,
)

__all__ = [
    "ACADEMIC_YEARS",
    "DEFAULT_SEED",
    "GENERATOR_VERSION",
    "KINGSMERE_CODE",
    "Inspection",
    "School",
    "World",
    "build_world",
    "ensure_generated",
    "generate",
]
