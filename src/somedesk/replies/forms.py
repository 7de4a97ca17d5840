from django import forms
from django.utils.translation import gettext_lazy as _

from somedesk.replies import conf
from somedesk.replies.models import DeskItem


class DsForm(forms.Form):
    """Designsystemet's input class on every widget."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "ds-input")


class AssignForm(DsForm):
    assignee = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Ansvarlig"), empty_label=_("Ingen")
    )

    def __init__(self, *args, organisation=None, **kwargs):
        super().__init__(*args, **kwargs)
        from somedesk.accounts.models import User

        self.fields["assignee"].queryset = User.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("first_name", "last_name")
        self.fields["assignee"].label_from_instance = lambda u: u.get_full_name() or u.get_username()


class StatusForm(DsForm):
    status = forms.ChoiceField(
        choices=DeskItem.Status.choices, label=_("Status"), widget=forms.Select(attrs={"class": "ds-input"})
    )


class NoteForm(DsForm):
    text = forms.CharField(
        label=_("Internt notat (vises aldri på plattformen)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )


class ReplyForm(DsForm):
    template = forms.ChoiceField(label=_("Mal"), required=False)
    language = forms.ChoiceField(label=_("Målform"), choices=[("nb", _("Bokmål")), ("nn", _("Nynorsk"))])
    body = forms.CharField(label=_("Svar"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000)
    override_reason = forms.CharField(
        label=_("Begrunnelse for å publisere likevel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("Ingen mal"))] + conf.template_choices()
