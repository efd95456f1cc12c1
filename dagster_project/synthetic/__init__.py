"""Deterministic synthetic DfE / GIAS / Ofsted source files for the fictional LA Kingsmere (991).

`build_world(seed, scale)` describes what was planted; `generate(out, seed, scale)` writes the files in the
layout of contract section 1; `python -m dagster_project.synthetic --out DIR` is the CLI.
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
