from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts import services


class LanguageForm(forms.Form):
    """A staff member's preferred language: the one their emails, alerts and the daily digest are written in."""

    language = forms.ChoiceField(
        label=_("Language of your emails"),
        choices=settings.LANGUAGES,
        widget=forms.RadioSelect,
        help_text=_("Alerts about forums and the daily digest of concerns are sent to you in this language."),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        kwargs["initial"] = {"language": user.language, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def save(self):
        return services.user_language_set(user=self.user, language=self.cleaned_data["language"])
