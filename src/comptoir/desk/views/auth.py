"""The desk's sign-in and sign-out: e-mail and password (the identity backend counts failures and locks out), then
the page the member asked for, else the dashboard."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    """Any active user may sign in: what they may open is decided per organization, not by `is_staff`."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The e-mail or the password is not right. Both are case-sensitive."),
    }


class SignInView(auth_views.LoginView):
    template_name = "desk/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    next_page = "desk:sign-in"
