from django.contrib import admin

from participants.models import Registration, ReminderSettings, SeatTarget


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["full_name", "code", "forum", "status", "gender", "role", "province", "checked_in_at"]
    list_filter = ["status", "gender", "age_group", "role", "sector", "disability", "forum"]
    search_fields = ["full_name", "code", "phone", "email"]
    list_select_related = ["forum", "province"]
    raw_id_fields = ["forum", "district", "checked_in_by"]
    readonly_fields = [
        "code",
        "disability",
        "has_disability",
        "legacy_disability_answer",
        "created_at",
        "updated_at",
        "consent_at",
        "cancelled_at",
    ]


@admin.register(SeatTarget)
class SeatTargetAdmin(admin.ModelAdmin):
    list_display = ["forum", "dimension", "value", "minimum", "unit"]
    list_filter = ["dimension"]
    list_select_related = ["forum"]


@admin.register(ReminderSettings)
class ReminderSettingsAdmin(admin.ModelAdmin):
    list_display = ["forum", "reminder_offsets_days", "reminder_hour"]
    list_select_related = ["forum"]
