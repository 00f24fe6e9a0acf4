"""Tạp chí Kinh tế Việt Nam - VnEconomy (vneconomy.vn): discovery only
(hosts, article ids, sources); its pages are read by the generic reader.
Everything here is public knowledge, unverified."""

from __future__ import annotations

from crawler.portals.base import NO_ID, Portal, Source

PORTAL = Portal(
    site="vneconomy.vn",
    name="vneconomy",
    hosts=("vneconomy.vn", "www.vneconomy.vn"),
    default_start_url="https://vneconomy.vn/",
    layouts=(),
    # URLs carry no number ("/<slug>.htm"): the archive keys articles by a numeric
    # id, so none is read until identity by canonical URL (issue 15 §1) exists.
    article_id_pattern=NO_ID,
    sources=(
        Source("home", "https://vneconomy.vn/"),
        Source("section", "https://vneconomy.vn/tai-chinh.htm", "{url}?trang={n}"),
        Source("rss", "https://vneconomy.vn/rss/home.rss"),
        Source("sitemap", "https://vneconomy.vn/sitemap.xml"),
    ),
    outlet="Tạp chí Kinh tế Việt Nam - VnEconomy",
    owner="Hội Khoa học Kinh tế Việt Nam",
)
