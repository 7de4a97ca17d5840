from django.urls import path

from somedesk.replies import views

app_name = "replies"
urlpatterns = [
    path("", views.queue, name="queue_default"),
    path("ko/<slug:key>/", views.queue, name="queue"),
    path("tellere/", views.counters, name="counters"),
    path("kommentar/<int:pk>/", views.detail, name="detail"),
    path("kommentar/<int:pk>/utkast/", views.draft, name="draft"),
    path("kommentar/<int:pk>/sjekk/", views.check, name="check"),
    path("kommentar/<int:pk>/publiser/", views.publish, name="publish"),
    path("kommentar/<int:pk>/tildel/", views.assign, name="assign"),
    path("kommentar/<int:pk>/ta/", views.take, name="take"),
    path("kommentar/<int:pk>/status/", views.set_status, name="status"),
    path("kommentar/<int:pk>/notat/", views.add_note, name="note"),
]
