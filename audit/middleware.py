"""Record every view and export of personal data, declared here by URL name, in one place.

A page listed below writes an audit event when it answered a GET with success. The list names pages by
URL name, so views can change shape (mixins, modules) without losing their audit entry; a new page that
shows contacts or exports personal data is added here, and tests/security/test_audit.py checks each one.
"""

from audit.models import AuditEvent
from audit.services import audit_record

Action, ObjectType = AuditEvent.Action, AuditEvent.ObjectType

# URL name -> (action, object type, URL argument naming the object; "" for a list).
AUDITED_VIEWS = {
    "participants:manage_list": (Action.VIEW_PARTICIPANTS, ObjectType.FORUM, "slug"),
    "participants:edit": (Action.VIEW_REGISTRATION, ObjectType.REGISTRATION, "pk"),
    # The questions before cancelling or reactivating name the person, with their code and phone.
    "participants:cancel": (Action.VIEW_REGISTRATION, ObjectType.REGISTRATION, "pk"),
    "participants:reactivate": (Action.VIEW_REGISTRATION, ObjectType.REGISTRATION, "pk"),
    "participants:check_in": (Action.VIEW_CHECK_IN, ObjectType.FORUM, "slug"),
    "participants:walk_in": (Action.VIEW_CHECK_IN, ObjectType.FORUM, "slug"),
    "participants:check_in_roster": (Action.VIEW_CHECK_IN, ObjectType.FORUM, "slug"),
    "participants:export_csv": (Action.EXPORT, ObjectType.FORUM, "slug"),
    "participants:export_xlsx": (Action.EXPORT, ObjectType.FORUM, "slug"),
    "participants:sign_in_sheet": (Action.EXPORT, ObjectType.FORUM, "slug"),
    "participants:badges": (Action.EXPORT, ObjectType.FORUM, "slug"),
    "participants:certificates": (Action.EXPORT, ObjectType.FORUM, "slug"),
    # Names who has not answered the evaluation yet.
    "participants:evaluation_results": (Action.VIEW_PARTICIPANTS, ObjectType.FORUM, "slug"),
    "feedback:concern_contact": (Action.VIEW_CONTACT, ObjectType.CONCERN, "code"),
    "feedback:concern_attachment": (Action.VIEW_ATTACHMENT, ObjectType.CONCERN, "code"),
    "feedback:concern_attachment_file": (Action.VIEW_ATTACHMENT, ObjectType.CONCERN, "code"),
    "admin:feedback_concern_changelist": (Action.ADMIN_VIEW, ObjectType.CONCERN, ""),
    "admin:feedback_concern_change": (Action.ADMIN_VIEW, ObjectType.CONCERN, "object_id"),
    "admin:feedback_concern_history": (Action.ADMIN_VIEW, ObjectType.CONCERN, "object_id"),
    "admin:participants_registration_changelist": (Action.ADMIN_VIEW, ObjectType.REGISTRATION, ""),
    "admin:participants_registration_change": (Action.ADMIN_VIEW, ObjectType.REGISTRATION, "object_id"),
    "admin:participants_registration_history": (Action.ADMIN_VIEW, ObjectType.REGISTRATION, "object_id"),
}


class AccessAuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        audited = AUDITED_VIEWS.get(match.view_name) if match else None
        if audited and request.method == "GET" and 200 <= response.status_code < 300 and request.user.is_authenticated:
            action, object_type, argument = audited
            audit_record(
                actor=request.user,
                action=action,
                object_type=object_type,
                object_ref=match.kwargs.get(argument, "") if argument else "",
                detail=match.view_name,
            )
        return response
