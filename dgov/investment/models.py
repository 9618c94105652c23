"""Investment attraction: projects from lead to full production (DOMAIN.md §2).

``Project`` is the object the secretaries and the green channel hang on; the investment
app owns it and everything about the pipeline.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from dgov.accounts.models import DistrictScopedQuerySet


class Stage(models.TextChoices):
    LEAD = "lead", _("Lead")
    TALKS = "talks", _("Talks")
    LETTER_OF_INTENT = "intent", _("Letter of intent")
    SIGNED = "signed", _("Signed")
    LAND = "land", _("Land granted")
    CONSTRUCTION = "construction", _("Construction started")
    OPERATION = "operation", _("In operation")
    FULL_PRODUCTION = "full_production", _("Full production")
    LOST = "lost", _("Lost")


class ProjectQuerySet(DistrictScopedQuerySet):
    def key(self) -> "ProjectQuerySet":
        return self.filter(is_key=True)


class Project(models.Model):
    district = models.ForeignKey("accounts.District", on_delete=models.PROTECT, related_name="projects")
    name = models.CharField(_("project name"), max_length=200)
    investor = models.CharField(_("investor"), max_length=200)
    investor_credit_code = models.CharField(_("investor's unified social credit code"), max_length=18, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.LEAD)
    is_key = models.BooleanField(_("on the key-project list"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        indexes = [models.Index(fields=["district", "stage"]), models.Index(fields=["district", "is_key"])]

    def __str__(self) -> str:
        return self.name
