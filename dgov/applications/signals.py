"""``application_moved``: sent by every transition (``actions._move``) with
``application``, ``verb`` and ``by``, after its statement. Bundles and green-channel
cases follow their applications with it.

A receiver that writes must register a follower fact (``loading.add_fact(name, sql,
follower=True)``: the row that follows the application, read with it): a transition opens
a transaction for its receivers only where a follower fact names a row (or the application
was not loaded with the facts); otherwise, on PostgreSQL, the transition's one statement is
its own transaction and a receiver's writes would not be part of it (decision 0036)."""

from django.dispatch import Signal

application_moved = Signal()
