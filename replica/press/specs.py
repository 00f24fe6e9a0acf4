"""What the replica knows of each real portal that the portal declaration does not say.

The declaration (`crawler/portals/<name>.py`) gives hosts, id rule, layouts (where
each field sits) and discovery sources; the replica reads all of that from it. Here is
only what a *writer* of pages needs and a reader does not: the real page used as the
template, the portal's own date line format, how a caption and its credit are written
together, how ids are minted, and the lead mark as printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources

from crawler.portals import Portal, portal_by_name

# Monday first, as `date.weekday()` counts.
_WEEKDAYS_LOWER = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
_WEEKDAYS_TITLE = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

DateFormat = Callable[[datetime], str]


def _vnexpress_date(t: datetime) -> str:
    # "Thứ bảy, 7/3/2026, 00:05 (GMT+7)": no zero padding of day and month.
    return f"{_WEEKDAYS_LOWER[t.weekday()]}, {t.day}/{t.month}/{t.year}, {t:%H:%M} (GMT+7)"


def _dantri_date(t: datetime) -> str:
    return f"{_WEEKDAYS_LOWER[t.weekday()]}, {t:%d/%m/%Y - %H:%M}"


def _vietnamnet_crumb_date(t: datetime) -> str:
    return f"{_WEEKDAYS_TITLE[t.weekday()]}, {t:%d/%m/%Y - %H:%M}"


def _cafef_date(t: datetime) -> str:
    # "07-03-2026 - 00:01 AM" as the real page prints a morning time. Its afternoon is
    # unverified: written on a 12-hour clock ("07:23 PM"), which reads either way.
    if t.hour < 12:
        return f"{t:%d-%m-%Y - %H:%M} AM"
    return f"{t:%d-%m-%Y - %I:%M} PM"


@dataclass(frozen=True, slots=True)
class PressSpec:
    """One real portal as the replica writes it."""

    name: str
    # The saved real page (replica/data/portals/<file>) and the URL it was saved from.
    template: str
    real_url: str
    # The date line: (CSS selector of the element holding the text, its format), in
    # page order; `datetime_attr` also sets that element's `datetime` attribute.
    date_lines: tuple[tuple[str, DateFormat], ...]
    # How the article id is minted: "timestamp" (the publish time, then a 3-digit
    # sequence: Tuổi Trẻ, Dân trí), "cafef" (188 + yymmdd + 8 digits) or "counter".
    id_style: str
    # The first id of "counter" portals (ids grow with publish time).
    first_id: int = 0
    # How an article's path is written: "{slug}-{id}.html" etc.; {category} allowed.
    path: str = "/{slug}-{id}.html"
    # Caption and credit written together: "{caption} Ảnh: {credit}" (the caption keeps
    # its full stop) or "{caption} - Ảnh: {credit}" (no full stop before the dash).
    credit_join: str = " Ảnh: "
    # The lead mark as printed, or "" (the declaration's `lead_mark` reads it).
    lead_mark: str = ""
    # The feed format of the declared rss source: "rss" or "atom".
    feed: str = "rss"
    # How many authors the byline slot of the layout shows at most.
    max_authors: int = 1
    # The lead picture (declared `lead_figure`) shows its caption.
    lead_caption: bool = True
    # The page shows its tags in the HTML (VnExpress loads them with script: none).
    tags_shown: bool = True
    # The byline prints names in capitals (Tuổi Trẻ, Pháp Luật: "NHẬT XUÂN").
    upper_authors: bool = False
    # A subheading of the body: its own element (Tuổi Trẻ: <h2>) or, "", a paragraph
    # in bold, as most portals write it.
    subheading: str = ""
    # The authors sign at the end of the body, right-aligned (VnExpress), not in a byline.
    signature: bool = False

    @property
    def portal(self) -> Portal:
        return portal_by_name(self.name)

    def template_html(self) -> str:
        return (
            resources.files("replica")
            .joinpath("data", "portals", self.template)
            .read_text(encoding="utf-8")
        )


SPECS: dict[str, PressSpec] = {
    spec.name: spec
    for spec in (
        PressSpec(
            name="vnexpress",
            template="vnexpress.html",
            real_url="https://vnexpress.net/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html",
            date_lines=(("span.date", _vnexpress_date),),
            id_style="counter",
            first_id=4_980_000,
            max_authors=2,
            tags_shown=False,
            signature=True,
        ),
        PressSpec(
            name="tuoitre",
            template="tuoitre.html",
            real_url="https://tuoitre.vn/chien-su-day-gia-hoa-nhap-khau-dip-8-3-tang-manh-20260307075519174.htm",
            date_lines=(("[data-role=publishdate]", lambda t: f"{t:%d/%m/%Y %H:%M} GMT+7"),),
            id_style="timestamp",
            path="/{slug}-{id}.htm",
            credit_join=" - Ảnh: ",
            max_authors=2,
            upper_authors=True,
            subheading="h2",
        ),
        PressSpec(
            name="dantri",
            template="dantri.html",
            real_url="https://dantri.com.vn/kinh-doanh/gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.htm",
            date_lines=(("article[data-slot=container] time", _dantri_date),),
            id_style="timestamp",
            path="/{category}/{slug}-{id}.htm",
            lead_mark="(Dân trí) - ",
            feed="atom",
        ),
        PressSpec(
            name="vietnamnet",
            template="vietnamnet.html",
            real_url="https://vietnamnet.vn/co-phieu-flc-duoc-giao-dich-tro-lai-2495349.html",
            date_lines=(
                ("div.publish-date", lambda t: f"{t:%d/%m/%Y %H:%M} (GMT+07:00)"),
                (".bread-crumb-detail__time", _vietnamnet_crumb_date),
            ),
            id_style="counter",
            first_id=2_440_000,
        ),
        PressSpec(
            name="cafef",
            template="cafef.html",
            real_url="https://cafef.vn/thoi-diem-nang-hang-can-ke-mbs-diem-ten-30-co-phieu-viet-nam-co-kha-nang-lot-ro-chi-so-ftse-18826030622484142.chn",
            date_lines=(("span.pdate", _cafef_date),),
            id_style="cafef",
            path="/{slug}-{id}.chn",
            lead_caption=False,
        ),
        PressSpec(
            name="plo",
            template="plo.html",
            real_url="https://plo.vn/doan-dai-bieu-tphcm-dang-hoa-tuong-niem-cac-anh-hung-liet-si-tai-binh-duong-ba-ria-vung-tau-cu-post874982.html",
            date_lines=(("time.article__time", lambda t: f"{t:%d/%m/%Y %H:%M}"),),
            id_style="counter",
            first_id=850_000,
            path="/{slug}-post{id}.html",
            lead_mark="(PLO)- ",
            max_authors=2,
            lead_caption=False,
            upper_authors=True,
        ),
    )
}

# Every portal the replica serves, tuyengiao.vn (the original replica) first.
PORTAL_NAMES = ("tuyengiao", *SPECS)


def press_spec(name: str) -> PressSpec:
    try:
        return SPECS[name]
    except KeyError:
        known = ", ".join(PORTAL_NAMES)
        raise KeyError(f"the replica serves no portal {name!r} (known: {known})") from None
