"""Users, roles, login, TOTP and staff management."""
