"""Demo history of the desk for Fjordvik: a case of work for every comment that needs a reply, the
municipality's replies from the data file stored as published replies by the person who wrote them
(signed when a fagperson answered), first-response times, assignments and internal notes on open cases.

Triage's decision is used where triage has run; otherwise the data file's hand labels stand in for it.
Idempotent: existing items, replies, assignments and notes are left as they are.
"""

import json
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from somedesk.audit.services import record
from somedesk.inbox.models import Comment, PlatformState
from somedesk.replies import services
from somedesk.replies.models import DeskItem, DeskNote, Reply

ASSIGN_BY_ROUTE = {
    "light_case": "teknisk",
    "formal_inquiry": "byggesak",
    "correction": "servicetorg",
    "service_question": "servicetorg",
    "political": "servicetorg",
}
NOTES = {
    "light_case": "Sendt til driftsavdelingen, venter på svar om når det kan utbedres.",
    "formal_inquiry": "Svar med standardteksten og lenke til skjema; ikke saksbehandling i kommentarfeltet.",
    "political": "Henvist til politisk sekretariat, kopi til ordførers sekretær.",
}


def _labels():
    from somedesk.demo.loader import DATA_FILE

    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    intents, authors = {}, {}

    def walk(post_key, comments):
        for c in comments:
            suffix = f"{post_key}_{c['key']}"
            if c.get("intent"):
                intents[suffix] = c["intent"]
            if c.get("from_municipality"):
                authors[suffix] = c.get("by", "servicetorg")
            walk(post_key, c.get("replies", []))

    for post in data["posts"]:
        walk(post["key"], post.get("comments", []))
    return intents, authors


def load(organisation, stdout=None):
    from somedesk.accounts.models import User

    intents, authors = _labels()
    users = {u.username: u for u in User.objects.filter(organisation=organisation)}
    desk = users.get("servicetorg")
    comments = list(
        Comment.objects.filter(channel__organisation=organisation)
        .select_related("channel")
        .order_by("created_time", "pk")
    )
    # 1. cases of work
    opened = 0
    for c in comments:
        if (
            c.from_page
            or DeskItem.objects.filter(pk=c.pk).exists()
            or c.platform_state != PlatformState.VISIBLE
        ):
            continue
        if c.triage_reply:
            opened += services.items_open_for([c.pk])
            continue
        intent = intents.get(c.external_id.split("_", 1)[-1], "")
        if intent and not intent.startswith("remove") and intent != "none":
            services.item_open(c, intent, "required")
            opened += 1
    # 2. the municipality's replies, as published replies by the person who wrote them
    by_pk = {c.pk: c for c in comments}
    replied = 0
    for c in comments:
        if not c.from_page or c.parent_id is None or Reply.objects.filter(external_id=c.external_id).exists():
            continue
        author = users.get(authors.get(c.external_id.split("_", 1)[-1], "servicetorg")) or desk
        signature = services.signature_for(author) if author else ""
        parent = by_pk.get(c.parent_id)
        if parent is None:
            continue
        _publish_history(
            organisation,
            parent,
            author,
            body=c.text,
            signature=signature,
            text=c.text,
            language="nb",
            template="",
            external_id=c.external_id,
            at=c.created_time,
        )
        replied += 1
    # 3. a desk that answers: questions older than three days got an answer from the composer's template,
    #    most within the deadline, some late, so the response-times report has a real story to tell
    answered = _answer_older_questions(organisation, users, desk)
    # 4. assignments and notes on what is still open
    assigned = 0
    for item in DeskItem.objects.filter(organisation=organisation, is_open=True, assignee__isnull=True):
        who = users.get(ASSIGN_BY_ROUTE.get(item.route, "servicetorg"))
        if who is not None and item.pk % 3 != 0:  # leave some unassigned, as on a real desk
            services.item_assign(item, who, actor=desk)
            assigned += 1
            if item.route in NOTES and not DeskNote.objects.filter(item=item).exists():
                services.item_note_add(item, NOTES[item.route], actor=who)
    # 5. a desk that keeps up: thanks and replies to negative comments that were not given within a week
    #    are closed (the guideline says "try"), questions stay open until they are answered
    closed = 0
    week_ago = timezone.now() - timedelta(days=7)
    for item in DeskItem.objects.filter(
        organisation=organisation, is_open=True, reply_rule__in=("thank", "try"), received_at__lt=week_ago
    ):
        services.item_set_status(item, DeskItem.Status.CLOSED, actor=desk)
        closed += 1
    if stdout is not None:
        stdout.write(
            f"Desk: {closed} old thanks closed; {opened} cases opened, {replied + answered} replies, "
            f"{assigned} assignments.\n"
        )


# Working hours from arrival to answer, chosen by the comment id so every load tells the same story:
# most answers well within the four-hour target, a tail of late ones.
ANSWER_HOURS = (0.4, 0.8, 1.2, 1.5, 2.0, 2.5, 3.0, 3.5, 0.6, 5.5, 1.0, 9.0)


def _answer_older_questions(organisation, users, desk) -> int:
    from somedesk.lib.workinghours import add_working_hours
    from somedesk.replies import conf

    if desk is None:
        return 0
    cutoff = timezone.now() - timedelta(days=3)
    answered = 0
    items = DeskItem.objects.filter(
        organisation=organisation,
        is_open=True,
        reply_rule="required",
        received_at__lt=cutoff,
        first_response_at__isnull=True,
    ).select_related("comment")
    for item in items:
        comment = item.comment
        author = users.get(ASSIGN_BY_ROUTE.get(item.route, "servicetorg")) or desk
        at = add_working_hours(
            item.received_at, ANSWER_HOURS[comment.pk % len(ANSWER_HOURS)], conf.schedule()
        )
        if at > timezone.now():
            continue
        draft = services.draft_for(comment, author)
        signature = services.signature_for(author)
        _publish_history(
            organisation,
            comment,
            author,
            body=draft.body,
            signature=signature,
            text=services.compose_text(draft.body, signature),
            language=draft.language,
            template=draft.template,
            external_id=f"demo-reply-{comment.pk}",
            at=at,
        )
        answered += 1
    return answered


def _publish_history(
    organisation, comment, author, *, body, signature, text, language, template, external_id, at
) -> Reply:
    """A reply the desk published at `at`: stored, audited at that time, counted as the first response,
    and the work item marked answered (or referred, for political questions)."""
    with transaction.atomic():
        reply = Reply.objects.create(
            comment=comment,
            organisation=organisation,
            author=author,
            body=body,
            signature=signature,
            text=text,
            on_behalf=not signature,
            language=language,
            template=template,
            state=Reply.State.PUBLISHED,
            external_id=external_id,
            created_at=at,
            published_at=at,
        )
        record(
            author,
            "reply.publish",
            reply,
            {"comment": comment.pk, "demo": True},
            organisation=organisation,
            at=at,
        )
        item = DeskItem.objects.filter(pk=comment.pk).first()
        if item is not None:
            services.item_record_first_response(item, at)
            if item.is_open:
                status = DeskItem.Status.REFERRED if item.route == "political" else DeskItem.Status.ANSWERED
                services.item_set_status(item, status, actor=author)
    return reply
