"""Reads for moderation: the review queue and evidence lists (one index range each)."""

from somedesk.moderation.models import Evidence, Review

PAGE_SIZE = 25  # each row carries its evidence links and a decision form


def review_queue(user, *, page: int = 1):
    start = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        Review.objects.filter(organisation_id=user.organisation_id, state=Review.State.PENDING)
        .order_by("-created_at", "-id")
        .select_related("comment", "comment__channel")
        .prefetch_related("comment__evidence")[start : start + PAGE_SIZE + 1]
    )
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def review_count(user) -> int:
    return Review.objects.filter(organisation_id=user.organisation_id, state=Review.State.PENDING).count()


def evidence_for_comment(comment):
    return Evidence.objects.filter(comment=comment).order_by("-acted_at", "-id")
