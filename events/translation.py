"""The public text of forums in Khmer and English (django-modeltranslation: `<field>_km`, `<field>_en` columns).

Reading `forum.title` gives the active language, or the other one when it is missing (settings'
MODELTRANSLATION_FALLBACK_LANGUAGES); `forum_portal.templatetags.bilingual` marks such a fallback with `lang`.
"""

from modeltranslation.translator import TranslationOptions, register

from events.models import AgendaItem, Forum, ForumSeries, Speaker


@register(ForumSeries)
class ForumSeriesTranslation(TranslationOptions):
    fields = ("title", "theme")


@register(Forum)
class ForumTranslation(TranslationOptions):
    fields = ("title", "description", "venue_name", "venue_address")


@register(AgendaItem)
class AgendaItemTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Speaker)
class SpeakerTranslation(TranslationOptions):
    fields = ("name", "organisation", "job_title")
