"""School-improvement data warehouse for an English local authority."""
