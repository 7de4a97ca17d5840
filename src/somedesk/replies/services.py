"""Every write of the replies app: desk items (cases of work) with deadlines, assignment, status, notes,
and replies (signature rule, check before publishing, publishing through the channel adapter, first
response time)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from somedesk.accounts.roles import Role
from somedesk.audit.services import Entry, record, record_many
from somedesk.channels.models import OutgoingAction
from somedesk.channels.services import action_perform, action_request
from somedesk.inbox.models import Comment, PlatformState
from somedesk.lib.workinghours import add_working_hours, week_start, working_seconds_between
from somedesk.replies import conf
from somedesk.replies.checks import check_reply
from somedesk.replies.models import DeskItem, DeskNote, Reply

REPLY_RULES_WITH_ITEM = ("required", "thank", "try")


# --- desk items ----------------------------------------------------------------------------------------


def _deadline(received_at, route: str):
    hours = conf.target_hours(route)
    return hours, add_working_hours(received_at, hours, conf.schedule())


def _item_new(comment: Comment, route: str, reply_rule: str) -> tuple[DeskItem, Entry]:
    """An unsaved case of work for a comment, with its deadline in working hours from arrival, and the
    audit entry that goes with it."""
    hours, due = _deadline(comment.created_time, route)
    item = DeskItem(
        comment=comment,
        organisation_id=comment.channel.organisation_id,
        route=route,
        reply_rule=reply_rule,
        received_at=comment.created_time,
        week=week_start(comment.created_time, conf.schedule().timezone),
        target_hours=hours,
        due_at=due,
    )
    entry = Entry(
        None,
        "desk_item.open",
        item,
        {"route": route, "due_at": due.isoformat()},
        comment.channel.organisation_id,
        "system",
    )
    return item, entry


def item_open(comment: Comment, route: str, reply_rule: str) -> DeskItem:
    """Open the case of work for one comment."""
    item, entry = _item_new(comment, route, reply_rule)
    with transaction.atomic():
        item.save(force_insert=True)
        record_many([entry])
    return item


def items_open_for(comment_ids: list[int]) -> int:
    """Open a desk item for every comment that needs a reply (triage_reply required/thank/try) and has
    none; update the route and deadline of open items whose triage changed. Idempotent.

    New items are inserted together with one audit event each in a single statement per table, since
    this runs for every webhook batch."""
    comments = list(
        Comment.objects.filter(pk__in=comment_ids, from_page=False)
        .select_related("channel")
        .only(
            "pk",
            "created_time",
            "triage_route",
            "triage_reply",
            "triage_moderation",
            "platform_state",
            "channel__organisation_id",
        )
    )
    existing = {item.pk: item for item in DeskItem.objects.filter(pk__in=[c.pk for c in comments])}
    new_items: list[DeskItem] = []
    entries: list[Entry] = []
    with transaction.atomic():
        for comment in comments:
            needs = (
                comment.triage_reply in REPLY_RULES_WITH_ITEM
                and comment.triage_moderation != "remove"
                and comment.platform_state == PlatformState.VISIBLE
            )
            item = existing.get(comment.pk)
            route = comment.triage_route or "none"
            org_id = comment.channel.organisation_id
            if item is None and needs:
                item, entry = _item_new(comment, route, comment.triage_reply)
                new_items.append(item)
                entries.append(entry)
            elif item is not None and item.is_open and (item.route != route or not needs):
                if not needs:
                    item.status = DeskItem.Status.CLOSED
                    changes = {"status": "closed", "why": "triage no longer asks for a reply"}
                else:
                    item.route, item.reply_rule = route, comment.triage_reply
                    item.target_hours, item.due_at = _deadline(item.received_at, route)
                    changes = {"route": route, "due_at": item.due_at.isoformat()}
                item.save()
                entries.append(Entry(None, "desk_item.update", item, changes, org_id, "system"))
        DeskItem.objects.bulk_create(new_items, batch_size=500)
        record_many(entries)
    return len(new_items)


def item_close_removed(comment: Comment, actor) -> None:
    item = DeskItem.objects.filter(pk=comment.pk, is_open=True).first()
    if item is not None:
        item.status = DeskItem.Status.CLOSED
        item.save(update_fields=["status", "updated_at"])
        record(
            actor,
            "desk_item.status",
            item,
            {"status": "closed", "why": "comment removed"},
            organisation=item.organisation,
        )


def item_assign(item: DeskItem, assignee, *, actor) -> DeskItem:
    if assignee is not None and assignee.organisation_id != item.organisation_id:
        raise PermissionDenied("cannot assign to a user of another organisation")
    with transaction.atomic():
        before = item.assignee.get_username() if item.assignee_id else None
        item.assignee = assignee
        if assignee is not None and item.status == DeskItem.Status.NEW:
            item.status = DeskItem.Status.IN_PROGRESS
        item.save(update_fields=["assignee", "status", "updated_at"])
        record(
            actor,
            "desk_item.assign",
            item,
            {"assignee": [before, assignee.get_username() if assignee else None]},
            organisation=item.organisation,
        )
    return item


def item_set_status(item: DeskItem, status: str, *, actor) -> DeskItem:
    if status not in DeskItem.Status.values:
        raise ValidationError("unknown status")
    with transaction.atomic():
        before = item.status
        item.status = status
        item.save(update_fields=["status", "updated_at"])
        record(actor, "desk_item.status", item, {"status": [before, status]}, organisation=item.organisation)
    return item


def item_note_add(item: DeskItem, text: str, *, actor) -> DeskNote:
    text = text.strip()
    if not text:
        raise ValidationError(_("Notatet er tomt."))
    with transaction.atomic():
        note = DeskNote.objects.create(item=item, author=actor, text=text)
        record(
            actor,
            "desk_note.add",
            item,
            {"note": note.pk, "length": len(text)},
            organisation=item.organisation,
        )
    return note


def item_record_first_response(item: DeskItem, at) -> bool:
    """Record the first response (only the first counts). Returns True if it was recorded now."""
    if item.first_response_at is not None:
        return False
    seconds = working_seconds_between(item.received_at, at, conf.schedule())
    updated = DeskItem.objects.filter(pk=item.pk, first_response_at__isnull=True).update(
        first_response_at=at, response_seconds=seconds, answered_in_time=at <= item.due_at
    )
    if updated:
        item.first_response_at, item.response_seconds, item.answered_in_time = at, seconds, at <= item.due_at
        record(
            None,
            "desk_item.first_response",
            item,
            {"at": at.isoformat(), "working_seconds": seconds, "in_time": item.answered_in_time},
            organisation=item.organisation,
            actor_label="system",
        )
    return bool(updated)


def page_replies_record(comment_ids: list[int]) -> int:
    """The page answered directly on the platform: a from_page reply counts as the first response."""
    n = 0
    for reply in Comment.objects.filter(pk__in=comment_ids, from_page=True, parent__isnull=False):
        item = DeskItem.objects.filter(pk=reply.parent_id).first()
        if item is not None and item_record_first_response(item, reply.created_time):
            n += 1
    return n


# --- the composer --------------------------------------------------------------------------------------


def signs_personally(user) -> bool:
    """Guideline 4.1: general questions are answered on behalf of the municipality without a name;
    a fagperson answering a professional question always signs with full name and title."""
    return user.has_role(Role.FAGPERSON)


def signature_for(user) -> str:
    if not signs_personally(user):
        return ""
    parts = [user.get_full_name().strip(), user.job_title.strip(), user.unit.strip()]
    return ", ".join(p for p in parts if p)


def compose_text(body: str, signature: str) -> str:
    """The text that goes out: the body and, when required, the signature, which cannot be left out."""
    body = body.strip()
    if not signature:
        return body
    if body.endswith(signature):  # the client sent it along: never twice
        body = body[: -len(signature)].rstrip(" \n-–—")
    return f"{body}\n\n– {signature}"


@dataclass
class Draft:
    template: str
    language: str
    body: str
    signature: str


def draft_for(comment: Comment, user, *, template: str = "", language: str = "") -> Draft:
    from somedesk.lib.language import detect

    language = language if language in ("nb", "nn") else detect(comment.text)
    template = template or conf.default_template(comment.triage_route or "none", comment.triage_reply)
    return Draft(
        template, language, conf.render_template(template, language, comment.text), signature_for(user)
    )


class CheckFailed(Exception):
    def __init__(self, hits):
        super().__init__("the reply did not pass the check before publishing")
        self.hits = hits


def reply_publish(
    comment: Comment,
    *,
    author,
    body: str,
    template: str = "",
    language: str = "nb",
    override_reason: str = "",
) -> Reply:
    """Check, sign and publish a reply through the channel adapter. A check hit blocks publishing unless
    the user gives a reason to override it (audited)."""
    if comment.from_page:
        raise ValidationError(_("Kommunens egne svar besvares ikke."))
    if comment.platform_state != PlatformState.VISIBLE:
        raise ValidationError(_("Kommentaren er ikke synlig på plattformen og kan ikke besvares."))
    signature = signature_for(author)
    text = compose_text(body, signature)
    if not body.strip():
        raise ValidationError(_("Svaret er tomt."))
    hits = check_reply(text)
    override_reason = override_reason.strip()
    if hits and not override_reason:
        raise CheckFailed(hits)
    org = comment.channel.organisation
    now = timezone.now()
    with transaction.atomic():
        outgoing = action_request(
            comment.channel,
            "reply",
            target_external_id=comment.external_id,
            text=text,
            actor=author,
            run=False,
        )
        reply = Reply.objects.create(
            comment=comment,
            organisation=org,
            author=author,
            body=body.strip(),
            signature=signature,
            text=text,
            on_behalf=not signature,
            language=language,
            template=template,
            check_hits=[h.as_dict() for h in hits],
            override_reason=override_reason if hits else "",
            outgoing_action=outgoing,
            created_at=now,
        )
        if hits:
            record(
                author,
                "reply.check_override",
                reply,
                {"reason": override_reason, "hits": [{"kind": h.kind} for h in hits]},
                organisation=org,
            )
        record(
            author,
            "reply.publish",
            reply,
            {
                "comment": comment.pk,
                "template": template,
                "language": language,
                "signed": bool(signature),
                "platform_action": outgoing.pk,
            },
            organisation=org,
        )
        transaction.on_commit(lambda: reply_perform(reply.pk))
    return reply


def reply_perform(reply_id: int) -> Reply:
    reply = Reply.objects.get(pk=reply_id)
    if reply.outgoing_action_id:
        action_perform(reply.outgoing_action_id)
    return reply_sync(reply)


def reply_sync(reply: Reply) -> Reply:
    """Apply the platform's answer: keep the platform id, record the first response, mark the item."""
    if reply.state != Reply.State.PENDING or reply.outgoing_action_id is None:
        return reply
    outgoing = OutgoingAction.objects.get(pk=reply.outgoing_action_id)
    if outgoing.state == OutgoingAction.State.PENDING:
        reply.platform_message = outgoing.platform_message
        Reply.objects.filter(pk=reply.pk).update(platform_message=reply.platform_message)
        return reply
    with transaction.atomic():
        reply.platform_message = outgoing.platform_message
        if outgoing.state == OutgoingAction.State.DONE:
            reply.state = Reply.State.PUBLISHED
            reply.external_id = outgoing.result_external_id
            reply.published_at = outgoing.done_at or timezone.now()
        else:
            reply.state = Reply.State.FAILED
        reply.save(update_fields=["state", "external_id", "published_at", "platform_message"])
        record(
            None,
            f"reply.{reply.state}",
            reply,
            {"external_id": reply.external_id, "message": reply.platform_message[:500]},
            organisation=reply.organisation,
            actor_label="system",
        )
        if reply.state == Reply.State.PUBLISHED:
            item = DeskItem.objects.filter(pk=reply.comment_id).first()
            if item is not None:
                item_record_first_response(item, reply.published_at)
                if item.is_open:
                    new = DeskItem.Status.REFERRED if item.route == "political" else DeskItem.Status.ANSWERED
                    item.status = new
                    item.save(update_fields=["status", "updated_at"])
                    record(
                        None,
                        "desk_item.status",
                        item,
                        {"status": new, "reply": reply.pk},
                        organisation=item.organisation,
                        actor_label="system",
                    )
    return reply


def replies_sync_pending() -> int:
    n = 0
    for reply in Reply.objects.filter(state=Reply.State.PENDING).order_by("id")[:500]:
        if reply_sync(reply).state != Reply.State.PENDING:
            n += 1
    return n
