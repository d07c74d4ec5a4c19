"""The API's docs and browsable pages work in a browser under the portal's content policy."""

import pytest

from accounts.models import ApiToken


@pytest.fixture
def policy_violations(page):
    """Every content-security-policy violation and script error the page reports."""
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(str(error)))
    return violations


@pytest.mark.django_db(transaction=True)
def test_api_docs_render_every_group_of_operations_offline(page, policy_violations):
    page.goto("/api/docs/")

    page.locator(".opblock-tag-section").first.wait_for()
    tags = page.locator(".opblock-tag").all_inner_texts()
    assert any("action-items" in tag for tag in tags)
    assert any("meetings" in tag for tag in tags)
    assert page.locator(".opblock").count() > 40
    assert policy_violations == []


@pytest.mark.django_db(transaction=True)
def test_api_docs_show_an_operations_parameters(page, policy_violations):
    page.goto("/api/docs/")
    page.locator("#operations-action-items-action_items_list").click()

    page.locator("tr[data-param-name='due_before']").wait_for()
    assert page.locator("tr[data-param-name='overdue']").is_visible()
    assert policy_violations == []


@pytest.mark.django_db(transaction=True)
def test_browsable_api_renders_without_policy_violations(page, policy_violations, nigeria):
    page.goto("/api/v1/member-states/")

    assert page.locator("h1").inner_text() == "Member State List"
    assert "nigeria" in page.get_by_label("response info").inner_text()
    assert policy_violations == []


@pytest.mark.django_db(transaction=True)
def test_focal_point_creates_a_token_in_the_browser_and_revokes_it(
    page, log_in, policy_violations, nigeria_focal
):
    log_in("focal.nigeria", login_path="/accounts/login/")
    page.get_by_role("link", name="API tokens").click()
    page.fill("input[name=name]", "SMEDAN reporting script")
    page.select_option("select[name=lifetime]", "90")
    page.get_by_role("button", name="Create token").click()

    secret = page.locator("code.secret").inner_text()
    assert secret.startswith("d8p_")
    assert page.get_by_role("cell", name="SMEDAN reporting script", exact=True).is_visible()
    assert ApiToken.find(secret).user == nigeria_focal

    page.get_by_role("button", name="Revoke SMEDAN reporting script").click()
    assert page.get_by_text("no longer works").is_visible()
    assert not ApiToken.objects.exists()
    assert policy_violations == []
