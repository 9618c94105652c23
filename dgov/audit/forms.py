from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class EntryFilterForm(forms.Form):
    """The filters of the audit list; every field is optional."""

    verb = forms.CharField(label=_("Act"), max_length=64, required=False, help_text=_("e.g. auth.login, or auth."))
    actor = forms.CharField(label=_("Actor (user name)"), max_length=150, required=False)
    object_type = forms.CharField(label=_("Object type"), max_length=100, required=False)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    before = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def apply(self, entries: Any) -> Any:
        """``entries`` with the filters (the list page and its export); unfiltered when the
        form does not validate."""
        if not self.is_valid():
            return entries
        data = self.cleaned_data
        if data["verb"]:
            # "auth." lists every act of that kind; "auth.login" just that act.
            entries = (
                entries.filter(verb__startswith=data["verb"])
                if data["verb"].endswith(".")
                else entries.filter(verb=data["verb"])
            )
        if data["actor"]:
            entries = entries.filter(actor_name=data["actor"])
        if data["object_type"]:
            entries = entries.filter(object_type=data["object_type"])
        if data["object_id"]:
            entries = entries.filter(object_id=data["object_id"])
        if data["before"]:
            entries = entries.filter(id__lt=data["before"])
        return entries


class RebaselineForm(forms.Form):
    seq = forms.IntegerField(
        label=_("Restored to entry"),
        min_value=1,
        help_text=_("The number of the last entry the restored database holds in its chain."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which backup was restored, when, and why."),
    )
