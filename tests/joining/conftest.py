import pytest

from joining import services

APPLICANT_PHONE = "13712345678"


@pytest.fixture
def applicant(tuanjie, lecture_category):
    """A pending application from 团结村 with the 文明宣讲 skill."""
    return services.application_submit(
        name="孙丽",
        phone="137 1234 5678",
        village=tuanjie,
        skill_ids=[lecture_category.pk],
        availability=["weekend"],
        consent=True,
    )
