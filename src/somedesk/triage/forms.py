from django import forms
from django.utils.translation import gettext_lazy as _

from somedesk.triage.models import Moderation, Reason, Route, Sentiment


class CorrectionForm(forms.Form):
    moderation = forms.ChoiceField(label=_("Moderering"), choices=Moderation.choices)
    reason = forms.ChoiceField(
        label=_("Grunn til fjerning"), choices=[("", _("(ingen)")), *Reason.choices], required=False
    )
    route = forms.ChoiceField(label=_("Rute"), choices=Route.choices)
    sentiment = forms.ChoiceField(label=_("Holdning"), choices=Sentiment.choices)
    note = forms.CharField(
        label=_("Merknad"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("moderation") == Moderation.REMOVE:
            if not data.get("reason"):
                self.add_error("reason", _("Velg grunnen til at kommentaren skal fjernes."))
            data["route"] = Route.NONE
        else:
            data["reason"] = ""
        return data
