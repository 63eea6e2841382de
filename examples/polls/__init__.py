"""The polls site: Django's tutorial app, built from Manouche parts on bare WSGI."""
