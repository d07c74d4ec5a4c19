"""Helpers for the API tests: field errors, query counts."""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def field_errors(response, field):
    assert response.status_code == 400, (response.status_code, response.content)
    return response.json()[field]


def queries_for(client, url):
    """(number of SQL queries, rows in the answer) of one GET."""
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(context.captured_queries), len(response.json()["results"])
