"""IP and brands (the Tongzhou and Haimen seed programmes): collective trademark licences shown on
the member's public page, design-patent pre-review requests tracked against 15 working days,
and trademark-infringement reports handled by staff."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrandsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "brands"
    verbose_name = _("ip and brands")

    def ready(self):
        from brands.public import licence_details
        from brands.selectors import report_visible
        from coop import attachments, public_cache
        from credit import public_page

        # The member's public page (credit) shows each licence's mark number and licence
        # number, joined into its one query of licences.
        if licence_details not in public_page.LICENCE_DETAILS:
            public_page.LICENCE_DETAILS.append(licence_details)
        # Who may see the evidence attached to a report: who may see the report.
        attachments.register("brands.infringementreport", report_visible)
        # The public page shows the marks and licence numbers: a change throws cached pages away.
        from brands.models import CollectiveTrademark, LicenceTerms

        public_cache.watch(CollectiveTrademark, LicenceTerms)

        # The member's record counts its licences, design reviews and infringement reports.
        from django.utils.translation import pgettext_lazy

        from brands.models import DesignReview, InfringementReport
        from members import programmes
        from members.models import TrademarkLicence

        programmes.register(
            programmes.Programme(
                "trademark_licences",
                pgettext_lazy("menu", "Trademark licences"),
                lambda: TrademarkLicence.objects.all(),
                "licence-list",
            ),
            programmes.Programme(
                "design_reviews",
                pgettext_lazy("menu", "Design pre-reviews"),
                lambda: DesignReview.objects.all(),
                "design-review-list",
            ),
            programmes.Programme(
                "infringement_reports",
                pgettext_lazy("menu", "Infringement reports"),
                lambda: InfringementReport.objects.all(),
                "infringement-list",
            ),
        )
