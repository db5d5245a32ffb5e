from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("manage/audit/", views.AuditTrailView.as_view(), name="trail"),
]
