"""The parity models built with Django's ``models``."""

from django.db import models

from tests.shared_models import define

DJ = define(models, "parity")
Publisher, Author, Tag, Book = DJ.Publisher, DJ.Author, DJ.Tag, DJ.Book
Profile, Club, Membership = DJ.Profile, DJ.Club, DJ.Membership
