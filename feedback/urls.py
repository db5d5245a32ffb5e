from django.urls import path, re_path

from feedback import commitment_views, views

app_name = "feedback"

ACTIONS = "|".join(views.ACTIONS)

urlpatterns = [
    path("concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/submitted/", views.concern_submitted, name="concern_submitted"),
    path("concerns/track/", views.concern_track, name="concern_track"),
    path("concerns/track/answer/", views.concern_track_answer, name="concern_track_answer"),
    path("concerns/track/appeal/", views.concern_track_appeal, name="concern_track_appeal"),
    path("concerns/track/<str:token>/", views.concern_track_link, name="concern_track_link"),
    path("concerns/resolved/<str:token>/", views.concern_resolution, name="concern_resolution"),
    path("concerns/resolved/<str:token>/appeal/", views.concern_resolution_appeal, name="concern_resolution_appeal"),
    path("concerns/forums/<slug:slug>/", views.forum_accountability, name="forum_accountability"),
    path("concerns/series/<slug:slug>/", views.series_accountability, name="series_accountability"),
    path("manage/concerns/", views.QueueView.as_view(), name="queue"),
    path("manage/appeals/", views.AppealQueueView.as_view(), name="appeals"),
    # Before "manage/concerns/<code>/": "new" would otherwise be read as a tracking code.
    path("manage/concerns/new/", views.ConcernIntakeView.as_view(), name="concern_intake"),
    path("manage/concerns/<str:code>/", views.ConcernDetailView.as_view(), name="concern_detail"),
    path("manage/concerns/<str:code>/contact/", views.ConcernContactView.as_view(), name="concern_contact"),
    path("manage/concerns/<str:code>/attachment/", views.ConcernAttachmentView.as_view(), name="concern_attachment"),
    path("manage/concerns/<str:code>/received/", views.ConcernIntakeDoneView.as_view(), name="concern_intake_done"),
    path(
        "manage/concerns/<str:code>/attachments/<int:pk>/",
        views.ConcernAttachmentFileView.as_view(),
        name="concern_attachment_file",
    ),
    path("manage/concerns/<str:code>/erase/", views.ConcernContactEraseView.as_view(), name="concern_erase"),
    re_path(
        rf"^manage/concerns/(?P<code>[A-Za-z0-9-]+)/(?P<action>{ACTIONS})/$",
        views.ConcernActionView.as_view(),
        name="concern_action",
    ),
    path("manage/forums/<slug:slug>/concerns/", views.ForumConcernsView.as_view(), name="forum_concerns"),
    path(
        "manage/forums/<slug:slug>/concerns/record/",
        views.ForumConcernRecordView.as_view(),
        name="forum_concern_record",
    ),
    # Commitments: public, then the staff pages
    path("commitments/", commitment_views.commitment_list, name="commitment_list"),
    path("commitments/<str:key>/", commitment_views.commitment_detail, name="commitment_detail"),
    path("manage/commitments/", commitment_views.CommitmentManageListView.as_view(), name="commitment_manage_list"),
    path("manage/commitments/new/", commitment_views.CommitmentCreateView.as_view(), name="commitment_create"),
    path("manage/commitments/upload/", commitment_views.CommitmentCsvView.as_view(), name="commitment_csv"),
    path("manage/commitments/<int:pk>/", commitment_views.CommitmentManageView.as_view(), name="commitment_manage"),
    path("manage/commitments/<int:pk>/edit/", commitment_views.CommitmentEditView.as_view(), name="commitment_edit"),
    path(
        "manage/commitments/milestones/<int:pk>/reached/",
        commitment_views.MilestoneReachedView.as_view(),
        name="commitment_milestone_reached",
    ),
    # The forms of a commitment's staff page, one address each.
    *[
        path(
            f"manage/commitments/<int:pk>/{action}/",
            commitment_views.CommitmentActionView.as_view(),
            {"action": action},
            name=f"commitment_{action}",
        )
        for action in commitment_views.ACTIONS
    ],
]
