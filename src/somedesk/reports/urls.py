from django.urls import path

from somedesk.reports import views

app_name = "reports"
urlpatterns = [
    path("svartider/", views.response_times_page, name="response_times"),
]
