"""Campaign supervision: task tables, problem lists and public rectification (DOMAIN.md §4).

``Campaign`` is what the evaluation app's surveys, talks and columns hang on; the campaigns
app owns it and everything about tasks and problems.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet


class Campaign(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="campaigns")
    theme = models.CharField(_("theme"), max_length=200)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    publication_deadline = models.DateField(_("problem lists published by"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DistrictScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.theme
