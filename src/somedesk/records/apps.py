from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from somedesk.lib.navigation import NavItem

VIEW = "records.view_records"
JOURNAL = "records.journal_comment"
CLOSE = "records.close_case"
SCREENED = "records.view_screened"
EXPORT = "records.export_records"


class RecordsConfig(AppConfig):
    name = "somedesk.records"
    label = "records"
    verbose_name = _("Arkiv")

    nav_items = [
        NavItem(60, _("Saker"), "records:case_list", VIEW),
        NavItem(65, _("Offentlig journal"), "records:public_journal", ""),
    ]
    role_permissions = {
        "servicetorg": {VIEW, JOURNAL, CLOSE, SCREENED},
        "redaktor": {VIEW},
        "fagperson": {VIEW},
        "arkivar": {VIEW, JOURNAL, CLOSE, SCREENED, EXPORT},
        "leder": {VIEW, SCREENED},
    }

    def ready(self):
        from somedesk.records import signals  # noqa: F401  (connects to the replies app when it exists)

    def demo_load(self, organisation, stdout):
        """Light cases of the last 60 days: saksmappe, incoming journalpost with the comment as PDF/A,
        the published answer as outgoing journalpost, and cases older than a week closed.
        Idempotent: a comment that already has a case is skipped."""
        from django.utils import timezone

        from somedesk.accounts.models import User
        from somedesk.inbox.models import Comment
        from somedesk.records.models import Saksmappe, Saksstatus
        from somedesk.records.services import case_close, case_open_from_comment, journal_answer

        now = timezone.now()
        comments = (
            Comment.objects.filter(
                channel__organisation=organisation,
                from_page=False,
                created_time__gte=now - timedelta(days=60),
            )
            .select_related("channel", "post", "parent")
            .order_by("created_time", "id")
        )
        decided = comments.exclude(triage_route="")
        if decided.exists():
            chosen = list(decided.filter(triage_route="light_case"))
        else:
            chosen = [c for c in comments if _demo_intent(c) == "light_case"]
        desk = (
            User.objects.filter(organisation=organisation, groups__name="servicetorg").order_by("id").first()
            or User.objects.filter(organisation=organisation).order_by("id").first()
        )
        archivist = (
            User.objects.filter(organisation=organisation, groups__name="arkivar").order_by("id").first()
        )
        created = 0
        for comment in chosen:
            if Saksmappe.objects.filter(source_comment=comment).exists():
                continue
            opened_at = min(comment.created_time + timedelta(minutes=40), now)
            case = case_open_from_comment(desk, comment, route="light_case", now=opened_at)
            created += 1
            done_at = opened_at
            reply = _published_reply(comment)
            if reply is not None:  # the desk's reply (replies app), so a later signal never journals it twice
                author = reply.author or desk
                journal_answer(
                    case,
                    text=reply.text,
                    published_at=reply.published_at,
                    user=author,
                    signature=reply.signature or (author.signature if author else ""),
                    reply_id=reply.pk,
                    permalink=case.source_comment.post.permalink,
                )
                done_at = reply.published_at
            else:
                answer = comment.replies.filter(from_page=True).order_by("created_time").first()
                if answer is not None:
                    journal_answer(
                        case,
                        text=answer.text,
                        published_at=answer.created_time,
                        user=desk,
                        signature=desk.signature if desk else "",
                        reply_id=None,
                        permalink=case.source_comment.post.permalink,
                    )
                    done_at = answer.created_time
            # Cases of the last week stay open; older ones are closed, so an export of the demo up to a week
            # ago is a complete period without gaps.
            if comment.created_time < now - timedelta(days=7):
                case_close(archivist or desk, case, now=max(done_at, opened_at) + timedelta(days=1))
        if stdout is not None:
            total = Saksmappe.objects.filter(organisation=organisation).count()
            closed = Saksmappe.objects.filter(
                organisation=organisation, saksstatus=Saksstatus.AVSLUTTET
            ).count()
            stdout.write(f"Records: {created} new light cases ({total} in all, {closed} closed).\n")


_INTENTS = None


def _published_reply(comment):
    from django.apps import apps as django_apps

    try:
        reply_model = django_apps.get_model("replies", "Reply")
    except LookupError:
        return None
    return (
        reply_model.objects.filter(comment=comment, state="published", published_at__isnull=False)
        .select_related("author")
        .order_by("published_at", "id")
        .first()
    )


def _demo_intent(comment) -> str:
    """The demo data's own label for a comment, used only when triage has not decided routes."""
    global _INTENTS
    if _INTENTS is None:
        from somedesk.demo.loader import load_data

        _INTENTS = {}

        def walk(items, post_key):
            for item in items:
                _INTENTS[(post_key, item["key"])] = item.get("intent", "")
                walk(item.get("replies", []), post_key)

        for post in load_data()["posts"]:
            walk(post.get("comments", []), post["key"])
    parts = comment.external_id.rsplit("_", 2)
    if len(parts) != 3:
        return ""
    return _INTENTS.get((parts[1], parts[2]), "")
