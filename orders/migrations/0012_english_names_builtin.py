"""English names for the built-in platforms (七大平台) and categories, where staff kept none.

A copy, as a migration must be: ``orders.demo`` keeps the seeding's own (PLATFORM_NAMES_EN,
CATEGORY_NAMES_EN). Menu items are the city's own: their English names come from staff (the demo
seeds them). Reversing leaves the names (the fields go with 0011's reversal).
"""

from django.db import migrations

PLATFORMS = {
    "理论宣讲": "Theory outreach",
    "教育": "Education",
    "文化": "Culture",
    "科技与科普": "Science and popularisation",
    "健身体育": "Fitness and sports",
    "法律法规": "Law",
    "卫生健康": "Health",
}
CATEGORIES = {  # by code (staff may have renamed the Chinese name)
    "lecture": "Civility lectures",
    "law": "Rule of law",
    "customs": "Social customs",
    "environment": "Environment",
    "assistance": "Assistance",
    "performing": "Performing arts",
    "etiquette": "Etiquette",
    "fitness": "Fitness",
    "science": "Science popularisation",
}


def fill(apps, schema_editor):
    Platform = apps.get_model("orders", "Platform")
    ServiceCategory = apps.get_model("orders", "ServiceCategory")
    for name, english in PLATFORMS.items():
        Platform.objects.filter(name=name, name_en="").update(name_en=english)
    for code, english in CATEGORIES.items():
        ServiceCategory.objects.filter(code=code, name_en="").update(name_en=english)


class Migration(migrations.Migration):
    dependencies = [("orders", "0011_english_names")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
