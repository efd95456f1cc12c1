"""Getting files in: download, recognise, archive, parse and load into the raw tables."""
