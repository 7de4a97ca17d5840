"""News, information and announcements the municipality publishes on its channels (guideline 2),
written by the desk, approved by someone else, and published now or at a set time."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    class Kind(models.TextChoices):
        NEWS = "news", _("Nyhet")
        INFORMATION = "information", _("Informasjon")
        ANNOUNCEMENT = "announcement", _("Kunngjøring")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Utkast")
        AWAITING_APPROVAL = "awaiting_approval", _("Venter på godkjenning")
        SCHEDULED = "scheduled", _("Godkjent, planlagt")
        PUBLISHING = "publishing", _("Publiseres")
        PUBLISHED = "published", _("Publisert")
        FAILED = "failed", _("Feilet")
        REJECTED = "rejected", _("Sendt tilbake")

    organisation = models.ForeignKey(
        "inbox.Organisation", on_delete=models.PROTECT, related_name="publications"
    )
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.NEWS)
    title = models.CharField(_("tittel (intern)"), max_length=200)
    text = models.TextField(_("tekst"))
    link = models.URLField(_("lenke"), blank=True)
    channels = models.ManyToManyField("inbox.Channel", verbose_name=_("kanaler"), related_name="+")
    publish_at = models.DateTimeField(
        _("publiseres"),
        null=True,
        blank=True,
        help_text=_("Tomt: publiseres så snart innlegget er godkjent."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("merknad"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "publish_at"], name="publication_due")]
        permissions = [("approve_publication", "Can approve publications for publishing")]
        verbose_name = _("publisering")
        verbose_name_plural = _("publiseringer")

    def __str__(self):
        return self.title


class PublicationTarget(models.Model):
    """One channel's copy of a publication, with the outgoing action that carries it there."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="targets")
    channel = models.ForeignKey("inbox.Channel", on_delete=models.PROTECT, related_name="+")
    action = models.OneToOneField(
        "channels.OutgoingAction",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="publication_target",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "channel"], name="publication_target_once")
        ]

    def __str__(self):
        return f"{self.publication} → {self.channel}"
