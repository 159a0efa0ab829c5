"""Hash-chained audit log (DESIGN.md §5)."""
