from django.http import Http404

from somedesk.moderation.models import Evidence, Review


def access_review(user, pk) -> Review:
    review = (
        Review.objects.select_related("comment", "comment__channel")
        .filter(pk=pk, organisation_id=user.organisation_id)
        .first()
    )
    if review is None:
        raise Http404
    return review


def access_evidence(user, pk) -> Evidence:
    evidence = Evidence.objects.filter(pk=pk, organisation_id=user.organisation_id).first()
    if evidence is None:
        raise Http404
    return evidence
