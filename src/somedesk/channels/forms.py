from django import forms
from django.utils.translation import gettext_lazy as _


class ChannelConnectForm(forms.Form):
    platform = forms.ChoiceField(
        label=_("Plattform"),
        choices=[("facebook", "Facebook"), ("instagram", "Instagram"), ("local", _("Lokal (test)"))],
    )
    external_id = forms.RegexField(
        label=_("Side-ID / konto-ID"), regex=r"^[0-9A-Za-z_.-]{1,100}$", max_length=100
    )
    name = forms.CharField(label=_("Navn"), max_length=200)
    token = forms.CharField(
        label=_("Tilgangsnøkkel"), required=False, strip=True, widget=forms.PasswordInput(render_value=False)
    )
    backfill_days = forms.IntegerField(
        label=_("Hent bakover (dager)"), min_value=0, max_value=90, initial=14, required=False
    )
    webhookless = forms.BooleanField(label=_("Uten webhooks (demo)"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("platform") in ("facebook", "instagram") and not data.get("token"):
            self.add_error("token", _("En tilgangsnøkkel må oppgis."))
        return data


class ReconnectForm(forms.Form):
    token = forms.CharField(
        label=_("Ny tilgangsnøkkel"), strip=True, widget=forms.PasswordInput(render_value=False)
    )
