from django.urls import path

from somedesk.moderation import views

app_name = "moderation"
urlpatterns = [
    path("", views.review_queue, name="review_queue"),
    path("kommentar/<int:pk>/", views.comment, name="comment"),
    path("vurdering/<int:pk>/", views.review_decide, name="review_decide"),
    path("bevis/<int:pk>/", views.evidence, name="evidence"),
]
