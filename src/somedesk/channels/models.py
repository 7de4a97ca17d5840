"""What somedesk keeps about its connection to each platform: the encrypted token, where polling got
to, the outgoing actions with their visible state, and webhook counters. The channel itself
(inbox.Channel) belongs to the inbox."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelConnection(models.Model):
    """The secret and the pacing state of one channel. The token is Fernet-encrypted at rest and never
    shown again after entry."""

    channel = models.OneToOneField("inbox.Channel", on_delete=models.CASCADE, related_name="connection")
    token_encrypted = models.TextField(blank=True)
    token_updated_at = models.DateTimeField(null=True, blank=True)
    # Rate limiting: no calls before backoff_until; level grows with each throttle and resets on success.
    backoff_until = models.DateTimeField(null=True, blank=True)
    backoff_level = models.PositiveSmallIntegerField(default=0)
    usage = models.JSONField(
        default=dict, blank=True, help_text="Last X-App-Usage / X-Business-Use-Case-Usage"
    )
    last_poll_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    backfilled_at = models.DateTimeField(null=True, blank=True)
    # Demo / webhook-less mode: polling is the only way in, run more often.
    webhookless = models.BooleanField(_("uten webhooks"), default=False)
    replies_per_minute = models.PositiveSmallIntegerField(_("offentlige svar per minutt"), default=30)

    class Meta:
        verbose_name = _("kanaltilkobling")
        verbose_name_plural = _("kanaltilkoblinger")
        permissions = [("reconnect_channel", _("Kan koble til kanaler på nytt"))]

    def __str__(self):
        return f"connection of channel {self.channel_id}"


class SyncCursor(models.Model):
    """Where polling got to, per channel and listing (``posts`` or ``comments:<post id>``)."""

    channel = models.ForeignKey("inbox.Channel", on_delete=models.CASCADE, related_name="sync_cursors")
    key = models.CharField(max_length=200)
    cursor = models.TextField(blank=True)
    since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["channel", "key"], name="synccursor_unique_key")]
        verbose_name = _("synkroniseringspunkt")
        verbose_name_plural = _("synkroniseringspunkter")

    def __str__(self):
        return f"{self.channel_id}:{self.key}"


class OutgoingAction(models.Model):
    """Something somedesk asked a platform to do; its state is always visible to the user."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Skjul")
        UNHIDE = "unhide", _("Vis igjen")
        DELETE = "delete", _("Slett")
        REPLY = "reply", _("Svar")
        PUBLISH = "publish", _("Publiser")
        BLOCK = "block", _("Blokker")

    class State(models.TextChoices):
        PENDING = "pending", _("Venter")
        DONE = "done", _("Utført")
        FAILED = "failed", _("Feilet")

    channel = models.ForeignKey("inbox.Channel", on_delete=models.PROTECT, related_name="outgoing_actions")
    kind = models.CharField(_("handling"), max_length=10, choices=Kind.choices)
    target_external_id = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    platform_message = models.TextField(_("melding fra plattformen"), blank=True)
    result_external_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    not_before = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["state", "not_before"], name="outgoing_state_due"),
            models.Index(fields=["channel", "kind", "done_at"], name="outgoing_pacing"),
        ]
        ordering = ["-created_at"]
        verbose_name = _("utgående handling")
        verbose_name_plural = _("utgående handlinger")

    def __str__(self):
        return f"{self.get_kind_display()} {self.target_external_id} ({self.get_state_display()})"


class WebhookCounter(models.Model):
    """How many webhook requests of each kind arrived; refused requests leave only this behind."""

    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Godtatt")
        BAD_SIGNATURE = "bad_signature", _("Feil signatur")
        MISSING_SIGNATURE = "missing_signature", _("Mangler signatur")
        TOO_LARGE = "too_large", _("For stor")
        MALFORMED = "malformed", _("Uleselig")
        DUPLICATE = "duplicate", _("Duplikat")
        VERIFY_FAILED = "verify_failed", _("Feil verifisering")

    platform = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    count = models.PositiveBigIntegerField(default=0)
    last_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "kind"], name="webhookcounter_unique")]
        verbose_name = _("webhook-teller")
        verbose_name_plural = _("webhook-tellere")

    def __str__(self):
        return f"{self.platform} {self.kind}: {self.count}"


class LocalAction(models.Model):
    """What the `local` platform (demo and tests, no network) was asked to do."""

    channel = models.ForeignKey("inbox.Channel", on_delete=models.CASCADE, related_name="local_actions")
    kind = models.CharField(max_length=10)
    target_external_id = models.CharField(max_length=100, blank=True)
    text = models.TextField(blank=True)
    result_external_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.kind} {self.target_external_id}"
