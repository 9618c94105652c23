"""``document_opened``: sent when a document is downloaded from the locker, with
``document`` and ``user`` (the written notices record an applicant's first opening as the
time of service)."""

from django.dispatch import Signal

document_opened = Signal()
