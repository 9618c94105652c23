"""A large export (more than ``dgov.lib.exports.JOB_ROWS`` rows) runs as a job: the person
sees its progress and downloads the file when it is written."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportJob(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Being written")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (.xlsx)"

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    export = models.CharField(_("list"), max_length=60)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    query = models.JSONField(_("filters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested at"))
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], condition=models.Q(state="pending"), name="export_pending_idx"),
            models.Index(fields=["requested_by", "-created_at"], name="export_mine_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.export}.{self.format} #{self.pk}"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, 100 * self.rows_written // self.rows_total)

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
