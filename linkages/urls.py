from django.urls import path

from . import views

app_name = "linkages"

urlpatterns = [
    path("opportunities/", views.opportunity_catalogue, name="opportunities"),
    path("opportunities/ours/", views.our_opportunities, name="our-opportunities"),
    path("opportunities/new/", views.opportunity_create, name="opportunity-create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity-detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity-edit"),
    path(
        "opportunities/<int:pk>/submit/",
        views.opportunity_submit_view,
        name="opportunity-submit",
    ),
    path(
        "opportunities/<int:pk>/attachment/",
        views.opportunity_attachment,
        name="opportunity-attachment",
    ),
    path("opportunities/<int:pk>/interest/", views.interest_create, name="interest-create"),
    path("interests/", views.interest_list, name="interests"),
    path("interests/<int:pk>/", views.interest_detail, name="interest-detail"),
    path("events/", views.event_list, name="events"),
    path("events/<slug:slug>/", views.event_detail, name="event-detail"),
    path("events/<slug:slug>/calendar.ics", views.event_ics, name="event-ics"),
    path("events/<slug:slug>/nominate/", views.nomination_create_view, name="nominate"),
    path(
        "events/<slug:slug>/nominations/<int:pk>/decide/",
        views.nomination_decide_view,
        name="nomination-decide",
    ),
    path("events/<slug:slug>/participants.pdf", views.event_participants, name="participants"),
    path("meetings/<slug:slug>/calendar.ics", views.meeting_ics, name="meeting-ics"),
    path("calendar.ics", views.public_feed, name="public-feed"),
    path("calendar/<str:token>.ics", views.personal_feed, name="personal-feed"),
]
