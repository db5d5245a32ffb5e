from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("forums/<slug:slug>/register/", views.register, name="register"),
    path("forums/<slug:slug>/register/resend/", views.confirmation_resend, name="confirmation_resend"),
    path("registrations/<str:token>/", views.confirmation, name="confirmation"),
    path("registrations/<str:token>/manage/", views.SelfServiceView.as_view(), name="manage"),
    path("registrations/<str:token>/cancel/", views.self_cancel, name="self_cancel"),
    path("registrations/<str:token>/calendar.ics", views.calendar_file, name="ics"),
    path("registrations/<str:token>/erase/", views.self_erase, name="self_erase"),
    path("manage/forums/<slug:slug>/participants/", views.ManageListView.as_view(), name="manage_list"),
    path("manage/forums/<slug:slug>/participants/export.csv", views.ExportCsvView.as_view(), name="export_csv"),
    path("manage/forums/<slug:slug>/participants/export.xlsx", views.ExportXlsxView.as_view(), name="export_xlsx"),
    path(
        "manage/forums/<slug:slug>/participants/sign-in-sheet.pdf",
        views.SignInSheetView.as_view(),
        name="sign_in_sheet",
    ),
    path("manage/forums/<slug:slug>/participants/badges.pdf", views.BadgesView.as_view(), name="badges"),
    path("manage/forums/<slug:slug>/participants/targets/", views.TargetsView.as_view(), name="targets"),
    path(
        "manage/forums/<slug:slug>/participants/targets/<int:pk>/delete/",
        views.TargetDeleteView.as_view(),
        name="target_delete",
    ),
    path(
        "manage/forums/<slug:slug>/participants/fill-free-seats/",
        views.FillFreeSeatsView.as_view(),
        name="fill_free_seats",
    ),
    path("manage/forums/<slug:slug>/participants/walk-in/", views.WalkInView.as_view(), name="walk_in"),
    path("manage/forums/<slug:slug>/participants/<int:pk>/", views.RegistrationEditView.as_view(), name="edit"),
    path(
        "manage/forums/<slug:slug>/participants/<int:pk>/cancel/", views.RegistrationCancelView.as_view(), name="cancel"
    ),
    path(
        "manage/forums/<slug:slug>/participants/<int:pk>/reactivate/",
        views.RegistrationReactivateView.as_view(),
        name="reactivate",
    ),
    path("manage/forums/<slug:slug>/participants/<int:pk>/erase/", views.RegistrationEraseView.as_view(), name="erase"),
    path(
        "manage/forums/<slug:slug>/participants/<int:pk>/promote/",
        views.RegistrationPromoteView.as_view(),
        name="promote",
    ),
    path("manage/forums/<slug:slug>/check-in/", views.CheckInView.as_view(), name="check_in"),
    path("manage/forums/<slug:slug>/messages/announce/", views.AnnouncementView.as_view(), name="announcement"),
    path(
        "manage/forums/<slug:slug>/messages/settings/", views.ReminderSettingsView.as_view(), name="reminder_settings"
    ),
    path("manage/forums/<slug:slug>/check-in/counters/", views.CheckInCountersView.as_view(), name="check_in_counters"),
    path("manage/forums/<slug:slug>/check-in/roster/", views.CheckInRosterView.as_view(), name="check_in_roster"),
    path("manage/forums/<slug:slug>/check-in/sync/", views.CheckInSyncView.as_view(), name="check_in_sync"),
    path("manage/forums/<slug:slug>/check-in/walk-in/", views.CheckInWalkInView.as_view(), name="check_in_walk_in"),
    path("manage/forums/<slug:slug>/check-in/<int:pk>/badge/", views.BadgeReprintView.as_view(), name="badge_reprint"),
    path(
        "manage/forums/<slug:slug>/check-in/manifest.webmanifest",
        views.CheckInManifestView.as_view(),
        name="check_in_manifest",
    ),
    path("manage/forums/<slug:slug>/check-in/sw.js", views.CheckInServiceWorkerView.as_view(), name="check_in_sw"),
    # Certificates and evaluation
    path("certificates/<str:code>/", views.certificate_verify, name="certificate_verify"),
    path("registrations/<str:token>/certificate.pdf", views.certificate_download, name="certificate"),
    path(
        "manage/forums/<slug:slug>/participants/certificates.pdf",
        views.CertificatesView.as_view(),
        name="certificates",
    ),
    path("evaluations/<str:token>/", views.evaluation_answer, name="evaluation_answer"),
    path("manage/forums/<slug:slug>/evaluation/", views.EvaluationDefineView.as_view(), name="evaluation_define"),
    path(
        "manage/forums/<slug:slug>/evaluation/results/",
        views.EvaluationResultsView.as_view(),
        name="evaluation_results",
    ),
    path(
        "manage/forums/<slug:slug>/evaluation/remind/", views.EvaluationRemindView.as_view(), name="evaluation_remind"
    ),
]
