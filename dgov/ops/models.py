"""What the job runners leave in the database for each other and for the health checks.

``Runner`` is one row per job-runner process, touched on every pass: readiness asks
whether any runner was seen lately. ``JobLease`` is one row per periodic job: when it is
next due, who holds it and until when, how often it ran and failed. Several runners on
several machines share the rows, so each due run of a job happens once and a run left by
a runner that died is taken over (``dgov.ops.leases``).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Runner(models.Model):
    """A job-runner process, by host and process id."""

    name = models.CharField(_("runner"), max_length=200, primary_key=True)
    started_at = models.DateTimeField(_("started at"))
    seen_at = models.DateTimeField(_("last seen at"))
    passes = models.PositiveBigIntegerField(_("passes"), default=0)

    class Meta:
        verbose_name = _("job runner")
        verbose_name_plural = _("job runners")

    def __str__(self) -> str:
        return self.name


class JobLease(models.Model):
    """The schedule and the lease of one periodic job (``dgov.ops.leases``)."""

    name = models.CharField(_("job"), max_length=100, primary_key=True)
    due_at = models.DateTimeField(_("next due at"))
    holder = models.CharField(_("held by"), max_length=200, blank=True)
    leased_until = models.DateTimeField(_("lease ends at"), null=True, blank=True)
    last_started_at = models.DateTimeField(_("last started at"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    last_done = models.BigIntegerField(_("items in the last run"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    runs = models.PositiveBigIntegerField(_("runs"), default=0)
    failures = models.PositiveBigIntegerField(_("failures"), default=0)
    items = models.PositiveBigIntegerField(_("items done"), default=0)

    class Meta:
        verbose_name = _("job lease")
        verbose_name_plural = _("job leases")

    def __str__(self) -> str:
        return self.name
