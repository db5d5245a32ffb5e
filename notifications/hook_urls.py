"""Callbacks from outside services, outside the language prefix (they are not pages)."""

from django.urls import path

from notifications import views

app_name = "hooks"

urlpatterns = [
    path("telegram/", views.telegram_webhook, name="telegram"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("sms/receipts/", views.sms_receipt, name="sms_receipt"),
]
