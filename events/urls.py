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
    path("manage/forums/<slug:slug>/preview/", views.ForumPreviewView.as_view(), name="manage_forum_preview"),
    path("manage/forums/<slug:slug>/duplicate/", views.ForumDuplicateView.as_view(), name="manage_forum_duplicate"),
    path("manage/series/new/", views.SeriesEditView.as_view(), name="manage_series_create"),
    path("manage/series/<slug:slug>/", views.SeriesEditView.as_view(), name="manage_series_edit"),
    path("forums/<slug:slug>/materials/<int:pk>/", views.material_download, name="material_download"),
    path("forums/<slug:slug>/materials.zip", views.materials_zip, name="materials_zip"),
    path("manage/forums/<slug:slug>/record/", views.ForumRecordView.as_view(), name="manage_forum_record"),
    path("manage/forums/<slug:slug>/record/new/", views.MaterialEditView.as_view(), name="manage_material_add"),
    path("manage/forums/<slug:slug>/record/<int:pk>/", views.MaterialEditView.as_view(), name="manage_material_edit"),
    path(
        "manage/forums/<slug:slug>/record/<int:pk>/delete/",
        views.MaterialDeleteView.as_view(),
        name="manage_material_delete",
    ),
]
