"""A Flask app that adopts Manouche parts one at a time."""
