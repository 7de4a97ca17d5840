from django.shortcuts import get_object_or_404

from somedesk.publishing.models import Publication


def access_publication(user, pk) -> Publication:
    """The only way a view fetches a publication: another municipality's is a 404."""
    return get_object_or_404(Publication, pk=pk, organisation=user.organisation)
