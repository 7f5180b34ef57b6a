"""partners feature package."""
