"""The desk's work on comments that need an answer: one DeskItem per such comment (its status,
assignee and deadline), internal notes that never reach the platform, and the replies published.

Queue pages read DeskItem alone through one of its indexes (no join to Comment until the 50 rows of a
page are fetched), so they stay fast with a million comments.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeskItem(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("Ny")
        IN_PROGRESS = "in_progress", _("Under arbeid")
        ANSWERED = "answered", _("Besvart")
        REFERRED = "referred", _("Henvist")
        CLOSED = "closed", _("Lukket")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    comment = models.OneToOneField(
        "inbox.Comment", primary_key=True, on_delete=models.PROTECT, related_name="desk_item"
    )
    organisation = models.ForeignKey("inbox.Organisation", on_delete=models.PROTECT, related_name="+")
    route = models.CharField(_("rute"), max_length=20)
    reply_rule = models.CharField(_("svarregel"), max_length=10)  # required / thank / try
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NEW)
    # Kept in step with status by save(): one equality column lets the open queues use one index range.
    # 0/1 rather than a BooleanField: Django writes `is_open=True` as a bare column in WHERE, which
    # SQLite cannot match to the equality part of an index (it scans the table); `= 1` uses the index.
    is_open = models.PositiveSmallIntegerField(default=1)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="desk_items",
        verbose_name=_("ansvarlig"),
    )
    received_at = models.DateTimeField(_("mottatt"))
    week = models.DateField(help_text="Monday of the local week it was received (for the report).")
    target_hours = models.FloatField(_("svarfrist i arbeidstimer"))
    due_at = models.DateTimeField(_("frist"))
    first_response_at = models.DateTimeField(_("første svar"), null=True, blank=True)
    response_seconds = models.PositiveIntegerField(
        null=True, blank=True, help_text="Working seconds from received to first response."
    )
    answered_in_time = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "comment_id"]
        indexes = [
            models.Index(fields=["organisation", "is_open", "due_at", "comment"], name="desk_open_due"),
            models.Index(
                fields=["organisation", "is_open", "route", "due_at", "comment"], name="desk_route_due"
            ),
            models.Index(fields=["assignee", "is_open", "due_at", "comment"], name="desk_mine_due"),
            models.Index(
                # covering for the response-times report: counts and times without touching the table
                fields=["organisation", "week", "route", "response_seconds", "answered_in_time", "due_at"],
                name="desk_report",
            ),
        ]
        permissions = [
            ("work_deskitem", "Can assign, change status and write notes on desk items"),
            ("view_response_times", "Can see the response-times report"),
        ]
        verbose_name = _("sak på desken")
        verbose_name_plural = _("saker på desken")

    def __str__(self):
        # The label straight from the enum: get_status_display() rebuilds a dict of every lazy label per
        # call, and this runs for each new desk item (its audit entry's text) in every webhook batch.
        label = self.Status(self.status).label if self.status in self.Status.values else self.status
        return f"{label}: {self.comment_id}"

    def save(self, *args, **kwargs):
        self.is_open = int(self.status in self.OPEN_STATUSES)
        if kwargs.get("update_fields") is not None and "status" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_open"}
        super().save(*args, **kwargs)


class DeskNote(models.Model):
    """An internal note on a desk item. Never sent to the platform."""

    item = models.ForeignKey(DeskItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("notat"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internt notat")
        verbose_name_plural = _("interne notater")

    def __str__(self):
        return self.text[:60]


class Reply(models.Model):
    """A reply the desk published (or is publishing) under a comment."""

    class State(models.TextChoices):
        PENDING = "pending", _("Sendes")
        PUBLISHED = "published", _("Publisert")
        FAILED = "failed", _("Feilet")

    comment = models.ForeignKey("inbox.Comment", on_delete=models.PROTECT, related_name="desk_replies")
    organisation = models.ForeignKey("inbox.Organisation", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("tekst"))  # what the user wrote
    signature = models.CharField(_("signatur"), max_length=300, blank=True)
    text = models.TextField(_("publisert tekst"))  # body + signature: exactly what went out
    on_behalf = models.BooleanField(_("på vegne av kommunen"), default=True)
    language = models.CharField(max_length=2, default="nb")
    template = models.CharField(max_length=40, blank=True)
    check_hits = models.JSONField(default=list, blank=True)
    override_reason = models.TextField(blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    platform_message = models.TextField(blank=True)
    external_id = models.CharField(_("plattform-id"), max_length=100, blank=True)
    outgoing_action = models.ForeignKey(
        "channels.OutgoingAction", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("svar")
        verbose_name_plural = _("svar")

    def __str__(self):
        return self.text[:60]
