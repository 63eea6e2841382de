"""A Django app holding the Django side of the parity models (label ``parity``)."""
