from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="inbox:list", permanent=False)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/", include("somedesk.accounts.urls")),
    path("innboks/", include("somedesk.inbox.urls")),
    path("revisjon/", include("somedesk.audit.urls")),
    path("vurdering/", include("somedesk.triage.urls")),
    path("moderering/", include("somedesk.moderation.urls")),
    path("svar/", include("somedesk.replies.urls")),
    path("arkiv/", include("somedesk.records.urls")),
    path("publisering/", include("somedesk.publishing.urls")),
    path("rapporter/", include("somedesk.reports.urls")),
    path("kanaler/", include("somedesk.channels.urls")),
    path("webhooks/", include("somedesk.channels.webhook_urls")),
    path("admin/", admin.site.urls),
]
