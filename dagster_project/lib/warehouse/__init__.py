"""What the warehouse is partitioned and dated by, previews of its tables, and a local PostgreSQL server."""
