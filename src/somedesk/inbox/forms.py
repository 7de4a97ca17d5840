from django import forms
from django.utils.translation import gettext_lazy as _

from somedesk.inbox.models import Channel, PlatformState, Post
from somedesk.inbox.selectors import CommentFilters

ANY = [("", _("Alle"))]
MODERATION_CHOICES = ANY + [("keep", _("Beholdes")), ("remove", _("Fjernes"))]
REASON_CHOICES = ANY + [
    ("threat", _("Trusler")),
    ("hate", _("Hatefulle ytringer")),
    ("harassment", _("Trakassering")),
    ("shaming", _("Uthenging")),
    ("personal_data", _("Personopplysninger")),
    ("spam", _("Reklame og svindel")),
]
ROUTE_CHOICES = ANY + [
    ("none", _("Ingen sak")),
    ("service_question", _("Spørsmål til tjenesten")),
    ("light_case", _("Enkel sak")),
    ("formal_inquiry", _("Formell henvendelse")),
    ("political", _("Politisk")),
    ("correction", _("Retting")),
]
SENTIMENT_CHOICES = ANY + [("positive", _("Positiv")), ("neutral", _("Nøytral")), ("negative", _("Negativ"))]


def _input(**attrs):
    return {"class": "ds-input", **attrs}


class CommentFilterForm(forms.Form):
    """The inbox list's filters (a GET form); also read by the htmx row requests."""

    q = forms.CharField(
        label=_("Søk"), required=False, max_length=200, widget=forms.TextInput(attrs=_input(type="search"))
    )
    channel = forms.ModelChoiceField(
        label=_("Kanal"),
        queryset=Channel.objects.none(),
        required=False,
        empty_label=_("Alle"),
        widget=forms.Select(attrs=_input()),
    )
    post = forms.IntegerField(required=False, widget=forms.HiddenInput)
    platform_state = forms.ChoiceField(
        label=_("Status på plattformen"),
        required=False,
        choices=ANY + list(PlatformState.choices),
        widget=forms.Select(attrs=_input()),
    )
    date_from = forms.DateField(
        label=_("Fra dato"), required=False, widget=forms.DateInput(attrs=_input(type="date"))
    )
    date_to = forms.DateField(
        label=_("Til dato"), required=False, widget=forms.DateInput(attrs=_input(type="date"))
    )
    moderation = forms.ChoiceField(
        label=_("Moderering"), required=False, choices=MODERATION_CHOICES, widget=forms.Select(attrs=_input())
    )
    reason = forms.ChoiceField(
        label=_("Grunn"), required=False, choices=REASON_CHOICES, widget=forms.Select(attrs=_input())
    )
    route = forms.ChoiceField(
        label=_("Rute"), required=False, choices=ROUTE_CHOICES, widget=forms.Select(attrs=_input())
    )
    sentiment = forms.ChoiceField(
        label=_("Stemning"), required=False, choices=SENTIMENT_CHOICES, widget=forms.Select(attrs=_input())
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["channel"].queryset = Channel.objects.filter(organisation=organisation)
        self.post_obj = None

    def clean_post(self):
        pk = self.cleaned_data.get("post")
        if pk is None:
            return None
        post = (
            Post.objects.select_related("channel")
            .filter(pk=pk, channel__organisation=self.organisation)
            .first()
        )
        if post is None:
            raise forms.ValidationError(_("Fant ikke innlegget."))
        self.post_obj = post
        return pk

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("Til-datoen kan ikke være før fra-datoen."))
        return data

    def filters(self) -> CommentFilters:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return CommentFilters(
            channel=data.get("channel"),
            post=self.post_obj if data.get("post") else None,
            platform_state=data.get("platform_state", ""),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            moderation=data.get("moderation", ""),
            reason=data.get("reason", ""),
            route=data.get("route", ""),
            sentiment=data.get("sentiment", ""),
            q=data.get("q", ""),
        )
