"""Database backups: SQLite online backup, pg_dump/pg_restore for PostgreSQL."""
