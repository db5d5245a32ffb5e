from django.contrib import admin

from events.models import AgendaItem, District, Forum, ForumRecord, ForumSeries, Material, Province, Speaker


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
    list_display = ["name", "job_title", "organisation", "gender"]
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


@admin.register(ForumRecord)
class ForumRecordAdmin(admin.ModelAdmin):
    list_display = ["forum", "stream_url", "recording_url", "updated_at"]
    search_fields = ["forum__title"]
    list_select_related = ["forum"]
    autocomplete_fields = ["forum"]


@admin.register(Material)
class MaterialAdmin(admin.ModelAdmin):
    """Materials are added on the forum's record page, where each file's type is checked by its content; here
    they can be corrected or removed, never given another file."""

    list_display = ["title", "forum", "kind", "visibility", "agenda_item", "created_at"]
    list_filter = ["kind", "visibility"]
    search_fields = ["title", "forum__title"]
    list_select_related = ["forum", "agenda_item"]
    raw_id_fields = ["agenda_item"]
    readonly_fields = ["forum", "kind", "file", "content_type", "size", "url", "created_at"]
    fields = [
        "forum",
        "agenda_item",
        "kind",
        "title",
        "visibility",
        "file",
        "url",
        "consent_note",
        "content_type",
        "size",
    ]

    def has_add_permission(self, request):
        return False
