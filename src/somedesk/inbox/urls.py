from django.urls import path

from somedesk.inbox import views

app_name = "inbox"
urlpatterns = [
    path("", views.comment_list, name="list"),
    # inbox:thread takes a COMMENT pk: the comment's post with every comment as a tree, this one marked.
    path("kommentar/<int:pk>/", views.thread, name="thread"),
    path("innlegg/<int:pk>/", views.post_detail, name="post"),
    path("innlegg/<int:pk>/ra-data/", views.post_raw, name="post_raw"),
]
