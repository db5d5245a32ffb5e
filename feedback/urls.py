from django.urls import path, re_path

from feedback import views

app_name = "feedback"

ACTIONS = "|".join(views.ACTIONS)

urlpatterns = [
    path("concerns/new/", views.concern_create, name="concern_create"),
    path("concerns/submitted/", views.concern_submitted, name="concern_submitted"),
    path("concerns/track/", views.concern_track, name="concern_track"),
    path("concerns/track/answer/", views.concern_track_answer, name="concern_track_answer"),
    path("concerns/track/appeal/", views.concern_track_appeal, name="concern_track_appeal"),
    path("concerns/resolved/<str:token>/", views.concern_resolution, name="concern_resolution"),
    path("concerns/resolved/<str:token>/appeal/", views.concern_resolution_appeal, name="concern_resolution_appeal"),
    path("concerns/forums/<slug:slug>/", views.forum_accountability, name="forum_accountability"),
    path("concerns/series/<slug:slug>/", views.series_accountability, name="series_accountability"),
    path("manage/concerns/", views.QueueView.as_view(), name="queue"),
    path("manage/appeals/", views.AppealQueueView.as_view(), name="appeals"),
    path("manage/concerns/<str:code>/", views.ConcernDetailView.as_view(), name="concern_detail"),
    path("manage/concerns/<str:code>/contact/", views.ConcernContactView.as_view(), name="concern_contact"),
    path("manage/concerns/<str:code>/attachment/", views.ConcernAttachmentView.as_view(), name="concern_attachment"),
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
]
