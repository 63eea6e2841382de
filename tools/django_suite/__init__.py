"""Django's own test suite run against Manouche packages (workspace only)."""
