"""A Django app with the same schema as serial_models (the behavioural reference)."""
