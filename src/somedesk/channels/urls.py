from django.urls import path

from somedesk.channels import views

app_name = "channels"
urlpatterns = [
    path("", views.channel_list, name="list"),
    path("rader/", views.channel_rows, name="rows"),
    path("<int:pk>/koble-til/", views.channel_reconnect, name="reconnect"),
]
