from django.urls import path

from somedesk.channels import webhooks

urlpatterns = [
    path("facebook/", webhooks.facebook, name="webhook_facebook"),
    path("instagram/", webhooks.instagram, name="webhook_instagram"),
]
