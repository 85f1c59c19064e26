"""One template module per site: URL shape, article page, section page, feeds and sitemaps.

Sites are listed explicitly (no registration magic); adding a member is adding a module here and
its ``ann/sources/<id>.yaml``.
"""

from __future__ import annotations

from mirror.sites.asianews import AsiaNews
from mirror.sites.base import Site
from mirror.sites.borneobulletin import BorneoBulletin
from mirror.sites.chinadaily import ChinaDaily
from mirror.sites.dailystar import DailyStar
from mirror.sites.dawn import Dawn
from mirror.sites.eleven import Eleven
from mirror.sites.gogo import Gogo
from mirror.sites.inquirer import Inquirer
from mirror.sites.island import Island
from mirror.sites.jakartapost import JakartaPost
from mirror.sites.japannews import JapanNews
from mirror.sites.kathmandupost import KathmanduPost
from mirror.sites.koreaherald import KoreaHerald
from mirror.sites.kuensel import Kuensel
from mirror.sites.nationthailand import NationThailand
from mirror.sites.phnompenhpost import PhnomPenhPost
from mirror.sites.sinchew import SinChew
from mirror.sites.statesman import Statesman
from mirror.sites.straitstimes import StraitsTimes
from mirror.sites.thestar import TheStar
from mirror.sites.vientianetimes import VientianeTimes
from mirror.sites.vietnamnews import VietNamNews

SITES: dict[str, Site] = {
    site.source_id: site
    for site in (
        AsiaNews(), BorneoBulletin(), ChinaDaily(), DailyStar(), Dawn(), Eleven(), Gogo(),
        Inquirer(), Island(), JakartaPost(), JapanNews(), KathmanduPost(), KoreaHerald(),
        Kuensel(), NationThailand(), PhnomPenhPost(), SinChew(), Statesman(), StraitsTimes(),
        TheStar(), VientianeTimes(), VietNamNews(),
    )
}

__all__ = ["SITES", "Site"]
