from django import forms
from django.utils.translation import gettext_lazy as _

REASON_CHOICES = [
    ("", _("Ingen")),
    ("threat", _("Trussel")),
    ("hate", _("Hatefull ytring")),
    ("harassment", _("Sjikane")),
    ("shaming", _("Uthenging")),
    ("personal_data", _("Personopplysninger")),
    ("spam", _("Spam/svindel")),
]


class DsForm(forms.Form):
    """Designsystemet's input class on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class ModerateForm(DsForm):
    action = forms.ChoiceField(
        label=_("Handling"),
        choices=[
            ("hide", _("Skjul")),
            ("unhide", _("Vis igjen")),
            ("delete", _("Slett")),
            ("block", _("Blokker forfatteren")),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Grunn etter retningslinjen"),
        choices=REASON_CHOICES,
        required=False,
        widget=forms.Select(attrs={"class": "ds-input"}),
    )
    why = forms.CharField(
        label=_("Begrunnelse"), widget=forms.Textarea(attrs={"rows": 3, "class": "ds-input"}), max_length=2000
    )


class ReviewForm(DsForm):
    decision = forms.ChoiceField(
        choices=[
            ("confirm", _("Bekreft")),
            ("restore", _("Gjenopprett")),
            ("keep", _("Behold")),
            ("delete", _("Slett")),
        ]
    )
    note = forms.CharField(required=False, max_length=2000)
