"""certificates feature package."""
