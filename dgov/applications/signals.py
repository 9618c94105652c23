"""``application_moved``: sent by every transition (``actions._move``) inside its
transaction, with ``application``, ``verb`` and ``by``. Bundles follow their parts with it."""

from django.dispatch import Signal

application_moved = Signal()
