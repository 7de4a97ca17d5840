"""Triage decisions: every decision the engine made, and every correction staff made, kept.

The current decision of a comment is also copied into the Comment's triage_* columns (owned by the inbox)
so queues and filters stay single-table scans.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Moderation(models.TextChoices):
    KEEP = "keep", _("Beholdes")
    REMOVE = "remove", _("Fjernes")


class Reason(models.TextChoices):
    THREAT = "threat", _("Trussel")
    HATE = "hate", _("Hatefull ytring")
    HARASSMENT = "harassment", _("Sjikane")
    SHAMING = "shaming", _("Uthenging")
    PERSONAL_DATA = "personal_data", _("Personopplysninger")
    SPAM = "spam", _("Spam/svindel")


class Route(models.TextChoices):
    NONE = "none", _("Ingen sak")
    SERVICE_QUESTION = "service_question", _("Spørsmål om tjenester")
    LIGHT_CASE = "light_case", _("Lett saksbehandling")
    FORMAL_INQUIRY = "formal_inquiry", _("Formell henvendelse")
    POLITICAL = "political", _("Politisk henvendelse")
    CORRECTION = "correction", _("Faktafeil")


class Sentiment(models.TextChoices):
    POSITIVE = "positive", _("Positiv")
    NEUTRAL = "neutral", _("Nøytral")
    NEGATIVE = "negative", _("Negativ")


class Reply(models.TextChoices):
    REQUIRED = "required", _("Må besvares")
    THANK = "thank", _("Takk")
    TRY = "try", _("Forsøk å svare")
    OPTIONAL = "optional", _("Valgfritt svar")
    NONE = "none", _("Ikke svar")


class TriageDecision(models.Model):
    class Kind(models.TextChoices):
        ENGINE = "engine", _("Automatisk")
        CORRECTION = "correction", _("Rettet av ansatt")

    comment = models.ForeignKey("inbox.Comment", on_delete=models.CASCADE, related_name="triage_decisions")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.ENGINE)
    is_current = models.BooleanField(default=True)
    moderation = models.CharField(_("moderering"), max_length=10, choices=Moderation.choices)
    reason = models.CharField(_("grunn"), max_length=20, choices=Reason.choices, blank=True, default="")
    route = models.CharField(_("rute"), max_length=20, choices=Route.choices)
    sentiment = models.CharField(_("holdning"), max_length=10, choices=Sentiment.choices)
    reply = models.CharField(_("svar"), max_length=10, choices=Reply.choices)
    confidence = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    model_version = models.CharField(max_length=60, blank=True)
    policy_version = models.CharField(max_length=60, blank=True)
    text_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the text that was decided.")
    # Corrections keep the text they were made on, so they can be exported as training data.
    text = models.TextField(blank=True)
    note = models.TextField(_("merknad"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["comment", "-created_at"], name="triage_comment_newest"),
            models.Index(fields=["kind", "-created_at"], name="triage_kind_newest"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["comment"], condition=models.Q(is_current=True), name="triage_one_current_per_comment"
            ),
        ]
        permissions = [
            ("correct_triagedecision", "Kan rette en vurdering"),
            ("export_triagedecision", "Kan eksportere rettelser som treningsdata"),
        ]
        verbose_name = _("vurdering")
        verbose_name_plural = _("vurderinger")

    def __str__(self):
        return f"{self.moderation}/{self.reason or '-'}/{self.route}/{self.sentiment}"
