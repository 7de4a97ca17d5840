from django import forms
from django.utils.translation import gettext_lazy as _

from somedesk.audit.selectors import AuditFilters, audit_actions, audit_actors


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Handling"), required=False, widget=forms.Select(attrs={"class": "ds-input"})
    )
    actor = forms.ChoiceField(
        label=_("Utført av"), required=False, widget=forms.Select(attrs={"class": "ds-input"})
    )
    date_from = forms.DateField(
        label=_("Fra dato"),
        required=False,
        widget=forms.DateInput(attrs={"class": "ds-input", "type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Til dato"),
        required=False,
        widget=forms.DateInput(attrs={"class": "ds-input", "type": "date"}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Alle"))] + [(a, a) for a in audit_actions(organisation)]
        self.fields["actor"].choices = [("", _("Alle"))] + [(a, a) for a in audit_actors(organisation)]

    def filters(self) -> AuditFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return AuditFilters(
            action=data.get("action", ""),
            actor=data.get("actor", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
