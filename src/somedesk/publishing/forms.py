from django import forms
from django.utils.translation import gettext_lazy as _

from somedesk.inbox.models import Channel
from somedesk.publishing.models import Publication

MAX_TEXT = 5000  # Facebook allows far more, but a municipal post longer than this is not read


class PublicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Publication.Kind.choices)
    title = forms.CharField(label=_("Tittel (intern)"), max_length=200)
    text = forms.CharField(label=_("Tekst"), widget=forms.Textarea(attrs={"rows": 8}), max_length=MAX_TEXT)
    link = forms.URLField(label=_("Lenke"), required=False, assume_scheme="https")
    channels = forms.ModelMultipleChoiceField(
        label=_("Kanaler"), queryset=Channel.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    publish_at = forms.DateTimeField(
        label=_("Publiser"),
        required=False,
        help_text=_("Tomt: så snart teksten er godkjent."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(organisation=organisation)


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("Merknad"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
