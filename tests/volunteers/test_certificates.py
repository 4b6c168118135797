"""Certificates (志愿服务证明): requested by the volunteer or an admin of their area for a
period, a numbered PDF whose QR code leads to the public verification page; revocable."""

import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from core.errors import InvalidInput, NotInScope
from volunteers import certificate_pdf, certificates
from volunteers import records as record_services
from volunteers.models import Certificate

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(volunteer, station_head):
    volunteer.id_number = "370481199001011234"
    volunteer.save()
    records = []
    for i, (day, hours) in enumerate([(3, "2.0"), (10, "1.5"), (20, "3.0")], start=1):
        record, _ = record_services.record_create(
            volunteer=volunteer,
            hours=hours,
            service_date=dt.date(2026, 11, day),
            content=f"文明宣讲第{i}场",
            category="文明宣讲",
            place="团结村文化广场",
            source_kind="event",
            source_id=i,
            village=volunteer.home_village,
        )
        records.append(record)
    record_services.records_confirm(record_ids=[r.pk for r in records[:2]], actor=station_head)
    return records


def issue(actor, volunteer, start="2026-11-01", end="2026-11-30"):
    return certificates.certificate_issue(
        volunteer_id=volunteer.pk,
        actor=actor,
        period_start=dt.date.fromisoformat(start),
        period_end=dt.date.fromisoformat(end),
    )


def test_volunteer_requests_and_only_confirmed_hours_count(
    client, volunteer, confirmed, tuanjie_station
):
    client.force_login(volunteer.user)
    response = client.post(
        "/volunteer/certificates/",
        {"period_start": "2026-11-01", "period_end": "2026-11-30"},
        follow=True,
    )
    assert "已出具志愿服务证明" in response.content.decode()
    certificate = Certificate.objects.get()
    assert certificate.hours == Decimal("3.5") and certificate.record_count == 2
    assert certificate.issuer_position == tuanjie_station
    assert certificate.number.startswith("WMZ")
    assert set(certificate.records.all()) == set(confirmed[:2])


def test_pdf_opens_and_its_qr_url_verifies(client, volunteer, confirmed, station_head):
    certificate = issue(station_head, volunteer)
    client.force_login(volunteer.user)
    response = client.get(f"/certificates/{certificate.code}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 1
    text = "".join(page.extract_text() for page in reader.pages)
    # The URL printed under the QR code is the one the QR encodes (both from verification_url).
    url = certificate_pdf.verification_url(certificate)
    assert url in text.replace("\n", "")
    path = re.sub(r"^https?://[^/]+", "", url)
    client.logout()
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert "该证明真实有效" in html and certificate.number in html
    assert "张*" in html and "张明" not in html  # the name is masked


def test_pdf_uses_the_builtin_cid_font(volunteer, confirmed, station_head):
    certificate = issue(station_head, volunteer)
    data = certificate_pdf.render(certificate)
    assert data.startswith(b"%PDF") and b"STSong-Light" in data


def test_unknown_code_is_a_404_page(client):
    response = client.get("/certificates/no-such-code/")
    assert response.status_code == 404


def test_pdf_only_for_owner_and_area_admins(
    client, volunteer, confirmed, station_head, other_town_admin
):
    certificate = issue(volunteer.user, volunteer)
    url = f"/certificates/{certificate.code}/pdf/"
    assert client.get(url).status_code == 302  # login first
    client.force_login(other_town_admin)
    assert client.get(url).status_code == 404
    client.force_login(station_head)
    assert client.get(url).status_code == 200


def test_revoke_with_reason_shows_on_verification_page(
    client, volunteer, confirmed, town_admin, other_town_admin
):
    certificate = issue(town_admin, volunteer)
    url = f"/certificates/{certificate.code}/revoke/"
    client.force_login(other_town_admin)
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(volunteer.user)
    assert client.post(url, {"reason": "x"}).status_code == 404  # the volunteer cannot revoke
    client.force_login(town_admin)
    assert client.get(url).status_code == 405
    client.post(url, {"reason": ""})
    certificate.refresh_from_db()
    assert certificate.status == "valid"
    client.post(url, {"reason": "时长有误，重新出具"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_by == town_admin
    html = client.get(f"/certificates/{certificate.code}/").content.decode()
    assert "该证明已作废" in html and "时长有误，重新出具" in html


def test_issue_rejections(volunteer, confirmed, other_town_admin, station_head):
    with pytest.raises(NotInScope):
        issue(other_town_admin, volunteer)
    with pytest.raises(InvalidInput):
        issue(station_head, volunteer, start="2026-12-01", end="2026-11-01")
    with pytest.raises(InvalidInput):  # only pending hours in that period
        issue(station_head, volunteer, start="2026-11-15", end="2026-11-30")
    with pytest.raises(InvalidInput):
        issue(station_head, volunteer, start="1999-01-01", end="2026-11-30")
    assert not Certificate.objects.exists()


def test_admin_page_issues_and_lists(client, volunteer, confirmed, station_head, other_town_admin):
    client.force_login(station_head)
    data = {"volunteer": volunteer.pk, "period_start": "2026-11-01", "period_end": "2026-11-30"}
    response = client.post("/certificates/", data, follow=True)
    assert "已出具志愿服务证明" in response.content.decode()
    client.force_login(other_town_admin)
    response = client.post("/certificates/", data)
    assert response.status_code == 400 and "未找到该志愿者" in response.content.decode()
    assert Certificate.objects.count() == 1
    assert "张明" not in client.get("/certificates/").content.decode()


def test_records_page(client, volunteer, confirmed, station_head, django_assert_max_num_queries):
    client.force_login(volunteer.user)
    # 9, plus the header's unread-message count.
    with django_assert_max_num_queries(10):
        page = client.get("/volunteer/records/")
    html = page.content.decode()
    assert "文明宣讲第3场" in html and "3.5" in html and "3.0" in html
    # A confirmed record says who confirmed it and when (volunteers/_record_status.html).
    first = confirmed[0]
    first.refresh_from_db()
    who = station_head.get_full_name() or station_head.username
    assert f"已确认 · {who} {timezone.localtime(first.confirmed_at):%Y-%m-%d}" in html
    client.force_login(station_head)
    assert client.get("/volunteer/records/").status_code == 404


def test_pdf_carries_the_masked_id_number_and_the_volunteer_number(
    volunteer, confirmed, station_head
):
    """The identity on the certificate: the ID number masked (never in full), the volunteer
    number (issue #11)."""
    volunteer.id_number = "370481199001011234"
    volunteer.volunteer_number = "TZ2026000123"
    volunteer.save()
    certificate = issue(station_head, volunteer)
    data = certificate_pdf.render(certificate)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    text = text.replace("\n", "").replace(" ", "")
    assert volunteer.masked_id_number and volunteer.masked_id_number in text
    assert "370481199001011234" not in text
    assert "TZ2026000123" in text
