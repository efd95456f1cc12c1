"""Reusable, Dagster-free logic, laid out as defs/ is: ingest (files in: download, recognise, archive, parse, load),
sources (one parser per DfE, GIAS and Ofsted layout), returns (the LA's own returns), quality (GX runner, leak
scan, permissions), warehouse (partitions and calendars), reports (report data, words, disclosure control,
rendering) and operations (alerts, dead runs, skip-when-unchanged)."""
