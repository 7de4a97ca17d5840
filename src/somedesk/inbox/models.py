"""What arrives from the channels: the municipality's posts and the public's comments, kept forever
with every edit, and every payload exactly as it was received."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from stdnum.no import orgnr


def validate_org_number(value: str) -> None:
    if not orgnr.is_valid(value):
        raise ValidationError(_("%(value)s er ikke et gyldig organisasjonsnummer."), params={"value": value})


class Organisation(models.Model):
    """The municipality (or other public body) that owns the channels."""

    name = models.CharField(_("navn"), max_length=200)
    org_number = models.CharField(
        _("organisasjonsnummer"), max_length=9, unique=True, validators=[validate_org_number]
    )
    website = models.URLField(_("nettsted"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisasjon")
        verbose_name_plural = _("organisasjoner")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.org_number = orgnr.compact(self.org_number)
        validate_org_number(self.org_number)
        super().save(*args, **kwargs)


class Platform(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    INSTAGRAM = "instagram", "Instagram"
    LOCAL = "local", _("Lokal (test)")


class Channel(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Aktiv")
        NEEDS_RECONNECTION = "needs_reconnection", _("Må kobles til på nytt")
        PAUSED = "paused", _("Satt på pause")
        PENDING = "pending", _("Venter på tilkobling")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="channels")
    platform = models.CharField(_("plattform"), max_length=20, choices=Platform.choices)
    external_id = models.CharField(_("ekstern id"), max_length=100)
    name = models.CharField(_("navn"), max_length=200)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices, default=Status.ACTIVE)
    status_message = models.TextField(_("statusmelding"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="channel_unique_external_id")
        ]
        ordering = ["name"]
        verbose_name = _("kanal")
        verbose_name_plural = _("kanaler")

    def __str__(self):
        return f"{self.name} ({self.get_platform_display()})"


class PlatformState(models.TextChoices):
    VISIBLE = "visible", _("Synlig")
    HIDDEN = "hidden", _("Skjult")
    DELETED = "deleted", _("Slettet")


class Post(models.Model):
    """The municipality's own post on a channel."""

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="posts")
    external_id = models.CharField(max_length=100)
    text = models.TextField(_("tekst"), blank=True)
    permalink = models.URLField(_("lenke"), max_length=500, blank=True)
    created_time = models.DateTimeField(_("publisert"))
    updated_time = models.DateTimeField(null=True, blank=True)
    platform_state = models.CharField(
        _("plattformstatus"), max_length=10, choices=PlatformState.choices, default=PlatformState.VISIBLE
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="post_unique_external_id")
        ]
        indexes = [models.Index(fields=["channel", "-created_time"], name="post_channel_created")]
        ordering = ["-created_time"]
        verbose_name = _("innlegg")
        verbose_name_plural = _("innlegg")

    def __str__(self):
        return (self.text[:60] or self.external_id).replace("\n", " ")


class Comment(models.Model):
    """A comment or reply from the public (or the municipality's own reply, `from_page`).

    The triage_* columns hold the current decision (after any correction) so that queues and filters
    are single-table index scans; the full decision with reasons lives in the triage app.
    """

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="comments")
    post = models.ForeignKey(Post, on_delete=models.PROTECT, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies"
    )
    # Kept even when the parent has not arrived yet, so the link is made when it does.
    parent_external_id = models.CharField(max_length=100, blank=True, default="")
    external_id = models.CharField(max_length=100)
    author_external_id = models.CharField(_("forfatter-id"), max_length=100, blank=True)
    author_name = models.CharField(_("forfatter"), max_length=200, blank=True)
    from_page = models.BooleanField(_("fra kommunen"), default=False)
    text = models.TextField(_("tekst"), blank=True)
    created_time = models.DateTimeField(_("skrevet"))
    updated_time = models.DateTimeField(null=True, blank=True)
    platform_state = models.CharField(
        _("plattformstatus"), max_length=10, choices=PlatformState.choices, default=PlatformState.VISIBLE
    )
    first_seen_at = models.DateTimeField(auto_now_add=True)

    triage_moderation = models.CharField(max_length=10, blank=True, default="")
    triage_reason = models.CharField(max_length=20, blank=True, default="")
    triage_route = models.CharField(max_length=20, blank=True, default="")
    triage_sentiment = models.CharField(max_length=10, blank=True, default="")
    triage_reply = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "external_id"], name="comment_unique_external_id")
        ]
        indexes = [
            models.Index(fields=["-created_time", "-id"], name="comment_newest"),
            models.Index(fields=["channel", "-created_time", "-id"], name="comment_channel_newest"),
            models.Index(fields=["post", "created_time"], name="comment_post_created"),
            models.Index(fields=["platform_state", "-created_time", "-id"], name="comment_state_newest"),
            models.Index(fields=["triage_route", "-created_time", "-id"], name="comment_route_newest"),
            models.Index(fields=["triage_moderation", "-created_time", "-id"], name="comment_mod_newest"),
        ]
        ordering = ["-created_time", "-id"]
        verbose_name = _("kommentar")
        verbose_name_plural = _("kommentarer")

    def __str__(self):
        return (self.text[:60] or self.external_id).replace("\n", " ")


class CommentRevision(models.Model):
    """An earlier text of a comment; every edit is kept, nothing is overwritten without a copy."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    text = models.TextField()
    valid_from = models.DateTimeField(help_text="When this text appeared (platform time when known).")
    recorded_at = models.DateTimeField(auto_now_add=True)
    raw_event = models.ForeignKey(
        "RawEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["valid_from", "id"]
        verbose_name = _("tidligere versjon")
        verbose_name_plural = _("tidligere versjoner")

    def __str__(self):
        return f"{self.valid_from:%Y-%m-%d %H:%M}: {self.text[:60]}"


class RawEvent(models.Model):
    """A payload exactly as received, stored before anything is parsed or applied."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("Webhook")
        POLL = "poll", _("Henting")
        IMPORT = "import", _("Import")
        DEMO = "demo", _("Demo")

    class Status(models.TextChoices):
        PENDING = "pending", _("Venter")
        APPLIED = "applied", _("Behandlet")
        WAITING = "waiting", _("Venter på kanal")
        FAILED = "failed", _("Feilet")

    source = models.CharField(max_length=20, choices=Source.choices)
    platform = models.CharField(max_length=20, choices=Platform.choices, blank=True)
    channel = models.ForeignKey(
        Channel, null=True, blank=True, on_delete=models.PROTECT, related_name="raw_events"
    )
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    body = models.TextField(help_text="The payload as received (UTF-8 text).")
    content_hash = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    applied_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "content_hash"], name="rawevent_unique_payload")
        ]
        indexes = [models.Index(fields=["status", "id"], name="rawevent_status")]
        verbose_name = _("rå hendelse")
        verbose_name_plural = _("rå hendelser")

    def __str__(self):
        return f"{self.source} {self.content_hash[:12]}"
