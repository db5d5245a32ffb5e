"""Who may open what: one row per URL pattern of the project, one asserted status per role.

Every URL pattern needs a row: the test fails when a new pattern has none (test_every_url_pattern_has_a_row).
To add a row, name the pattern, how to build its URL from the world below, the method, and the status each
role gets, in ROLES order. Users of roles that need two factors have them enrolled, so the cells test
permissions, not the enrolment redirect. Admin pages of every registered model come from ADMIN_MODEL_ROWS.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse
from django.utils import timezone

from accounts.roles import NSSF_STAFF, NSSF_SUPERVISORS, ORGANIZERS, PROGRAMME_OFFICERS
from events import services as events_services
from feedback import commitment_services
from feedback.models import ConcernAttachment
from feedback.tracking import concern_track_token
from notifications.shortlinks import short_link_create
from participants import services
from tests.accounts.factories import UserFactory
from tests.events.factories import ForumFactory
from tests.feedback.factories import ConcernFactory
from tests.notifications.factories import MessageFactory
from tests.participants.factories import RegistrationFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "participant", "organizer", "nssf_staff", "supervisor", "programme_officer", "administrator")
GROUPS = {
    "organizer": ORGANIZERS,
    "nssf_staff": NSSF_STAFF,
    "supervisor": NSSF_SUPERVISORS,
    "programme_officer": PROGRAMME_OFFICERS,
}


@dataclass(frozen=True)
class Row:
    url: object  # world, role -> URL
    statuses: tuple  # one per role, in ROLES order
    method: str = "get"


def _slug(name, **extra):
    return lambda w, role: reverse(name, kwargs={"slug": w.forum.slug, **extra})


def _plain(name, **kwargs):
    return lambda w, role: reverse(name, kwargs=kwargs or None)


def _token(name):
    """The participant opens their own link; everyone else tries a forged one."""
    return lambda w, role: reverse(name, kwargs={"token": w.token if role == "participant" else "forged"})


def _series(name):
    return lambda w, role: reverse(name, kwargs={"slug": w.forum.series.slug})


def _concern(name, **extra):
    return lambda w, role: reverse(name, kwargs={"code": w.concern.tracking_code, **extra})


def _commitment(name, **extra):
    return lambda w, role: reverse(name, kwargs={"pk": w.commitment.pk, **extra})


def _registration(name, which="mine"):
    return lambda w, role: reverse(name, kwargs={"slug": w.forum.slug, "pk": getattr(w, which).pk})


def _material(name, which="material"):
    return lambda w, role: reverse(name, kwargs={"slug": w.forum.slug, "pk": getattr(w, which).pk})


# Shorthands for the common shapes of a row, in ROLES order.
NOT_ADMIN = (302,) * 6  # everyone but administrators is sent to log in to /admin/
PUBLIC = (200,) * 7
ORGANIZER_PAGE = (302, 302, 200, 403, 403, 403, 200)  # anonymous and participants go to log in
STAFF_PAGE = (302, 302, 403, 200, 200, 403, 200)
SUPERVISOR_PAGE = (302, 302, 403, 403, 200, 403, 200)
LINK_PAGE = (404, 200, 404, 404, 404, 404, 404)  # only the holder of the self-service link
COMMITMENT_VIEW_PAGE = (302, 302, 403, 200, 200, 200, 200)
# An empty form: managers get 400, which proves they got past the permission check.
COMMITMENT_MANAGE_POST = (302, 302, 403, 400, 400, 403, 400)
REPORT_PAGE = (302, 302, 200, 403, 200, 200, 200)  # dashboards and reports
ANONYMISED_EXPORT = (302, 302, 403, 403, 403, 200, 200)

ROWS: dict[str, Row] = {
    "healthz": Row(_plain("healthz"), PUBLIC),
    "set_language": Row(_plain("set_language"), (302,) * 7, "post"),
    # allauth: logging in, passwords, two factors
    "account_login": Row(_plain("account_login"), (200, 200, 302, 302, 302, 302, 302)),
    "account_logout": Row(_plain("account_logout"), (302, 302, 200, 200, 200, 200, 200)),
    "account_inactive": Row(_plain("account_inactive"), PUBLIC),
    "account_signup": Row(_plain("account_signup"), (200, 200, 302, 302, 302, 302, 302)),
    "account_reauthenticate": Row(_plain("account_reauthenticate"), (302, 302, 200, 200, 200, 200, 200)),
    "account_email": Row(_plain("account_email"), (302, 302, 200, 200, 200, 200, 200)),
    "account_email_verification_sent": Row(_plain("account_email_verification_sent"), PUBLIC),
    "account_change_password": Row(_plain("account_change_password"), (302, 302, 200, 200, 200, 200, 200)),
    "account_set_password": Row(_plain("account_set_password"), (302, 302, 302, 302, 302, 302, 302)),
    "account_reset_password": Row(_plain("account_reset_password"), PUBLIC),
    "account_reset_password_done": Row(_plain("account_reset_password_done"), PUBLIC),
    "account_confirm_login_code": Row(_plain("account_confirm_login_code"), (302, 302, 302, 302, 302, 302, 302)),
    "account_confirm_email": Row(_plain("account_confirm_email", key="forged"), PUBLIC),
    "account_reset_password_from_key_done": Row(_plain("account_reset_password_from_key_done"), PUBLIC),
    "account_reset_password_from_key": Row(_plain("account_reset_password_from_key", uidb36="1", key="forged"), PUBLIC),
    # allauth asks for the password again (302 to reauthenticate) before the pages that change two-factor
    # settings: a user logged in with force_login has not typed it recently.
    "mfa_index": Row(_plain("mfa_index"), (302, 302, 200, 200, 200, 200, 200)),
    "accounts:language": Row(_plain("accounts:language"), (302, 302, 200, 200, 200, 200, 200)),
    "mfa_authenticate": Row(_plain("mfa_authenticate"), (302, 302, 302, 302, 302, 302, 302)),
    "mfa_reauthenticate": Row(_plain("mfa_reauthenticate"), (302, 302, 302, 200, 200, 200, 200)),
    "mfa_activate_totp": Row(_plain("mfa_activate_totp"), (302,) * 7),
    "mfa_deactivate_totp": Row(_plain("mfa_deactivate_totp"), (302, 302, 404, 302, 302, 302, 302)),
    "mfa_view_recovery_codes": Row(_plain("mfa_view_recovery_codes"), (302, 302, 404, 302, 302, 302, 302)),
    "mfa_generate_recovery_codes": Row(_plain("mfa_generate_recovery_codes"), (302,) * 7),
    "mfa_download_recovery_codes": Row(_plain("mfa_download_recovery_codes"), (302, 302, 404, 302, 302, 302, 302)),
    # security keys (WebAuthn): listing is open to everyone logged in; adding, removing and renaming ask for the
    # password again first, before any key is looked up, so nobody learns whether a key number exists
    "mfa_list_webauthn": Row(_plain("mfa_list_webauthn"), (302, 302, 200, 200, 200, 200, 200)),
    "mfa_add_webauthn": Row(_plain("mfa_add_webauthn"), (302,) * 7),
    "mfa_reauthenticate_webauthn": Row(_plain("mfa_reauthenticate_webauthn"), (302,) * 7),
    "mfa_remove_webauthn": Row(_plain("mfa_remove_webauthn", pk=0), (302,) * 7),
    "mfa_edit_webauthn": Row(_plain("mfa_edit_webauthn", pk=0), (302,) * 7),
    # events
    "events:home": Row(_plain("events:home"), PUBLIC),
    "events:forum_list": Row(_plain("events:forum_list"), PUBLIC),
    "events:forum_detail": Row(_slug("events:forum_detail"), PUBLIC),
    "events:manage_forum_list": Row(_plain("events:manage_forum_list"), ORGANIZER_PAGE),
    "events:manage_forum_create": Row(_plain("events:manage_forum_create"), ORGANIZER_PAGE),
    "events:manage_forum_edit": Row(_slug("events:manage_forum_edit"), ORGANIZER_PAGE),
    "events:manage_forum_transition": Row(
        _slug("events:manage_forum_transition", action="close"), (302, 302, 302, 403, 403, 403, 302), "post"
    ),
    "events:manage_forum_duplicate": Row(
        _slug("events:manage_forum_duplicate"), (302, 302, 302, 403, 403, 403, 302), "post"
    ),
    "events:manage_series_create": Row(_plain("events:manage_series_create"), ORGANIZER_PAGE),
    "events:manage_series_edit": Row(
        lambda w, role: reverse("events:manage_series_edit", kwargs={"slug": w.forum.series.slug}), ORGANIZER_PAGE
    ),
    # events: the forum's record; an organizers-only file answers 404 to whoever may not see it
    "events:material_download": Row(_material("events:material_download"), PUBLIC),
    "events:material_download organizers only": Row(
        _material("events:material_download", "private_material"), (404, 404, 200, 404, 404, 404, 200)
    ),
    "events:materials_zip": Row(_slug("events:materials_zip"), PUBLIC),
    "events:manage_forum_preview": Row(_slug("events:manage_forum_preview"), ORGANIZER_PAGE),
    "events:manage_forum_record": Row(_slug("events:manage_forum_record"), ORGANIZER_PAGE),
    "events:manage_material_add": Row(_slug("events:manage_material_add"), ORGANIZER_PAGE),
    "events:manage_material_edit": Row(_material("events:manage_material_edit"), ORGANIZER_PAGE),
    "events:manage_material_delete": Row(_material("events:manage_material_delete"), ORGANIZER_PAGE),
    # participants: public and through the self-service link
    "participants:register": Row(_slug("participants:register"), PUBLIC),
    "participants:confirmation_resend": Row(_slug("participants:confirmation_resend"), PUBLIC, "post"),
    "participants:confirmation": Row(_token("participants:confirmation"), LINK_PAGE),
    "participants:manage": Row(_token("participants:manage"), LINK_PAGE),
    "participants:self_cancel": Row(_token("participants:self_cancel"), (404, 302, 404, 404, 404, 404, 404), "post"),
    "participants:self_cancel confirmation": Row(_token("participants:self_cancel"), LINK_PAGE),
    "participants:self_erase": Row(_token("participants:self_erase"), LINK_PAGE),
    "participants:ics": Row(_token("participants:ics"), LINK_PAGE),
    # participants: organizer pages
    "participants:manage_list": Row(_slug("participants:manage_list"), ORGANIZER_PAGE),
    "participants:export_csv": Row(_slug("participants:export_csv"), ORGANIZER_PAGE),
    "participants:export_xlsx": Row(_slug("participants:export_xlsx"), ORGANIZER_PAGE),
    "participants:sign_in_sheet": Row(_slug("participants:sign_in_sheet"), ORGANIZER_PAGE),
    "participants:badges": Row(_slug("participants:badges"), ORGANIZER_PAGE),
    "participants:targets": Row(_slug("participants:targets"), ORGANIZER_PAGE),
    "participants:target_delete": Row(
        lambda w, role: reverse("participants:target_delete", kwargs={"slug": w.forum.slug, "pk": w.target.pk}),
        (302, 302, 302, 403, 403, 403, 302),
        "post",
    ),
    "participants:fill_free_seats": Row(
        _slug("participants:fill_free_seats"), (302, 302, 302, 403, 403, 403, 302), "post"
    ),
    "participants:walk_in": Row(_slug("participants:walk_in"), ORGANIZER_PAGE),
    "participants:edit": Row(_registration("participants:edit"), ORGANIZER_PAGE),
    "participants:edit another forum's registration": Row(
        _registration("participants:edit", "elsewhere"), (302, 302, 404, 403, 403, 403, 404)
    ),
    "participants:cancel": Row(_registration("participants:cancel"), (302, 302, 302, 403, 403, 403, 302), "post"),
    "participants:cancel another forum's registration": Row(
        _registration("participants:cancel", "elsewhere"), (302, 302, 404, 403, 403, 403, 404), "post"
    ),
    "participants:cancel (the question that names the person)": Row(
        _registration("participants:cancel"), ORGANIZER_PAGE
    ),
    "participants:reactivate": Row(_registration("participants:reactivate"), ORGANIZER_PAGE),
    "participants:reactivate (unconfirmed post, sent to the question)": Row(
        _registration("participants:reactivate"), (302, 302, 302, 403, 403, 403, 302), "post"
    ),
    "participants:reactivate another forum's registration": Row(
        _registration("participants:reactivate", "elsewhere"), (302, 302, 404, 403, 403, 403, 404)
    ),
    "participants:erase": Row(_registration("participants:erase"), ORGANIZER_PAGE),
    "participants:erase another forum's registration": Row(
        _registration("participants:erase", "elsewhere"), (302, 302, 404, 403, 403, 403, 404)
    ),
    "participants:promote": Row(_registration("participants:promote"), (302, 302, 302, 403, 403, 403, 302), "post"),
    "participants:check_in": Row(_slug("participants:check_in"), ORGANIZER_PAGE),
    "participants:check_in_counters": Row(_slug("participants:check_in_counters"), ORGANIZER_PAGE),
    "participants:check_in_roster": Row(_slug("participants:check_in_roster"), ORGANIZER_PAGE),
    # an empty body is no check-in: organizers get 400, which proves they got past the permission check
    "participants:check_in_sync": Row(_slug("participants:check_in_sync"), (302, 302, 400, 403, 403, 403, 400), "post"),
    "participants:check_in_walk_in": Row(_slug("participants:check_in_walk_in"), ORGANIZER_PAGE),
    "participants:check_in_manifest": Row(_slug("participants:check_in_manifest"), ORGANIZER_PAGE),
    "participants:check_in_sw": Row(_slug("participants:check_in_sw"), ORGANIZER_PAGE),
    "participants:badge_reprint": Row(
        _registration("participants:badge_reprint"), (302, 302, 200, 403, 403, 403, 200), "post"
    ),
    "participants:badge_reprint of another forum's registration": Row(
        _registration("participants:badge_reprint", "elsewhere"), (302, 302, 404, 403, 403, 403, 404), "post"
    ),
    # participants: certificates and evaluation
    "participants:certificate_verify": Row(
        lambda w, role: reverse("participants:certificate_verify", kwargs={"code": w.certificate.code}), PUBLIC
    ),
    "participants:certificate_verify of an unknown code": Row(
        _plain("participants:certificate_verify", code="ACDEFGHJKM"), (404,) * 7
    ),
    "participants:certificate": Row(
        lambda w, role: reverse(
            "participants:certificate", kwargs={"token": w.attended_token if role == "participant" else "forged"}
        ),
        LINK_PAGE,
    ),
    "participants:certificate of someone not checked in": Row(_token("participants:certificate"), (404,) * 7),
    "participants:certificates": Row(_slug("participants:certificates"), ORGANIZER_PAGE),
    "participants:evaluation_answer": Row(
        lambda w, role: reverse(
            "participants:evaluation_answer",
            kwargs={"token": w.evaluation_token if role == "participant" else "forged"},
        ),
        LINK_PAGE,
    ),
    "participants:evaluation_define": Row(_slug("participants:evaluation_define"), ORGANIZER_PAGE),
    "participants:evaluation_results": Row(_slug("participants:evaluation_results"), ORGANIZER_PAGE),
    # a forum with no evaluation: organizers get past the permission check to a 404
    "participants:evaluation_remind": Row(
        _slug("participants:evaluation_remind"), (302, 302, 404, 403, 403, 403, 404), "post"
    ),
    # feedback: public
    "feedback:concern_create": Row(_plain("feedback:concern_create"), PUBLIC),
    "feedback:concern_submitted": Row(_plain("feedback:concern_submitted"), (302,) * 7),
    "feedback:concern_track": Row(_plain("feedback:concern_track"), PUBLIC),
    # a concern's stable tracking link opens for whoever holds it; a forged token is a 404
    "feedback:concern_track_link": Row(
        lambda w, role: reverse(
            "feedback:concern_track_link", kwargs={"token": concern_track_token(concern=w.concern)}
        ),
        PUBLIC,
    ),
    "feedback:concern_track_link forged": Row(_plain("feedback:concern_track_link", token="1.forged"), (404,) * 7),
    "feedback:concern_resolution": Row(_plain("feedback:concern_resolution", token="forged"), (404,) * 7),
    # the tracking code (absent here) or the signed link is the key, for everyone alike
    "feedback:concern_track_answer": Row(_plain("feedback:concern_track_answer"), (404,) * 7, "post"),
    "feedback:concern_track_appeal": Row(_plain("feedback:concern_track_appeal"), (404,) * 7, "post"),
    "feedback:concern_resolution_appeal": Row(
        _plain("feedback:concern_resolution_appeal", token="forged"), (404,) * 7, "post"
    ),
    "feedback:forum_accountability": Row(_slug("feedback:forum_accountability"), PUBLIC),
    "feedback:series_accountability": Row(
        lambda w, role: reverse("feedback:series_accountability", kwargs={"slug": w.forum.series.slug}), PUBLIC
    ),
    # feedback: staff pages
    "feedback:queue": Row(_plain("feedback:queue"), STAFF_PAGE),
    "feedback:appeals": Row(_plain("feedback:appeals"), SUPERVISOR_PAGE),
    "feedback:concern_detail": Row(_concern("feedback:concern_detail"), STAFF_PAGE),
    "feedback:concern_detail of a sensitive concern": Row(
        lambda w, role: reverse("feedback:concern_detail", kwargs={"code": w.sensitive.tracking_code}),
        (302, 302, 403, 404, 200, 403, 200),
    ),
    "feedback:concern_contact": Row(_concern("feedback:concern_contact"), STAFF_PAGE),
    "feedback:concern_attachment": Row(_concern("feedback:concern_attachment"), STAFF_PAGE),
    "feedback:concern_erase": Row(_concern("feedback:concern_erase"), STAFF_PAGE),
    "feedback:concern_action": Row(
        _concern("feedback:concern_action", action="note"), (302, 302, 403, 400, 400, 403, 400), "post"
    ),
    # feedback: concerns received by hotline, paper, letter or in person
    "feedback:concern_intake": Row(_plain("feedback:concern_intake"), STAFF_PAGE),
    "feedback:concern_intake_done": Row(_concern("feedback:concern_intake_done"), STAFF_PAGE),
    "feedback:concern_attachment_file": Row(
        lambda w, role: reverse(
            "feedback:concern_attachment_file", kwargs={"code": w.scan.concern.tracking_code, "pk": w.scan.pk}
        ),
        STAFF_PAGE,
    ),
    # feedback: commitments, public; staff manage them, programme officers read the staff pages
    "feedback:commitment_list": Row(_plain("feedback:commitment_list"), PUBLIC),
    "feedback:commitment_detail": Row(
        lambda w, role: reverse("feedback:commitment_detail", kwargs={"key": w.commitment.pk}), PUBLIC
    ),
    "feedback:commitment_manage_list": Row(_plain("feedback:commitment_manage_list"), COMMITMENT_VIEW_PAGE),
    "feedback:commitment_manage": Row(_commitment("feedback:commitment_manage"), COMMITMENT_VIEW_PAGE),
    "feedback:commitment_create": Row(_plain("feedback:commitment_create"), STAFF_PAGE),
    "feedback:commitment_csv": Row(_plain("feedback:commitment_csv"), STAFF_PAGE),
    "feedback:commitment_edit": Row(_commitment("feedback:commitment_edit"), STAFF_PAGE),
    # an empty form: managers get 400, which proves they got past the permission check
    "feedback:commitment_update": Row(_commitment("feedback:commitment_update"), COMMITMENT_MANAGE_POST, "post"),
    "feedback:commitment_milestone": Row(_commitment("feedback:commitment_milestone"), COMMITMENT_MANAGE_POST, "post"),
    "feedback:commitment_link": Row(_commitment("feedback:commitment_link"), COMMITMENT_MANAGE_POST, "post"),
    "feedback:commitment_milestone_reached": Row(
        lambda w, role: reverse("feedback:commitment_milestone_reached", kwargs={"pk": w.milestone.pk}),
        (302, 302, 403, 302, 302, 403, 302),
        "post",
    ),
    "feedback:forum_concerns": Row(_slug("feedback:forum_concerns"), (302, 302, 200, 200, 200, 403, 200)),
    "feedback:forum_concern_record": Row(_slug("feedback:forum_concern_record"), (302, 302, 200, 200, 200, 403, 200)),
    # notifications
    "notifications:message_log": Row(_slug("notifications:message_log"), ORGANIZER_PAGE),
    "notifications:message_resend": Row(
        lambda w, role: reverse("notifications:message_resend", kwargs={"slug": w.forum.slug, "pk": w.message.pk}),
        (302, 302, 302, 403, 403, 403, 302),
        "post",
    ),
    "notifications:overview": Row(_plain("notifications:overview"), (302, 302, 200, 200, 200, 403, 200)),
    "participants:announcement": Row(_slug("participants:announcement"), ORGANIZER_PAGE),
    "participants:reminder_settings": Row(_slug("participants:reminder_settings"), ORGANIZER_PAGE),
    # callbacks from the SMS gateway and Telegram: refused to anyone without their secret, logged in or not
    "hooks:telegram": Row(_plain("hooks:telegram"), (403,) * 7, "post"),
    "hooks:sms_inbound": Row(_plain("hooks:sms_inbound"), (403,) * 7, "post"),
    "hooks:sms_receipt": Row(_plain("hooks:sms_receipt"), (403,) * 7, "post"),
    # reports: dashboards and reports for organizers, supervisors and programme officers; the desk for NSSF and
    # programme officers; concern exports for NSSF, anonymised participants for programme officers
    "reports:index": Row(_plain("reports:index"), REPORT_PAGE),
    "reports:forum_dashboard": Row(_slug("reports:forum_dashboard"), REPORT_PAGE),
    "reports:forum_report": Row(_slug("reports:forum_report"), REPORT_PAGE),
    "reports:forum_report_pdf": Row(_slug("reports:forum_report_pdf"), REPORT_PAGE),
    "reports:series_dashboard": Row(_series("reports:series_dashboard"), REPORT_PAGE),
    "reports:series_report": Row(_series("reports:series_report"), REPORT_PAGE),
    "reports:series_report_pdf": Row(_series("reports:series_report_pdf"), REPORT_PAGE),
    "reports:participants_anonymised_csv": Row(_series("reports:participants_anonymised_csv"), ANONYMISED_EXPORT),
    "reports:participants_anonymised_xlsx": Row(_series("reports:participants_anonymised_xlsx"), ANONYMISED_EXPORT),
    "reports:desk_dashboard": Row(_plain("reports:desk_dashboard"), (302, 302, 403, 200, 200, 200, 200)),
    "reports:concerns_csv": Row(_plain("reports:concerns_csv"), (302, 302, 403, 200, 200, 403, 200)),
    "reports:concerns_xlsx": Row(_plain("reports:concerns_xlsx"), (302, 302, 403, 200, 200, 403, 200)),
    # a short SMS link leads anyone who has it to the page it stands for (the page checks its own signature)
    "short_link": Row(
        lambda w, role: urlsplit(short_link_create(target="/en/forums/", expires_at=w.forum.ends_at)).path,
        (302,) * 7,
    ),
    # audit
    "audit:trail": Row(_plain("audit:trail"), SUPERVISOR_PAGE),
    # admin: the site itself (model pages below)
    "admin:index": Row(_plain("admin:index"), (302, 302, 302, 302, 302, 302, 200)),
    "admin:login": Row(_plain("admin:login"), (302, 302, 403, 403, 403, 403, 302)),
    "admin:logout": Row(_plain("admin:logout"), (302, 302, 302, 302, 302, 302, 200), "post"),
    "admin:password_change": Row(_plain("admin:password_change"), (302, 302, 302, 302, 302, 302, 200)),
    "admin:password_change_done": Row(_plain("admin:password_change_done"), (302, 302, 302, 302, 302, 302, 200)),
    "admin:jsi18n": Row(_plain("admin:jsi18n"), (302, 302, 302, 302, 302, 302, 200)),
    "admin:autocomplete": Row(_plain("admin:autocomplete"), (302, 302, 302, 302, 302, 302, 403)),
    "admin:app_list": Row(_plain("admin:app_list", app_label="feedback"), (302, 302, 302, 302, 302, 302, 200)),
    "admin:view_on_site": Row(
        lambda w, role: reverse("admin:view_on_site", kwargs={"content_type_id": 1, "object_id": 0}),
        (*NOT_ADMIN, 404),
    ),
    "admin:auth_user_password_change": Row(
        lambda w, role: reverse("admin:auth_user_password_change", kwargs={"id": w.user_pk}),
        (302, 302, 302, 302, 302, 302, 200),
    ),
}

# Admin pages of every registered model: only administrators get in. Nobody deletes these, nor adds them.
READ_ONLY_ADMIN = {"feedback.concern", "feedback.appeal", "feedback.auditentry", "audit.auditevent"}
NO_ADD_ADMIN = READ_ONLY_ADMIN | {"notifications.message", "notifications.telegramchat", "events.material"}


def _admin_rows():
    rows = {}
    for model in admin.site._registry:
        label, prefix = model._meta.label_lower, f"admin:{model._meta.app_label}_{model._meta.model_name}"
        rows[f"{prefix}_changelist"] = Row(_plain(f"{prefix}_changelist"), (*NOT_ADMIN, 200))
        rows[f"{prefix}_add"] = Row(_plain(f"{prefix}_add"), (*NOT_ADMIN, 403 if label in NO_ADD_ADMIN else 200))
        # A missing object: the admin sends administrators back to the list with a message.
        for suffix in ("change", "delete", "history"):
            admin_status = 403 if suffix == "delete" and label in READ_ONLY_ADMIN else 302
            rows[f"{prefix}_{suffix}"] = Row(_plain(f"{prefix}_{suffix}", object_id="0"), (*NOT_ADMIN, admin_status))
    return rows


ADMIN_MODEL_ROWS = _admin_rows()
ALL_ROWS = {**ROWS, **ADMIN_MODEL_ROWS}


def _pattern_names():
    resolver = get_resolver()
    names = {key for key in resolver.reverse_dict if isinstance(key, str)}
    for namespace, (_prefix, sub) in resolver.namespace_dict.items():
        names |= {f"{namespace}:{key}" for key in sub.reverse_dict if isinstance(key, str)}
    return names


def test_every_url_pattern_has_a_row():
    covered = {name.split(" ", 1)[0] for name in ALL_ROWS}

    missing = _pattern_names() - covered
    assert not missing, f"add a row to tests/security/test_permission_matrix.py for: {sorted(missing)}"
    assert not covered - _pattern_names(), "rows for patterns that no longer exist"


class World:
    """The objects the URLs name, each created on first use (most rows need one or two)."""

    def __init__(self, png_bytes):
        self.png_bytes = png_bytes

    @cached_property
    def forum(self):
        return ForumFactory(capacity=5)

    @cached_property
    def mine(self):
        return RegistrationFactory(forum=self.forum)

    @cached_property
    def token(self):
        return services.registration_token(registration=self.mine)

    @cached_property
    def attended(self):
        """A participant checked in at a forum that is over, which has an evaluation."""
        forum = ForumFactory(starts_at=timezone.now() - timedelta(days=2))
        services.evaluation_save(
            forum=forum,
            open_question_km="",
            open_question_en="",
            questions=[{"kind": "rating", "text_km": "ល្អទេ?", "text_en": "Was it useful?"}],
        )
        return RegistrationFactory(forum=forum, checked_in_at=forum.starts_at)

    @cached_property
    def attended_token(self):
        return services.registration_token(registration=self.attended)

    @cached_property
    def evaluation_token(self):
        return services.evaluation_token(registration=self.attended)

    @cached_property
    def certificate(self):
        return services.certificate_issue(registration=self.attended)

    @cached_property
    def elsewhere(self):
        return RegistrationFactory()

    @cached_property
    def target(self):
        return services.seat_target_save(forum=self.forum, dimension="gender", value="woman", minimum=1, unit="seats")

    @cached_property
    def concern(self):
        concern = ConcernFactory(forum=self.forum)
        concern.attachment.save("photo.png", ContentFile(self.png_bytes))
        concern.attachment_type = "image/png"
        concern.save()
        return concern

    @cached_property
    def scan(self):
        return ConcernAttachment.objects.create(
            concern=self.concern, file=ContentFile(self.png_bytes, name="scan.png"), content_type="image/png"
        )

    @cached_property
    def commitment(self):
        return commitment_services.commitment_create(actor=None, title_km="ការប្តេជ្ញាចិត្ត", title_en="A commitment")

    @cached_property
    def milestone(self):
        return commitment_services.commitment_milestone_add(
            commitment=self.commitment, actor=None, title_km="ដំណាក់កាល", title_en="A step"
        )

    @cached_property
    def material(self):
        upload = SimpleUploadedFile("slides.png", self.png_bytes)
        return events_services.material_add(forum=self.forum, kind="file", title="Slides", file=upload)

    @cached_property
    def private_material(self):
        upload = SimpleUploadedFile("notes.png", self.png_bytes)
        return events_services.material_add(
            forum=self.forum, kind="file", title="Notes", file=upload, visibility="organizers"
        )

    @cached_property
    def sensitive(self):
        return ConcernFactory(sensitive=True)

    @cached_property
    def message(self):
        return MessageFactory(forum=self.forum, status="failed")

    @cached_property
    def user_pk(self):
        return UserFactory().pk


@pytest.fixture
def world(private_media, png_bytes):
    return World(png_bytes)


def _log_in(client, role):
    if role in ("anonymous", "participant"):
        return
    if role == "administrator":
        user = UserFactory(is_staff=True, is_superuser=True, two_factor=True)
    else:
        user = UserFactory(two_factor=role != "organizer")
        user.groups.add(Group.objects.get(name=GROUPS[role]))
    client.force_login(user)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("row_name", sorted(ALL_ROWS))
def test_permission_matrix(client, world, row_name, role):
    row = ALL_ROWS[row_name]
    _log_in(client, role)

    response = getattr(client, row.method)(row.url(world, role))

    assert response.status_code == row.statuses[ROLES.index(role)], f"{row_name} as {role}"
