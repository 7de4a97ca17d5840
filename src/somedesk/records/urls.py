from django.urls import path

from somedesk.records import views

app_name = "records"
urlpatterns = [
    path("", views.case_list, name="case_list"),
    path("sak/<int:pk>/", views.case_detail, name="case_detail"),
    path("sak/<int:pk>/avslutt/", views.case_close_view, name="case_close"),
    path("kommentar/<int:comment_id>/journalfor/", views.comment_journal, name="comment_journal"),
    path("dokument/<int:pk>/", views.document_download, name="document"),
    path("journal/", views.public_journal, name="public_journal"),
]
