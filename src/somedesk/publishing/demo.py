"""The demo's publishing desk: one text awaiting approval, one scheduled, one draft sent back."""

from datetime import timedelta

from django.utils import timezone

from somedesk.publishing.models import Publication

DEMO_PUBLICATIONS = [
    {
        "title": "Brøyting i vinter",
        "kind": "information",
        "status": "awaiting_approval",
        "in_days": None,
        "text": "Nå er brøytesesongen i gang. Kommunale veier brøytes når det har kommet 10 cm snø, "
        "gang- og sykkelveier til skolene først. Meld fra om veier som ikke er brøytet på "
        "fjordvik.kommune.no/brøyting.",
        "link": "https://www.fjordvik.kommune.no/broyting",
    },
    {
        "title": "Julegateåpning på torget",
        "kind": "news",
        "status": "scheduled",
        "in_days": 2,
        "text": "Velkommen til julegateåpning på torget fredag kl. 17! Skolekorpset spiller, og ordføreren tenner "
        "juletreet. Det blir gløgg og pepperkaker fra frivilligsentralen.",
        "link": "",
    },
    {
        "title": "Kunngjøring: reguleringsplan Strandvegen",
        "kind": "announcement",
        "status": "rejected",
        "in_days": None,
        "note": "Legg til fristen for merknader og lenken til planinnsyn.",
        "text": "Forslag til reguleringsplan for Strandvegen legges ut til offentlig ettersyn.",
        "link": "",
    },
]


def load(organisation, stdout=None) -> None:
    from somedesk.accounts.models import User

    author = User.objects.filter(organisation=organisation, groups__name="servicetorg").first()
    approver = User.objects.filter(organisation=organisation, groups__name="redaktor").first()
    channels = list(organisation.channels.all())
    if author is None or not channels:
        return
    now = timezone.now()
    created = 0
    for item in DEMO_PUBLICATIONS:
        if Publication.objects.filter(organisation=organisation, title=item["title"]).exists():
            continue
        publication = Publication.objects.create(
            organisation=organisation,
            kind=item["kind"],
            title=item["title"],
            text=item["text"],
            link=item["link"],
            status=item["status"],
            created_by=author,
            publish_at=now + timedelta(days=item["in_days"]) if item["in_days"] else None,
            approved_by=approver if item["status"] == "scheduled" else None,
            approved_at=now if item["status"] == "scheduled" else None,
            review_note=item.get("note", ""),
        )
        publication.channels.set(channels[:1] if item["kind"] != "news" else channels)
        created += 1
    if stdout is not None and created:
        stdout.write(f"Publishing: {created} texts in the approval flow.\n")
