"""A Flask app with its own routes and a restkit API router mounted at /api/."""
