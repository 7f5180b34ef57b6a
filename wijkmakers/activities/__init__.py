"""activities feature package."""
