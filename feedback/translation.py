"""The public text of commitments, in Khmer and English (django-modeltranslation adds `<field>_km`/`_en`)."""

from modeltranslation.translator import TranslationOptions, register

from feedback.models import Commitment, CommitmentMilestone, CommitmentUpdate


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ("title", "description", "institution_name", "responsible_unit", "dropped_reason")


@register(CommitmentMilestone)
class CommitmentMilestoneTranslation(TranslationOptions):
    fields = ("title",)


@register(CommitmentUpdate)
class CommitmentUpdateTranslation(TranslationOptions):
    fields = ("text",)
