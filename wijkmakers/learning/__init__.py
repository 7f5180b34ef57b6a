"""learning feature package."""
