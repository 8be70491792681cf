from django.urls import path

from . import privacy_views, views

urlpatterns = [
    path("personen/", views.people_list, name="people"),
    path("personen/erwaehnen/", views.mention_suggestions, name="mention_suggestions"),
    path("personen/<int:pk>/", views.person_detail, name="person_detail"),
    path("personen/<int:pk>/rollen/", views.person_roles, name="person_roles"),
    path("personen/<int:pk>/loeschen/", privacy_views.account_delete_person,
         name="account_delete_person"),
    path("profil/", views.profile_edit, name="profile_edit"),
    path("profil/einstellungen/", views.profile_settings, name="profile_settings"),
    path("profil/tokens/", views.api_token_create, name="api_token_create"),
    path("profil/tokens/<int:pk>/widerrufen/", views.api_token_revoke, name="api_token_revoke"),
    path("profil/feed-erneuern/", views.feed_token_reset, name="feed_token_reset"),
    path("profil/datenexport/", privacy_views.data_export_request, name="data_export_request"),
    path("profil/datenexport/<str:name>/", privacy_views.data_export_download,
         name="data_export_download"),
    path("profil/konto-loeschen/", privacy_views.account_delete_own, name="account_delete_own"),
    path("staedte/", views.organisation_list, name="organisations"),
    path("staedte/<slug:slug>/", views.organisation_detail, name="organisation_detail"),
    path("staedte/<slug:slug>/bearbeiten/", views.organisation_edit, name="organisation_edit"),
    path("staedte/<slug:slug>/logo/", views.organisation_logo, name="organisation_logo"),
    path("einladungen/", views.invitation_list, name="invitation_list"),
    path("einladungen/<int:pk>/zurueckziehen/", views.invitation_revoke,
         name="invitation_revoke"),
    path("einladungen/<int:pk>/erneut/", views.invitation_resend, name="invitation_resend"),
    path("einladung/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
