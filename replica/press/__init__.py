"""Replicas of real Vietnamese portals (VnExpress, Tuổi Trẻ, Dân trí, VietnamNet, CafeF,
Pháp Luật TP.HCM) beside the tuyengiao.vn one: each portal's real article page as the
template of generated articles, its listings, feed, sitemaps and robots.txt, as its
declaration in `crawler/portals/` describes them."""

from replica.press.server import PressServer, portal_names, start_portals, start_press
from replica.press.site import PressSite
from replica.press.specs import PORTAL_NAMES

__all__ = [
    "PORTAL_NAMES",
    "PressServer",
    "PressSite",
    "portal_names",
    "start_portals",
    "start_press",
]
