"""The joining pages' references (aria-describedby, label for, the error summary's links) all
point at elements that exist, empty and sent back with errors, in both languages; forms sent
back with errors open with the error summary (tests/portal/test_id_references.py's rule)."""

import pytest

from joining import services
from notifications.kinds import Kind
from notifications.models import Notification
from tests.portal.test_id_references import Pages

JOIN = "/join/"
SMS = "/accounts/password/sms/"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_joining_pages_have_no_dangling_references(
    client, tuanjie, lecture_category, station_head, volunteer, language
):
    client.cookies["django_language"] = language
    pages = Pages(client)
    pages.check(JOIN)
    pages.check(JOIN, data={"q": "团结"})
    pages.check(JOIN, data={"village": tuanjie.pk})
    pages.check(JOIN, "post", {"village": tuanjie.pk, "phone": "123"}, expect=400)
    pages.check(SMS)
    pages.check(SMS, "post", {"action": "send", "phone": "12"}, expect=400)
    pages.check(SMS, "post", {"action": "send", "phone": volunteer.phone})
    pages.check(SMS, "post", {"action": "reset", "phone": volunteer.phone, "code": "1"}, expect=400)
    pages.check("/accounts/password/reset/")
    pages.check("/accounts/password/reset/", "post", {"email": "x"})
    application = services.application_submit(
        name="孙丽", phone="13712345678", village=tuanjie, consent=True
    )
    client.force_login(station_head)
    pages.check("/station/volunteers/applications/")
    pages.check("/station/today/")
    services.application_approve(application_id=application.pk, by=station_head)
    client.logout()
    url = Notification.objects.get(kind=Kind.VOLUNTEER_APPROVED).payload["url"]
    form_url = client.get(url)["Location"]
    pages.check(form_url)
    pages.check(form_url, "post", {"new_password1": "1", "new_password2": "2"})
    pages.assert_clean()


def test_forms_with_errors_open_with_the_summary(client, tuanjie):
    page = client.post(JOIN, {"village": tuanjie.pk, "phone": "123"}).content.decode()
    assert 'id="error-summary"' in page and 'href="#id_phone"' in page
    page = client.post(SMS, {"action": "send", "phone": "12"}).content.decode()
    assert 'id="error-summary"' in page and 'href="#id_phone"' in page
