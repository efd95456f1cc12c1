"""Checks that block bad data or leaks: the GX runner, the published-tree scan, file permissions."""
