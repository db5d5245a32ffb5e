"""A participant answers the evaluation on a small phone with JavaScript off, in Khmer, and checks a certificate."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participants import services
from participants.models import EvaluationAnswer, EvaluationResponse
from tests.browser.conftest import PHONE
from tests.events.factories import ForumFactory
from tests.participants.factories import RegistrationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_answers_the_evaluation_on_a_phone_without_javascript(browser, live_server):
    forum = ForumFactory(starts_at=timezone.now() - timedelta(days=2))
    services.evaluation_save(
        forum=forum,
        open_question_km="តើមានអ្វីទៀត?",
        open_question_en="Anything else?",
        questions=[
            {"kind": "rating", "text_km": "តើវេទិកាមានប្រយោជន៍ប៉ុណ្ណា?", "text_en": "How useful was it?"},
            {"kind": "yes_no", "text_km": "តើអ្នកនឹងមកម្តងទៀតទេ?", "text_en": "Would you come again?"},
        ],
    )
    registration = RegistrationFactory(forum=forum, checked_in_at=forum.starts_at, full_name="សុភា ចាន់")
    certificate = services.certificate_issue(registration=registration)
    token = services.evaluation_token(registration=registration)
    context = browser.new_context(viewport=PHONE, locale="km-KH", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/km/evaluations/{token}/")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    rating, again = forum.evaluation.questions.all()
    page.locator(f"input[name=q{rating.pk}][value='4']").check()
    page.locator(f"input[name=q{again.pk}][value='1']").check()
    page.get_by_label("តើមានអ្វីទៀត?").fill("ល្អណាស់")
    page.locator("main button[type=submit]").click()

    expect(page.locator("main [role=status]").first).to_be_visible()
    response = EvaluationResponse.objects.get()
    assert (response.registration_id, response.open_answer) == (registration.pk, "ល្អណាស់")
    assert sorted(EvaluationAnswer.objects.values_list("value", flat=True)) == [1, 4]

    page.goto(f"{live_server.url}/km/certificates/{certificate.code_display}/")
    expect(page.get_by_text("សុភា ចាន់")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    context.close()
