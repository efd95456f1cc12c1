"""What the warehouse is partitioned and dated by, and previews of its tables."""
