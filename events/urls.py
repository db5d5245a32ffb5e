from django.urls import path, re_path

from events import views

app_name = "events"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("forums/", views.ForumListView.as_view(), name="forum_list"),
    path("forums/<slug:slug>/", views.forum_detail, name="forum_detail"),
    path("manage/forums/", views.ManageForumListView.as_view(), name="manage_forum_list"),
    path("manage/forums/new/", views.ForumCreateView.as_view(), name="manage_forum_create"),
    path("manage/forums/<slug:slug>/", views.ForumEditView.as_view(), name="manage_forum_edit"),
    re_path(
        r"^manage/forums/(?P<slug>[-\w]+)/(?P<action>publish|close|reopen|complete|cancel)/$",
        views.ForumTransitionView.as_view(),
        name="manage_forum_transition",
    ),
    path("manage/forums/<slug:slug>/duplicate/", views.ForumDuplicateView.as_view(), name="manage_forum_duplicate"),
    path("manage/series/new/", views.SeriesEditView.as_view(), name="manage_series_create"),
    path("manage/series/<slug:slug>/", views.SeriesEditView.as_view(), name="manage_series_edit"),
]
