"""Every change to a publication: draft → awaiting approval → scheduled → publishing → published.

Approval is four-eyes: the author cannot approve their own text. Publishing claims the publication with a
conditional update, so a scheduled post is sent once even when two workers look at the same minute.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from somedesk.audit.services import record
from somedesk.publishing.models import Publication, PublicationTarget

EDITABLE = {Publication.Status.DRAFT, Publication.Status.REJECTED}


def _require_status(publication: Publication, *allowed) -> None:
    if publication.status not in allowed:
        raise ValidationError(
            _("Dette kan ikke gjøres når publiseringen har status «%(status)s».")
            % {"status": publication.get_status_display()}
        )


def _check_channels(organisation, channels) -> None:
    if not channels:
        raise ValidationError(_("Velg minst én kanal."))
    if any(channel.organisation_id != organisation.pk for channel in channels):
        raise PermissionDenied


@transaction.atomic
def publication_create(user, *, kind, title, text, link="", channels, publish_at=None) -> Publication:
    _check_channels(user.organisation, channels)
    publication = Publication.objects.create(
        organisation=user.organisation,
        kind=kind,
        title=title,
        text=text,
        link=link,
        publish_at=publish_at,
        created_by=user,
    )
    publication.channels.set(channels)
    record(
        user,
        "publication.create",
        publication,
        {"kind": kind, "channels": [c.pk for c in channels], "publish_at": publish_at},
    )
    return publication


@transaction.atomic
def publication_update(
    user, publication, *, kind, title, text, link="", channels, publish_at=None
) -> Publication:
    _require_status(publication, *EDITABLE)
    _check_channels(user.organisation, channels)
    before = {"title": publication.title, "text": publication.text, "publish_at": publication.publish_at}
    publication.kind, publication.title, publication.text = kind, title, text
    publication.link, publication.publish_at = link, publish_at
    publication.save()
    publication.channels.set(channels)
    record(
        user,
        "publication.update",
        publication,
        {"before": before, "after": {"title": title, "text": text, "publish_at": publish_at}},
    )
    return publication


@transaction.atomic
def publication_submit(user, publication) -> Publication:
    _require_status(publication, *EDITABLE)
    publication.status = Publication.Status.AWAITING_APPROVAL
    publication.save(update_fields=["status"])
    record(user, "publication.submit", publication)
    return publication


def publication_approve(user, publication, *, note: str = "", now=None) -> Publication:
    if publication.created_by_id == user.pk:
        raise PermissionDenied(_("Du kan ikke godkjenne din egen tekst; en annen må godkjenne den."))
    with transaction.atomic():
        _require_status(publication, Publication.Status.AWAITING_APPROVAL)
        publication.status = Publication.Status.SCHEDULED
        publication.approved_by, publication.approved_at = user, timezone.now()
        publication.review_note = note
        publication.save(update_fields=["status", "approved_by", "approved_at", "review_note"])
        record(user, "publication.approve", publication, {"note": note, "publish_at": publication.publish_at})
    now = now or timezone.now()
    if publication.publish_at is None or publication.publish_at <= now:
        publication_publish(publication)
        publication.refresh_from_db()
    return publication


@transaction.atomic
def publication_reject(user, publication, *, note: str) -> Publication:
    _require_status(publication, Publication.Status.AWAITING_APPROVAL, Publication.Status.SCHEDULED)
    if not note.strip():
        raise ValidationError(_("Skriv hvorfor teksten sendes tilbake."))
    publication.status = Publication.Status.REJECTED
    publication.review_note = note
    publication.save(update_fields=["status", "review_note"])
    record(user, "publication.reject", publication, {"note": note})
    return publication


def publication_publish(publication) -> bool:
    """Hand the publication to each channel's adapter. Returns False when someone else already did."""
    from somedesk.channels.services import action_request

    with transaction.atomic():
        claimed = Publication.objects.filter(pk=publication.pk, status=Publication.Status.SCHEDULED).update(
            status=Publication.Status.PUBLISHING
        )
        if not claimed:
            return False
        text = publication.text if not publication.link else f"{publication.text}\n\n{publication.link}"
        targets = []
        for channel in publication.channels.all():
            action = action_request(channel, "publish", text=text, actor=publication.approved_by)
            targets.append(PublicationTarget(publication=publication, channel=channel, action=action))
        PublicationTarget.objects.bulk_create(targets)
        record(
            None,
            "publication.publish",
            publication,
            {"channels": [t.channel_id for t in targets]},
            organisation=publication.organisation,
        )
    publication_refresh(publication)
    return True


def publication_refresh(publication) -> Publication:
    """Derive the publication's state from its outgoing actions: all done → published, any failed → failed."""
    from somedesk.channels.models import OutgoingAction

    publication.refresh_from_db()
    if publication.status != Publication.Status.PUBLISHING:
        return publication
    states = list(publication.targets.values_list("action__state", "action__done_at"))
    if not states or any(state == OutgoingAction.State.PENDING for state, _done in states):
        return publication
    with transaction.atomic():
        if any(state == OutgoingAction.State.FAILED for state, _done in states):
            publication.status = Publication.Status.FAILED
        else:
            publication.status = Publication.Status.PUBLISHED
            publication.published_at = max(done for _state, done in states)
        publication.save(update_fields=["status", "published_at"])
        record(None, f"publication.{publication.status}", publication, organisation=publication.organisation)
    return publication


def publications_due(now=None) -> int:
    """Publish what is scheduled for now or earlier, and settle what is on its way. Runs every minute."""
    now = now or timezone.now()
    count = 0
    for publication in Publication.objects.filter(status=Publication.Status.SCHEDULED, publish_at__lte=now):
        count += publication_publish(publication)
    for publication in Publication.objects.filter(status=Publication.Status.PUBLISHING):
        publication_refresh(publication)
    return count
