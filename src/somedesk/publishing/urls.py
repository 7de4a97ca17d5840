from django.urls import path

from somedesk.publishing import views

app_name = "publishing"
urlpatterns = [
    path("", views.publication_list, name="list"),
    path("ny/", views.publication_new, name="new"),
    path("<int:pk>/", views.publication_detail, name="detail"),
    path("<int:pk>/endre/", views.publication_edit, name="edit"),
    path("<int:pk>/send-til-godkjenning/", views.publication_submit, name="submit"),
    path("<int:pk>/godkjenn/", views.publication_approve, name="approve"),
    path("<int:pk>/send-tilbake/", views.publication_reject, name="reject"),
]
