import hashlib
import hmac
import json
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django.views.generic import ListView, TemplateView

from events.mixins import ManageForumMixin
from forum_portal.phones import phone_from_gateway
from notifications import selectors, services, shortlinks
from notifications.models import Message
from notifications.telegram import telegram_updates_process

logger = logging.getLogger(__name__)

LOG_PERMISSION = "notifications.view_message_log"
SEND_PERMISSION = "notifications.send_announcement"


class MessageLogView(ManageForumMixin, ListView):
    """The forum's message log: every message with its status and error, newest first."""

    permission_required = LOG_PERMISSION
    active_tab = "messages"
    template_name = "notifications/message_log.html"
    context_object_name = "outbox_messages"
    paginate_by = 50

    def get_queryset(self):
        self.status = self.request.GET.get("status", "")
        return selectors.forum_messages(forum=self.forum, user=self.request.user, status=self.status)

    def get_context_data(self, **kwargs):
        summary = selectors.forum_message_summary(forum=self.forum, user=self.request.user)
        return super().get_context_data(
            counts=summary["counts"],
            channels=summary["channels"],
            sms_currency=settings.SMS_COST_CURRENCY,
            statuses=Message.Status.choices,
            current_status=self.status if self.status in Message.Status.values else "",
            query_string=f"status={self.status}" if self.status in Message.Status.values else "",
            **kwargs,
        )


class MessageResendView(ManageForumMixin, View):
    """Queue a failed message again (POST only)."""

    permission_required = SEND_PERMISSION
    http_method_names = ["post"]

    def post(self, request, slug, pk):
        message = get_object_or_404(selectors.messages_visible_to(user=request.user, forum=self.forum), pk=pk)
        try:
            services.message_resend(message=message)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The message is queued again."))
        return redirect("notifications:message_log", slug=self.forum.slug)


# Callbacks from the outside: Telegram's webhook and the SMS gateway -------------------------------


def _secret_matches(given: str, secret: str) -> bool:
    return bool(secret) and hmac.compare_digest(given.encode(), secret.encode())


def _sms_gateway_verified(request) -> bool:
    """Accept the gateway's shared secret (X-Webhook-Secret) or an HMAC-SHA256 of the body (X-Signature)."""
    secret = settings.SMS_WEBHOOK_SECRET
    if not secret:
        return False
    if _secret_matches(request.headers.get("X-Webhook-Secret", ""), secret):
        return True
    expected = hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    signature = request.headers.get("X-Signature", "").removeprefix("sha256=")
    return hmac.compare_digest(signature.encode(), expected.encode())


def _payload(request) -> dict:
    """Return the callback's fields, whether the gateway posts JSON or a form."""
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}
    return request.POST.dict()


def _first(data: dict, *names: str) -> str:
    return next((str(data[name]) for name in names if data.get(name) not in (None, "")), "")


@csrf_exempt
@require_POST
def telegram_webhook(request):
    """Receive one Bot API update (setWebhook with a secret token); the same handler as polling."""
    if not _secret_matches(
        request.headers.get("X-Telegram-Bot-Api-Secret-Token", ""), settings.TELEGRAM_WEBHOOK_SECRET
    ):
        logger.warning("Telegram webhook refused: wrong or missing secret token")
        return HttpResponseForbidden()
    update = _payload(request)
    if not isinstance(update.get("update_id"), int):
        return HttpResponseBadRequest()
    telegram_updates_process(updates=[update])
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def sms_inbound(request):
    """Receive a text someone sent to the portal's number (fields from/msisdn/sender and text/message)."""
    if not _sms_gateway_verified(request):
        logger.warning("inbound SMS refused: not signed by the gateway")
        return HttpResponseForbidden()
    data = _payload(request)
    phone = phone_from_gateway(_first(data, "from", "msisdn", "sender", "phone", "source"))
    text = _first(data, "text", "message", "body", "content")
    if not phone:
        return HttpResponseBadRequest()
    outcome = services.sms_inbound_receive(phone=phone, text=text)
    return JsonResponse({"ok": True, "outcome": outcome})


@csrf_exempt
@require_POST
def sms_receipt(request):
    """Receive the gateway's delivery receipt for an SMS we sent (fields reference and status)."""
    if not _sms_gateway_verified(request):
        logger.warning("SMS receipt refused: not signed by the gateway")
        return HttpResponseForbidden()
    data = _payload(request)
    reference = _first(data, "reference", "client_ref", "client_reference", "message_id", "id")
    status = _first(data, "status", "dlr_status", "state", "stat")
    message = services.sms_receipt_record(reference=reference, status=status)
    return JsonResponse({"ok": message is not None})


class MessageOverviewView(PermissionRequiredMixin, TemplateView):
    """What went out on each channel across the portal, delivered or not, and what the SMS cost."""

    permission_required = "notifications.view_message_overview"
    template_name = "notifications/overview.html"
    PERIODS = {"30": 30, "365": 365, "all": None}

    def get_context_data(self, **kwargs):
        period = self.request.GET.get("period", "30")
        period = period if period in self.PERIODS else "30"
        days = self.PERIODS[period]
        since = timezone.now() - timedelta(days=days) if days else None
        summary = selectors.messages_overview(user=self.request.user, since=since)
        return super().get_context_data(
            channels=summary["channels"],
            counts=summary["counts"],
            period=period,
            sms_currency=settings.SMS_COST_CURRENCY,
            **kwargs,
        )


def short_link_redirect(request, token: str):
    """Send whoever opens a short SMS link to the signed page it stands for; 404 once it has expired."""
    target = shortlinks.short_link_target(token=token)
    if target is None:
        raise Http404
    return redirect(target)
