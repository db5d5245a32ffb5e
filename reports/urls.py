from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("manage/reports/", views.ReportsIndexView.as_view(), name="index"),
    path("manage/forums/<slug:slug>/dashboard/", views.ForumDashboardView.as_view(), name="forum_dashboard"),
    path("manage/forums/<slug:slug>/report/", views.ForumReportView.as_view(), name="forum_report"),
    path("manage/forums/<slug:slug>/report.pdf", views.ForumReportPdfView.as_view(), name="forum_report_pdf"),
    path("manage/series/<slug:slug>/dashboard/", views.SeriesDashboardView.as_view(), name="series_dashboard"),
    path("manage/series/<slug:slug>/report/", views.SeriesReportView.as_view(), name="series_report"),
    path("manage/series/<slug:slug>/report.pdf", views.SeriesReportPdfView.as_view(), name="series_report_pdf"),
    path(
        "manage/series/<slug:slug>/participants-anonymised.csv",
        views.AnonymisedParticipantsExportView.as_view(file_format="csv"),
        name="participants_anonymised_csv",
    ),
    path(
        "manage/series/<slug:slug>/participants-anonymised.xlsx",
        views.AnonymisedParticipantsExportView.as_view(file_format="xlsx"),
        name="participants_anonymised_xlsx",
    ),
    path("manage/concerns/dashboard/", views.DeskDashboardView.as_view(), name="desk_dashboard"),
    path("manage/concerns/export.csv", views.ConcernExportView.as_view(file_format="csv"), name="concerns_csv"),
    path("manage/concerns/export.xlsx", views.ConcernExportView.as_view(file_format="xlsx"), name="concerns_xlsx"),
]
