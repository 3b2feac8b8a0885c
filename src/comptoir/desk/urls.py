"""The desk's pages. The generic views of the modules' declarations sit at /<module>/<slug>/…, after the modules'
own pages (the project's urls include these last)."""

from django.urls import path

from comptoir.desk.views import auth, generic, home

app_name = "desk"

urlpatterns = [
    path("sign-in/", auth.SignInView.as_view(), name="sign-in"),
    path("sign-out/", auth.SignOutView.as_view(), name="sign-out"),
    path("search/", home.search, name="search"),
    path("pick/<str:source>/", home.pick, name="pick"),
    path("attachments/<uuid:attachment_id>/", generic.attachment_view, name="attachment"),
    path("<slug:module>/<slug:slug>/", generic.list_view, name="list"),
    path("<slug:module>/<slug:slug>/new/", generic.create_view, name="create"),
    path("<slug:module>/<slug:slug>/<uuid:pk>/", generic.detail_view, name="detail"),
    path("<slug:module>/<slug:slug>/<uuid:pk>/edit/", generic.edit_view, name="edit"),
    path("<slug:module>/<slug:slug>/<uuid:pk>/attach/", generic.attach_view, name="attach"),
    path("<slug:module>/<slug:slug>/<uuid:pk>/<slug:action>/", generic.action_view, name="action"),
]
