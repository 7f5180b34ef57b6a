"""Feature-free helpers: time, Markdown, pagination, permissions, request logging, audit."""
