"""Glue examples: small sites built from Manouche packages, short enough to copy."""
