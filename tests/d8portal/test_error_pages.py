import pytest

from d8portal import errors, urls


@pytest.mark.django_db
def test_missing_page_is_shown_in_the_portals_layout_with_ways_on(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-header"' in page
    assert 'href="/meetings/"' in page


@pytest.mark.django_db
def test_missing_page_with_debug_on_is_the_portals_page_not_djangos_url_list(client, settings):
    settings.DEBUG = True
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert "URLconf" not in page


@pytest.mark.django_db
def test_missing_record_with_debug_on_is_the_portals_page(client, settings):
    settings.DEBUG = True
    response = client.get("/meetings/no-such-meeting/")
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in response.content.decode()


@pytest.mark.django_db
def test_a_path_missing_its_slash_is_still_redirected(client, settings):
    settings.DEBUG = True
    assert client.get("/meetings").status_code == 301


@pytest.mark.django_db
def test_forbidden_page_gives_the_views_reason_in_the_portals_layout(client, delegate):
    client.force_login(delegate)
    response = client.get("/action-items/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "This page is for focal points and the Secretariat." in page
    assert 'class="site-header"' in page


@pytest.mark.django_db
def test_server_error_is_shown_in_the_portals_layout(rf):
    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert "something went wrong" in response.content.decode()


def test_the_handlers_are_the_portals():
    assert urls.handler404.__name__ == "page_not_found"
    assert urls.handler403.__name__ == "permission_denied"
    assert urls.handler500.__name__ == "server_error"
