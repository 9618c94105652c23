from typing import Any

from django import forms
from django.apps import apps
from django.utils.translation import gettext_lazy as _

from dgov.audit.readable import OBJECT_TYPES, named, object_type_label
from dgov.audit.verbs import VERBS, verb_label


class EntryFilterForm(forms.Form):
    """The filters of the audit list; every field is optional.

    Act and object type are picked by name from a list; the value sent is the stored code
    (what the list's links set). A code the list does not name (a whole family such as
    ``auth.``, or an act no longer recorded) is still accepted and shown by its name.
    """

    verb = forms.CharField(label=_("Act"), max_length=64, required=False, widget=forms.Select)
    actor = forms.CharField(label=_("Actor (user name)"), max_length=150, required=False)
    object_type = forms.CharField(label=_("Object type"), max_length=100, required=False, widget=forms.Select)
    object_id = forms.CharField(label=_("Object id"), max_length=64, required=False)
    before = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        verbs = sorted(((code, str(label)) for code, label in VERBS.items()), key=lambda choice: choice[1])
        types = sorted(
            {
                (m._meta.label_lower, object_type_label(m._meta.label_lower))
                for m in apps.get_models()
                if named(m) and m.__module__.startswith("dgov.")
            }
            | {(code, str(label)) for code, label in OBJECT_TYPES.items()},
            key=lambda choice: choice[1],
        )
        self.fields["verb"].widget.choices = self._with_sent("verb", verbs, _("Every act"), verb_label)
        self.fields["object_type"].widget.choices = self._with_sent(
            "object_type", types, _("Every kind of record"), object_type_label
        )

    def _with_sent(self, name: str, choices: list[tuple[str, str]], every: Any, label: Any) -> list[tuple[str, str]]:
        sent = str(self.data.get(name, "")) if self.is_bound else ""
        if sent and sent not in dict(choices):
            choices = [(sent, str(label(sent))), *choices]
        return [("", str(every)), *choices]

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
