from django.contrib import admin
from django.contrib.admin.apps import AdminConfig


class SecretariatAdminSite(admin.AdminSite):
    site_header = "D-8 SME Cooperation Portal"
    site_title = "D-8 SME Portal"
    index_title = "Secretariat"
    index_template = "admin/secretariat_index.html"
    # Wide lists (action items, the accession matrix) need the whole width of the page.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        # Imported here: this module is loaded with INSTALLED_APPS, before any model is.
        from d8portal.dashboard import DASHBOARD_PERMISSIONS, secretariat_dashboard

        context = dict(extra_context or {})
        if request.user.has_perms(DASHBOARD_PERMISSIONS):
            context["dashboard"] = secretariat_dashboard()
        return super().index(request, context)


class SecretariatAdminConfig(AdminConfig):
    default_site = "d8portal.admin_site.SecretariatAdminSite"
