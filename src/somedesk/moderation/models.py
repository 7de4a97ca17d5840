"""What the desk did to a comment on the platform, and the evidence of it.

Evidence is a snapshot taken when the action was requested: the text and every revision, the author,
the times, the raw payloads as received, the triage decision at that moment, who acted, when and why.
It is copied, not referenced, so it outlives the platform copy (and any later edit of the inbox row),
until the retention period of the policy has passed and the purge job blanks it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Evidence(models.Model):
    class Action(models.TextChoices):
        HIDE = "hide", _("Skjult")
        AUTO_HIDE = "auto_hide", _("Skjult automatisk")
        UNHIDE = "unhide", _("Vist igjen")
        DELETE = "delete", _("Slettet")
        BLOCK = "block", _("Forfatter blokkert")

    class PlatformStatus(models.TextChoices):
        PENDING = "pending", _("Venter")
        DONE = "done", _("Utført")
        FAILED = "failed", _("Feilet")

    organisation = models.ForeignKey("inbox.Organisation", on_delete=models.PROTECT, related_name="+")
    comment = models.ForeignKey(
        "inbox.Comment", null=True, blank=True, on_delete=models.SET_NULL, related_name="evidence"
    )
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("grunn"), max_length=20, blank=True)  # a removal reason code
    why = models.TextField(_("begrunnelse"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("utført av"), max_length=200)
    acted_at = models.DateTimeField(_("tidspunkt"))
    # the snapshot
    platform = models.CharField(max_length=20)
    channel_name = models.CharField(max_length=200)
    comment_external_id = models.CharField(max_length=100)
    post_external_id = models.CharField(max_length=100, blank=True)
    post_text = models.TextField(blank=True)
    author_external_id = models.CharField(_("forfatter-id"), max_length=100, blank=True)
    author_name = models.CharField(_("forfatter"), max_length=200, blank=True)
    text = models.TextField(_("tekst"), blank=True)
    revisions = models.JSONField(_("tidligere versjoner"), default=list, blank=True)
    comment_created_time = models.DateTimeField(null=True, blank=True)
    comment_updated_time = models.DateTimeField(null=True, blank=True)
    first_seen_at = models.DateTimeField(null=True, blank=True)
    raw_payloads = models.JSONField(_("rå data"), default=list, blank=True)
    triage = models.JSONField(_("vurdering"), default=dict, blank=True)
    # what the platform said
    platform_status = models.CharField(
        max_length=10, choices=PlatformStatus.choices, default=PlatformStatus.PENDING
    )
    platform_message = models.TextField(blank=True)
    outgoing_action = models.ForeignKey(
        "channels.OutgoingAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # retention
    purge_after = models.DateTimeField(db_index=True)
    purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-acted_at", "-id"]
        indexes = [models.Index(fields=["organisation", "-acted_at", "-id"], name="evidence_org_newest")]
        permissions = [
            ("moderate_comment", "Can hide, unhide and delete comments and block authors"),
            ("review_moderation", "Can confirm or restore what was hidden"),
        ]
        verbose_name = _("bevis")
        verbose_name_plural = _("bevis")

    def __str__(self):
        return f"{self.get_action_display()} {self.comment_external_id}"


class Review(models.Model):
    """A comment triage wants removed, waiting for a person: hidden automatically (confirm or restore)
    or flagged and still visible (hide, delete or keep)."""

    class Kind(models.TextChoices):
        AUTO_HIDDEN = "auto_hidden", _("Skjult automatisk")
        FLAGGED = "flagged", _("Foreslått fjernet")

    class State(models.TextChoices):
        PENDING = "pending", _("Til vurdering")
        CONFIRMED = "confirmed", _("Bekreftet fjernet")
        RESTORED = "restored", _("Gjenopprettet")
        KEPT = "kept", _("Beholdt")

    organisation = models.ForeignKey("inbox.Organisation", on_delete=models.PROTECT, related_name="+")
    comment = models.OneToOneField(
        "inbox.Comment", on_delete=models.PROTECT, related_name="moderation_review"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.CharField(_("grunn"), max_length=20)
    state = models.CharField(_("status"), max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "state", "-created_at", "-id"], name="review_queue")]
        verbose_name = _("moderering til vurdering")
        verbose_name_plural = _("moderering til vurdering")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.comment_id} ({self.get_state_display()})"
