from django.urls import path

from somedesk.triage import views

app_name = "triage"
urlpatterns = [
    path("kommentar/<int:pk>/", views.decision, name="decision"),
    path("kommentar/<int:pk>/rett/", views.correct, name="correct"),
]
