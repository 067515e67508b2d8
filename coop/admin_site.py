from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from coop.roles import is_staff


class PortalAdminSite(admin.AdminSite):
    site_header = _("Quality cooperative portal")
    site_title = _("Quality cooperative portal")

    def has_permission(self, request):
        """Administrators and region supervisors enter; their role stands in for is_staff."""
        return request.user.is_active and is_staff(request.user)
