from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import services
from notifications.models import ForumMessageSettings

# An SMS in Khmer holds 70 characters; a few parts are fine, a letter is not.
ANNOUNCEMENT_MAX_LENGTH = 480
MAX_REMINDERS = 5
MAX_DAYS_BEFORE = 60


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150, help_text=_("Used as the subject line of emails."))
    text_km = forms.CharField(
        label=_("Message in Khmer"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "km"}),
    )
    text_en = forms.CharField(
        label=_("Message in English"),
        max_length=ANNOUNCEMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
        help_text=_("Each participant receives the text in their language; if one is empty, the other is used."),
    )

    def __init__(self, *args, forum, **kwargs):
        super().__init__(*args, **kwargs)
        self.forum = forum
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("text_km", "").strip() or cleaned.get("text_en", "").strip()):
            raise forms.ValidationError(_("Write the message in Khmer, in English, or both."))
        return cleaned

    def save(self) -> int:
        return services.announcement_send(
            forum=self.forum,
            subject=self.cleaned_data["subject"],
            text_km=self.cleaned_data["text_km"],
            text_en=self.cleaned_data["text_en"],
        )


class ReminderSettingsForm(forms.Form):
    reminder_offsets_days = forms.CharField(
        label=_("Reminders, in days before the forum"),
        max_length=40,
        required=False,
        help_text=_("Whole numbers separated by commas, for example “7, 1”. Leave empty for no reminders."),
    )
    reminder_hour = forms.TypedChoiceField(
        label=_("Send reminders at"),
        coerce=int,
        choices=[(hour, f"{hour:02d}:00") for hour in range(6, 21)],
        help_text=_("Phnom Penh time."),
    )

    def __init__(self, *args, forum, **kwargs):
        self.forum = forum
        current: ForumMessageSettings = services.forum_message_settings(forum=forum)
        kwargs["initial"] = {
            "reminder_offsets_days": ", ".join(str(d) for d in current.reminder_offsets_days),
            "reminder_hour": current.reminder_hour,
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reminder_offsets_days(self) -> list[int]:
        raw = self.cleaned_data["reminder_offsets_days"]
        parts = [part.strip() for part in raw.split(",") if part.strip()]
        if not all(part.isdigit() for part in parts):
            raise forms.ValidationError(_("Use whole numbers of days separated by commas, for example “7, 1”."))
        days = sorted({int(part) for part in parts}, reverse=True)
        if any(day > MAX_DAYS_BEFORE for day in days):
            raise forms.ValidationError(
                _("A reminder can be at most %(days)s days before the forum.") % {"days": MAX_DAYS_BEFORE}
            )
        if len(days) > MAX_REMINDERS:
            raise forms.ValidationError(_("Choose at most %(count)s reminders.") % {"count": MAX_REMINDERS})
        return days

    def save(self) -> ForumMessageSettings:
        return services.forum_message_settings_save(
            forum=self.forum,
            reminder_offsets_days=self.cleaned_data["reminder_offsets_days"],
            reminder_hour=self.cleaned_data["reminder_hour"],
        )
