from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("manage/messages/", views.MessageOverviewView.as_view(), name="overview"),
    path("manage/forums/<slug:slug>/messages/", views.MessageLogView.as_view(), name="message_log"),
    path(
        "manage/forums/<slug:slug>/messages/<int:pk>/resend/",
        views.MessageResendView.as_view(),
        name="message_resend",
    ),
]
