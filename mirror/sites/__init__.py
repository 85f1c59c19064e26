"""One template module per site: URL shape, article page, section page, feeds and sitemaps.

Sites are listed explicitly (no registration magic); adding a member is adding a module here and
its ``ann/sources/<id>.yaml``.
"""

from __future__ import annotations

from mirror.sites.asianews import AsiaNews
from mirror.sites.base import Site
from mirror.sites.chinadaily import ChinaDaily
from mirror.sites.dawn import Dawn
from mirror.sites.jakartapost import JakartaPost
from mirror.sites.koreaherald import KoreaHerald
from mirror.sites.straitstimes import StraitsTimes
from mirror.sites.thestar import TheStar

SITES: dict[str, Site] = {
    site.source_id: site
    for site in (AsiaNews(), ChinaDaily(), Dawn(), JakartaPost(), KoreaHerald(), StraitsTimes(),
                 TheStar())
}

__all__ = ["SITES", "Site"]
