"""network feature package."""
