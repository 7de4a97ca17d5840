from django.contrib.auth import views as auth_views
from django.urls import path

from somedesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path(
        "logg-inn/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logg-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("brukere/", views.user_list, name="users"),
]
