"""people feature package."""
