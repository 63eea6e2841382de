"""A Django app of reference models mirroring the tests' orm-lite models, for DRF."""
