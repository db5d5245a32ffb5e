from django.contrib import admin
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from feedback.models import (
    Appeal,
    AuditEntry,
    Commitment,
    CommitmentMilestone,
    Concern,
    ConcernEvent,
    PublicHoliday,
)


@admin.register(PublicHoliday)
class PublicHolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name_en", "name_km"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["name_en", "name_km"]


class ConcernEventInline(admin.TabularInline):
    model = ConcernEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "actor", "from_status", "to_status", "text"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    """Read-only: concerns change through the review pages, so every change is on the timeline."""

    list_display = ["tracking_code", "category", "status", "forum", "province", "sensitive", "received_at"]
    list_filter = [
        "status",
        "category",
        "channel",
        "gender",
        "sector",
        "role",
        "disability",
        "sensitive",
        "policy_issue",
    ]
    search_fields = ["tracking_code"]
    list_select_related = ["forum", "province"]
    exclude = ["contact_name", "contact_phone", "contact_email", "attachment"]
    inlines = [ConcernEventInline]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name not in self.exclude] + ["related"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    """Read-only, as concerns are: appeals are opened and decided on the review pages, so each is on the timeline."""

    list_display = ["concern", "status", "by_submitter", "opened_at", "due", "outcome", "closed_at"]
    list_filter = ["status", "outcome", "by_submitter"]
    list_select_related = ["concern"]
    search_fields = ["concern__tracking_code"]
    date_hierarchy = "opened_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit trail: who saw personal data or changed a concern, and when. Nobody edits it."""

    list_display = ["created_at", "actor", "action", "concern", "detail"]
    list_filter = ["action"]
    list_select_related = ["actor", "concern"]
    search_fields = ["concern__tracking_code", "actor__email"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommitmentMilestoneInline(TranslationTabularInline):
    model = CommitmentMilestone
    extra = 0


@admin.register(Commitment)
class CommitmentAdmin(TranslationAdmin):
    """For administrators' corrections; staff manage commitments at /manage/commitments/ (timeline, messages)."""

    list_display = ["title", "institution", "status", "progress", "due_date"]
    list_filter = ["status", "institution"]
    search_fields = ["title_km", "title_en", "slug"]
    filter_horizontal = ["forums", "provinces"]
    raw_id_fields = ["concerns", "responsible_staff"]
    # Status and progress change through the staff page, which writes the timeline and tells followers.
    readonly_fields = ["status", "progress"]
    inlines = [CommitmentMilestoneInline]
