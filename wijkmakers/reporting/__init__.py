"""reporting feature package."""
