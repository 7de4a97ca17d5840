from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from somedesk.accounts.roles import Role


class User(AbstractUser):
    """A person at the desk. Staff who answer professional questions must sign with full name and
    job title (guideline 4.1), so `fagperson` users cannot exist without both."""

    organisation = models.ForeignKey(
        "inbox.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    job_title = models.CharField(_("stillingstittel"), max_length=200, blank=True)
    unit = models.CharField(_("enhet"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bruker")
        verbose_name_plural = _("brukere")

    def roles(self) -> set[str]:
        return set(self.groups.values_list("name", flat=True))

    def has_role(self, role: str) -> bool:
        return self.groups.filter(name=role).exists()

    @property
    def signature(self) -> str:
        """Full name and title, as the guideline asks of staff answering professional questions."""
        parts = [self.get_full_name().strip(), self.job_title.strip()]
        return ", ".join(part for part in parts if part)

    def clean(self):
        super().clean()
        if self.pk and self.has_role(Role.FAGPERSON):
            validate_fagperson_fields(self.first_name, self.last_name, self.job_title)


def validate_fagperson_fields(first_name: str, last_name: str, job_title: str) -> None:
    errors = {}
    if not first_name.strip() or not last_name.strip():
        errors["first_name"] = _("En fagperson må ha fullt navn (fornavn og etternavn).")
    if not job_title.strip():
        errors["job_title"] = _("En fagperson må ha stillingstittel.")
    if errors:
        raise ValidationError(errors)
