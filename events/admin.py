from django.contrib import admin

from events.models import AgendaItem, District, Forum, ForumSeries, Province, Speaker


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_km"]
    search_fields = ["code", "name_en", "name_km"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "name_km", "province"]
    list_filter = ["province"]
    search_fields = ["code", "name_en", "name_km"]
    list_select_related = ["province"]


@admin.register(ForumSeries)
class ForumSeriesAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "co_organizers"]
    list_filter = ["year"]
    search_fields = ["title", "theme"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "job_title", "organisation"]
    search_fields = ["name", "organisation"]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    autocomplete_fields = ["speakers"]


@admin.register(Forum)
class ForumAdmin(admin.ModelAdmin):
    list_display = ["title", "series", "kind", "host_province", "starts_at", "capacity", "status"]
    list_filter = ["status", "kind", "series", "host_province"]
    search_fields = ["title", "venue_name", "slug"]
    list_select_related = ["series", "host_province"]
    date_hierarchy = "starts_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["covered_provinces"]
    inlines = [AgendaItemInline]
