"""Raising and following a concern in Telegram: a guided conversation with buttons, in Khmer or English.

The bot (notifications.telegram) hands every message it does not handle itself to `telegram_message`; the
conversation's place is kept in the database (notifications ChatState), so a restart loses nothing. Steps:
language, category, province, the text, an optional photo or voice note, then anonymous or with the phone
number Telegram proves (its contact button). A tracking code sent at any time gets the concern's status, and
the "was it resolved?" question of a concern raised here is answered with its buttons.
"""

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from events.models import Province
from feedback import services
from feedback.attachments import attachment_validate
from feedback.models import Concern
from feedback.tracking import concern_track_url
from forum_portal.codes import LENGTH as CODE_LENGTH
from forum_portal.codes import code_normalise
from forum_portal.phones import phone_from_gateway
from notifications.channels import DeliveryError
from notifications.telegram import chat_state_get, chat_state_save, telegram_file_fetch, telegram_reply

logger = logging.getLogger(__name__)

FLOW = "concern"
START_WORDS = {"/start", "/concern", "/new", "concern", "កង្វល់"}
CANCEL_WORDS = {"/cancel", "cancel", "បោះបង់"}
LANGUAGES = (("km", "ខ្មែរ"), ("en", "English"))


def _say(state, key: str, text: str, **options) -> None:
    # Replies that name a concern carry its id (`context`), so erasing its contact erases them too.
    telegram_reply(chat_id=state.chat_id, text=text, language=state.language or "km", key=key, **options)


def _ask_language(state, key: str) -> None:
    chat_state_save(chat_id=state.chat_id, flow=FLOW, step="language")
    _say(
        state,
        key,
        "សូមជ្រើសរើសភាសា / Choose your language",
        buttons=[[(label, f"lang:{code}") for code, label in LANGUAGES]],
    )


def _ask_category(state, key: str) -> None:
    chat_state_save(chat_id=state.chat_id, flow=FLOW, step="category", language=state.language)
    choices = [(str(label), f"cat:{value}") for value, label in Concern.Category.choices]
    rows = [choices[i : i + 2] for i in range(0, len(choices), 2)]
    _say(state, key, _("What is your concern about? Choose one."), buttons=rows)


def _ask_province(state, key: str, data: dict) -> None:
    chat_state_save(chat_id=state.chat_id, flow=FLOW, step="province", data=data, language=state.language)
    names = "name_km" if state.language == "km" else "name_en"
    provinces = [(getattr(p, names), f"prov:{p.pk}") for p in Province.objects.order_by(names)]
    rows = [provinces[i : i + 3] for i in range(0, len(provinces), 3)]
    _say(state, key, _("Which province is it about?"), buttons=[*rows, [(_("Skip"), "prov:")]])


def _ask_text(state, key: str, data: dict) -> None:
    chat_state_save(chat_id=state.chat_id, flow=FLOW, step="text", data=data, language=state.language)
    _say(state, key, _("Write your concern in a few sentences: what happened, where and when."))


def _ask_attachment(state, key: str, data: dict) -> None:
    chat_state_save(chat_id=state.chat_id, flow=FLOW, step="attachment", data=data, language=state.language)
    _say(state, key, _("You may send one photo or a voice note. Or press Skip."), buttons=[[(_("Skip"), "att:skip")]])


def _ask_contact(state, key: str, data: dict) -> None:
    chat_state_save(chat_id=state.chat_id, flow=FLOW, step="contact", data=data, language=state.language)
    _say(
        state,
        key,
        _("May NSSF call you about it? Share your phone number, or stay anonymous. The answer comes here either way."),
        contact_button=_("Share my phone number"),
        text_buttons=[_("Stay anonymous")],
    )


def _submit(state, key: str, data: dict, *, phone: str) -> None:
    attachment, attachment_type = None, ""
    if data.get("file_id"):
        try:
            content = telegram_file_fetch(file_id=data["file_id"], max_bytes=settings.FEEDBACK_ATTACHMENT_MAX_BYTES)
            upload = ContentFile(content, name=f"telegram.{data.get('file_kind', 'bin')}")
            attachment_type, extension = attachment_validate(upload)
            attachment = ContentFile(content, name=f"telegram.{extension}")
        except (DeliveryError, ValidationError) as error:
            # The concern matters more than its photo: record it and say the file could not be kept.
            logger.info("a Telegram attachment was not kept: %s", error.__class__.__name__)
            attachment = None
    concern = services.concern_submit(
        category=data["category"],
        description=data["text"],
        province=Province.objects.filter(pk=data.get("province") or None).first(),
        channel=Concern.Channel.TELEGRAM,
        language=state.language or "km",
        anonymous=not phone,
        contact_phone=phone,
        consent_to_contact=bool(phone),
        contact_telegram_chat=state.chat_id,
        attachment=attachment,
        attachment_type=attachment_type,
    )
    chat_state_save(chat_id=state.chat_id, language=state.language)
    text = _(
        "Thank you. NSSF received your concern. Your tracking code is %(code)s: send it here at any time to see "
        "where it stands."
    ) % {"code": concern.display_code}
    if data.get("file_id") and attachment is None:
        text += " " + _("Your file could not be kept (only photos and voice notes up to the size limit).")
    text += "\n\n" + _track_line(state, concern)
    _say(state, key, text, context={"concern_id": concern.pk})


def _status(state, key: str, code: str) -> bool:
    concern = (
        Concern.objects.filter(tracking_code=code).only("pk", "tracking_code", "status", "public_response").first()
    )
    if concern is None:
        return False
    text = _("Concern %(code)s: %(status)s.") % {"code": concern.display_code, "status": concern.get_status_display()}
    if concern.public_response:
        text += "\n\n" + concern.public_response
    text += "\n\n" + _track_line(state, concern)
    _say(state, key, text, context={"concern_id": concern.pk})
    return True


def _track_line(state, concern: Concern) -> str:
    url = concern_track_url(concern=concern, language=state.language or "km")
    return _("Follow it on the web: %(url)s") % {"url": url}


def _resolution(state, key: str, callback: str) -> None:
    _prefix, pk, answer = [*callback.split(":"), "", ""][:3]
    concern = Concern.objects.filter(pk=int(pk) if pk.isdigit() else 0, contact_telegram_chat=state.chat_id).first()
    if concern is None:
        return
    try:
        services.concern_resolution_answer(concern=concern, answer=answer)
    except ValidationError as error:
        _say(state, key, error.messages[0])
        return
    if answer != Concern.Resolution.YES:
        _say(state, key, _("Thank you. NSSF will look at your concern again."))
    else:
        _say(state, key, _("Thank you for telling us."))


@transaction.atomic
def telegram_message(*, chat_id: str, text: str, callback: str, contact_phone: str, photo, voice, key: str) -> bool:
    """Take one step of the conversation for what a person wrote or pressed; return whether it was ours."""
    state = chat_state_get(chat_id=chat_id)
    with translation.override(state.language or "km"):
        return _step(
            state, key=key, text=text, callback=callback, contact_phone=contact_phone, photo=photo, voice=voice
        )


def _step(state, *, key, text, callback, contact_phone, photo, voice) -> bool:
    data = dict(state.data or {})
    word = text.strip().lower()
    if callback.startswith("resolved:"):
        _resolution(state, key, callback)
        return True
    if word in CANCEL_WORDS and state.flow == FLOW:
        chat_state_save(chat_id=state.chat_id, language=state.language)
        _say(state, key, _("Stopped. Write /concern to start again."))
        return True
    if callback.startswith("lang:") and callback[5:] in dict(LANGUAGES):
        state.language = callback[5:]
        translation.activate(state.language)
        _ask_category(state, key)
        return True
    if word in START_WORDS or callback == "concern:start":
        if not state.language:
            _ask_language(state, key)
        else:
            _ask_category(state, key)
        return True
    step = state.step if state.flow == FLOW else ""
    if step != "text" and len(code := code_normalise(text)) == CODE_LENGTH and _status(state, key, code):
        return True
    if step == "category" and callback.startswith("cat:") and callback[4:] in Concern.Category.values:
        _ask_province(state, key, {**data, "category": callback[4:]})
        return True
    if step == "province" and callback.startswith("prov:"):
        _ask_text(state, key, {**data, "province": int(callback[5:]) if callback[5:].isdigit() else None})
        return True
    if step == "text" and text:
        if not Concern.DESCRIPTION_MIN <= len(text) <= Concern.DESCRIPTION_MAX:
            _say(state, key, _("Please write at least %(min)s characters.") % {"min": Concern.DESCRIPTION_MIN})
            return True
        _ask_attachment(state, key, {**data, "text": text})
        return True
    if step == "attachment" and (photo or voice or callback == "att:skip"):
        item = photo or voice
        if item and int(item.get("file_size") or 0) > settings.FEEDBACK_ATTACHMENT_MAX_BYTES:
            _say(
                state,
                key,
                _("This file is too large. Send a smaller one, or press Skip."),
                buttons=[[(_("Skip"), "att:skip")]],
            )
            return True
        if item:
            data = {**data, "file_id": item["file_id"], "file_kind": "jpg" if photo else "ogg"}
        _ask_contact(state, key, data)
        return True
    if step == "contact" and (contact_phone or word == str(_("Stay anonymous")).lower()):
        _submit(state, key, data, phone=phone_from_gateway(contact_phone))
        return True
    if step:
        _say(state, key, _("Please answer with the buttons, or write /cancel to stop."))
        return True
    return False
