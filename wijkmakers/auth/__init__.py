"""Log-in, log-out, password reset, invitations, roles and user management."""
