import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
def test_visitor_sees_member_states_and_plans_on_the_home_page(page):
    call_command("load_demo", no_accounts=True)
    page.goto("/")
    assert page.locator("h1").inner_text().startswith("SME cooperation")
    assert page.get_by_role("cell", name="Türkiye").is_visible()
    assert page.get_by_text("Action Plan for the D-8 SME Centre in Abuja").is_visible()
