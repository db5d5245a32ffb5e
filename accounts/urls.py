from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [path("account/language/", views.LanguageView.as_view(), name="language")]
