"""The public Atom feeds (Django's syndication framework): a cooperative's announcements,
commitments newly published and its members' honours, newest first, at
``/c/<slug>/announcements/feed/``; the same across every cooperative at
``/announcements/feed/``. Public data only: notices as the announcements page says them, a
commitment's products, standards and dates as the registry shows them, an honour's title, who
awarded it and when. Bounded to the newest ``LIMIT`` entries, three queries whatever the data.

The portal-wide feed is, with ``credit.selectors.commitment_registry``, one of the reviewed
places that read across cooperatives: published rows only, public fields only."""

import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from coop.tenancy import unscoped
from credit.models import Announcement, Commitment
from members.models import Honour, Member

LIMIT = 50
# Entry ids are tag URIs (RFC 4151) on the portal's own name: they stay the same whatever
# address a reader used, and say what each entry is.
TAG = f"tag:{urlsplit(settings.PORTAL_BASE_URL).hostname or 'localhost'},2026:"


class Entry:
    """One entry of a feed, whichever row it comes from."""

    def __init__(self, kind, pk, title, text, link, updated, cooperative):
        self.kind, self.pk, self.title, self.text = kind, pk, title, text
        self.link, self.updated, self.cooperative = link, updated, cooperative


def at_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def entries(cooperative_id=None):
    """The newest ``LIMIT`` entries of one cooperative (the request's scope), or of every
    cooperative when ``cooperative_id`` is None (read unscoped, published rows only)."""
    only = {"cooperative_id": cooperative_id} if cooperative_id else {}
    today = timezone.localdate()
    notices = Announcement.objects.filter(**only).select_related("cooperative")[:LIMIT]
    commitments = (
        Commitment.objects.filter(
            **only,
            status=Commitment.Status.PUBLISHED,
            published_at__isnull=False,
            valid_until__gte=today,
            member__status=Member.Status.ACTIVE,
        )
        .select_related("member", "cooperative")
        .order_by("-published_at", "-pk")[:LIMIT]
    )
    honours = (
        Honour.objects.filter(**only, member__status=Member.Status.ACTIVE)
        .select_related("member", "cooperative")
        .order_by("-awarded_on", "-pk")[:LIMIT]
    )
    found = [
        Entry(
            "announcement",
            notice.pk,
            notice.title_said,
            notice.body_said,
            reverse("announcement-detail", args=[notice.cooperative.slug, notice.pk]),
            notice.published_at,
            notice.cooperative,
        )
        for notice in notices
    ]
    found += [
        Entry(
            "commitment",
            row.pk,
            _("Quality commitment of %(member)s: %(products)s")
            % {"member": row.member.name, "products": row.products},
            _("Standards executed: %(standards)s. Valid from %(start)s to %(end)s.")
            % {"standards": row.standards, "start": row.valid_from, "end": row.valid_until},
            reverse("member-page", args=[row.cooperative.slug, row.member_id]),
            row.published_at,
            row.cooperative,
        )
        for row in commitments
    ]
    found += [
        Entry(
            "honour",
            row.pk,
            _("Honour of %(member)s: %(title)s") % {"member": row.member.name, "title": row.title},
            _("Awarded by %(by)s on %(on)s.") % {"by": row.awarded_by, "on": row.awarded_on},
            reverse("member-page", args=[row.cooperative.slug, row.member_id]),
            at_midnight(row.awarded_on),
            row.cooperative,
        )
        for row in honours
    ]
    found.sort(key=lambda entry: (entry.updated, entry.kind, entry.pk), reverse=True)
    return found[:LIMIT]


class EntryFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.text

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return f"{TAG}{item.cooperative.slug}/{item.kind}/{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.updated

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return item.cooperative.name


class CooperativeFeed(EntryFeed):
    """A cooperative's feed, in the request's scope (a public page of the cooperative)."""

    def get_object(self, request, coop_slug):
        return request.cooperative

    def title(self, cooperative):
        return _("%(name)s: announcements, commitments and honours") % {"name": cooperative.name}

    def subtitle(self, cooperative):
        return _("Public notices, newly published quality commitments and members' honours.")

    def link(self, cooperative):
        return reverse("announcements", args=[cooperative.slug])

    def feed_guid(self, cooperative):
        return f"{TAG}{cooperative.slug}/feed"

    def author_name(self, cooperative):
        return cooperative.name

    def items(self, cooperative):
        return entries(cooperative.pk)


class PortalFeed(EntryFeed):
    """Every cooperative's feed in one."""

    def title(self):
        return _("Quality cooperative portal: announcements, commitments and honours")

    def subtitle(self):
        return _("Public notices, newly published quality commitments and members' honours.")

    def link(self):
        return reverse("home")

    def feed_guid(self):
        return f"{TAG}feed"

    def author_name(self):
        return _("Quality cooperative portal")

    def items(self):
        with unscoped():
            return entries()
