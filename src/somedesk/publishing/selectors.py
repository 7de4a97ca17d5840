from somedesk.publishing.models import Publication


def publications_for(user, status: str = ""):
    qs = (
        Publication.objects.filter(organisation=user.organisation)
        .select_related("created_by", "approved_by")
        .prefetch_related("channels", "targets__action")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def publication_counts(user) -> dict[str, int]:
    from django.db.models import Count

    rows = Publication.objects.filter(organisation=user.organisation).values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}
