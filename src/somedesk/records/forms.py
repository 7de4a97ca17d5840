from django import forms
from django.utils.translation import gettext_lazy as _


class JournalFilterForm(forms.Form):
    fra = forms.DateField(label=_("Fra dato"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    til = forms.DateField(label=_("Til dato"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    q = forms.CharField(label=_("Søk"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("fra") and data.get("til") and data["fra"] > data["til"]:
            raise forms.ValidationError(_("Fra-dato må være før til-dato."))
        return data
