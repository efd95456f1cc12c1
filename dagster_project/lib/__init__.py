"""Reusable, Dagster-free logic: source parsing, archiving and warehouse loading."""
