"""Deterministic generated articles, as many as asked, fast.

Every article has its own `random.Random` seeded from (seed, index): no global
randomness, no clock. The cheap header (time, category, title) is drawn first, so a
Site can list 10,000 articles without writing their bodies; `build_article` replays
the same generator and goes on to the body only when a page or the truth needs it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from replica import phrases as P
from replica.captions import CREDIT_STYLES
from replica.categories import GENERATED_CATEGORIES
from replica.dates import VN_TZ
from replica.model import LEAD_POSITION, ArticleImage, Paragraph, ReplicaArticle, plain
from replica.paths import slugify

FIRST_DAY = date(2014, 1, 1)
LAST_DAY = date(2026, 10, 31)
_DAYS = (LAST_DAY - FIRST_DAY).days + 1
# Articles go out between 06:00 and 22:59, like the records' times.
_FIRST_MINUTE, _LAST_MINUTE = 6 * 60, 23 * 60 - 1


@dataclass(frozen=True, slots=True)
class Stub:
    """What a listing needs: drawn for every generated article up front."""

    index: int
    published: datetime
    category: str
    title: str


@dataclass(frozen=True, slots=True)
class _Scene:
    """One article's setting, so its sentences agree with each other and its title."""

    place: str
    committee: str  # "Tỉnh ủy Quảng Ninh" / "Thành ủy Hà Nội"
    admin: str  # "tỉnh Quảng Ninh" / "thành phố Hà Nội"
    org: str
    event: str
    topic: str
    person: str
    role: str


def _rng(seed: int, index: int) -> random.Random:
    # A str seed is hashed with SHA-512 by random: stable across runs and platforms.
    return random.Random(f"tuyengiao-replica:{seed}:{index}")


def _person(rng: random.Random) -> str:
    return " ".join(
        (rng.choice(P.FAMILY_NAMES), rng.choice(P.MIDDLE_NAMES), rng.choice(P.GIVEN_NAMES))
    )


def _draw_header(rng: random.Random) -> tuple[datetime, str, _Scene, str]:
    day = FIRST_DAY + timedelta(days=rng.randrange(_DAYS))
    minute = rng.randint(_FIRST_MINUTE, _LAST_MINUTE)
    published = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=VN_TZ)
    category = rng.choice(GENERATED_CATEGORIES)
    place, kind = rng.choice(P.PLACES)
    committee = f"{'Thành ủy' if kind == 'thành phố' else 'Tỉnh ủy'} {place}"
    admin = place if place.startswith("Thành phố") else f"{kind} {place}"
    local = rng.random() < 0.5
    org = f"Ban Tuyên giáo {committee}" if local else rng.choice(P.CENTRAL_ORGS)
    role = rng.choice(P.ROLES).format(committee=committee, admin=admin)
    scene = _Scene(
        place,
        committee,
        admin,
        org,
        rng.choice(P.EVENTS),
        rng.choice(P.TOPICS),
        _person(rng),
        role,
    )
    return published, category, scene, _title(rng, scene, published.year)


def _title(rng: random.Random, s: _Scene, year: int) -> str:
    form = rng.randrange(6)
    if form == 0:
        return f"{s.place}: {rng.choice(P.TITLE_ACTIONS)} {s.topic}"
    if form == 1:
        return f"{s.event} {rng.choice(P.EVENT_PURPOSES)} {s.topic} năm {year}"
    if form == 2:
        return f"{rng.choice(P.TITLE_ACTIONS)} {s.topic} trong tình hình mới"
    if form == 3:
        return f"{s.org} {rng.choice(P.SENTENCE_VERBS).removeprefix('đã ')} {s.topic}"
    if form == 4:
        name, founded = rng.choice(P.ANNIVERSARIES)
        return f"Kỷ niệm {year - founded} năm {name}"
    return f"{s.place} khen thưởng {rng.randint(12, 240)} tập thể, cá nhân điển hình tiên tiến"


def generate_stubs(count: int, seed: int) -> list[Stub]:
    """`count` stubs sorted oldest first (ties by index, so the order is total)."""
    stubs = []
    for index in range(count):
        published, category, _scene, title = _draw_header(_rng(seed, index))
        stubs.append(Stub(index, published, category, title))
    stubs.sort(key=lambda s: (s.published, s.index))
    return stubs


def _sentence(rng: random.Random, s: _Scene, when: datetime) -> str:
    form = rng.randrange(10)
    n = rng.randint(3, 40)
    if form == 0:
        return (
            f"Tham dự có đồng chí {s.person}, {s.role}; đại diện lãnh đạo "
            f"{rng.choice(P.CENTRAL_ORGS)} và các sở, ban, ngành của {s.admin}."
        )
    if form == 1:
        year = when.year
        period = rng.choice((f"năm {year - 1}", f"6 tháng đầu năm {year}", f"{n} năm qua"))
        # Vietnamese groups thousands with a dot: 9.800.
        people = f"{rng.randint(120, 9800):,}".replace(",", ".")
        return (
            f"Theo báo cáo, trong {period}, {s.org} đã tổ chức {n} hội nghị, "
            f"thu hút hơn {people} lượt cán bộ, đảng viên tham gia."
        )
    if form == 2:
        return (
            f"Phát biểu tại {s.event.lower()}, đồng chí {s.person} nhấn mạnh: "
            f"“{rng.choice(P.QUOTES)}”."
        )
    if form == 3:
        return f"{s.org} đã chủ động tham mưu, ban hành {n} văn bản hướng dẫn về {s.topic}."
    if form == 4:
        whole, tenth = rng.randint(55, 99), rng.randint(0, 9)
        return (
            f"Tỷ lệ {rng.choice(P.MEASURES)} đạt {whole},{tenth}%, "
            f"tăng {rng.randint(1, 9)}% so với cùng kỳ năm trước."
        )
    if form == 5:
        return (
            f"Bên cạnh những kết quả đạt được, {s.topic} vẫn còn hạn chế: "
            f"{rng.choice(P.LIMITATIONS)}."
        )
    if form == 6:
        return (
            f"Thời gian tới, {s.org} sẽ {rng.choice(P.SENTENCE_VERBS).removeprefix('đã ')} "
            f"{rng.choice(P.TOPICS)}, gắn với {s.topic}."
        )
    if form == 7:
        return (
            f"Nhân dịp này, {rng.choice(P.CENTRAL_ORGS)} đã trao tặng Bằng khen cho {n} tập thể "
            f"và {rng.randint(5, 60)} cá nhân có thành tích xuất sắc."
        )
    if form == 8:
        return (
            f"Đồng chí {s.person} đề nghị các cấp ủy, chính quyền {s.admin} "
            f"quan tâm hơn nữa đến {s.topic}."
        )
    return (
        f"Các đại biểu đã tập trung thảo luận, làm rõ {rng.randint(3, 6)} nhóm vấn đề lớn "
        f"về {s.topic}."
    )


_TASK_VERBS = ("tiếp tục thực hiện tốt", "tăng cường", "quan tâm hơn nữa", "chú trọng", "đẩy mạnh")
_TASK_TAILS = (
    "bảo đảm thiết thực, hiệu quả",
    "gắn với nhiệm vụ chính trị của từng địa phương, đơn vị",
    "phát huy vai trò của đội ngũ báo cáo viên, tuyên truyền viên",
)


def _task(rng: random.Random) -> str:
    """One item of an enumerated list (`Một là, ...`): lower case, as after a comma."""
    return f"{rng.choice(_TASK_VERBS)} {rng.choice(P.TOPICS)}, {rng.choice(_TASK_TAILS)}."


def _paragraphs(rng: random.Random, s: _Scene, when: datetime) -> list[Paragraph]:
    count = rng.randint(3, 15)
    out: list[Paragraph] = []
    while len(out) < count - 1:
        roll = rng.random()
        items = rng.randint(2, 4)
        if roll < 0.08 and out:
            out.append(((rng.choice(P.HEADINGS), "strong"),))  # a subheading
        elif roll < 0.14 and len(out) + items < count - 1:
            for ordinal in P.ORDINALS[:items]:
                out.append(((ordinal, "em"), (" " + _task(rng), "")))
        else:
            text = " ".join(_sentence(rng, s, when) for _ in range(rng.randint(1, 4)))
            out.append(plain(text))
    # A plain closing paragraph: the one the `/.` marker may be appended to.
    out.append(plain(" ".join(_sentence(rng, s, when) for _ in range(rng.randint(1, 3)))))
    return out


def _caption(rng: random.Random, s: _Scene) -> tuple[str | None, str | None, str]:
    roll = rng.random()
    text = rng.choice(P.CAPTIONS).format(
        event=s.event.lower(), person=s.person, org=s.org, place=s.place
    )
    if roll < 0.08:
        return "Ảnh minh họa", None, "paren"  # an illustration: no photographer
    if roll < 0.16:
        return None, rng.choice(P.PHOTO_CREDITS), rng.choice(("paren", "plain"))  # credit only
    if roll < 0.26:
        return text, None, "paren"
    if roll < 0.30:
        return None, None, "paren"  # a bare picture
    return text, rng.choice(P.PHOTO_CREDITS), rng.choice(CREDIT_STYLES)


def _image_path(rng: random.Random, when: datetime, article_id: int, k: int) -> str:
    folder = rng.randint(18, 30)
    style = rng.randrange(3)
    if style == 0:
        name = f"{rng.choice(P.IMAGE_STEMS)}-{article_id}-{k}.jpg"
    elif style == 1:
        name = f"IMG_{rng.randint(1000, 9999)}.JPG"
    else:
        name = f"z{rng.randint(10**12, 10**13 - 1)}_{rng.getrandbits(128):032x}.jpg"
    return f"/Uploads/{when.year}/{when.month}/{when.day}/{folder}/{name}"


def _images(rng: random.Random, s: _Scene, when: datetime, aid: int, paragraphs: int):
    count = rng.choices(range(6), weights=(30, 25, 20, 12, 8, 5))[0]
    positions = sorted(rng.randrange(paragraphs) for _ in range(count))
    if count and rng.random() < 0.5:
        positions[0] = LEAD_POSITION
    images = []
    for k, position in enumerate(positions):
        caption, credit, style = _caption(rng, s)
        images.append(
            ArticleImage(_image_path(rng, when, aid, k), caption, credit, style, position)
        )
    return tuple(images)


def _byline(rng: random.Random, s: _Scene) -> tuple[tuple[str, ...], tuple[str, ...], str | None]:
    """(byline lines, authors, source) in one of the forms PORTAL.md lists."""
    form = rng.choices(range(8), weights=(30, 10, 10, 15, 10, 8, 5, 12))[0]
    if form == 0:
        name = rng.choice(P.PEN_NAMES)
        return (name,), (name,), None
    if form == 1:
        name = rng.choice(P.INITIALS)
        return (name,), (name,), None
    if form == 2:
        name = _person(rng)
        role = rng.choice(P.ROLE_LINES).format(committee=s.committee)
        return (name, role), (name,), None
    if form == 3:
        line, source = rng.choice(P.AGENCIES)
        return (line,), (), source
    if form == 4:
        return (rng.choice(P.DESK_CODES),), (), None  # a desk code is not a person
    if form == 5:
        first, second = rng.sample(P.PEN_NAMES, 2)
        return (f"{first} - {second}",), (first, second), None
    if form == 6:
        return (P.GROUP_BYLINE,), (), None
    return (), (), None


def _lead(rng: random.Random, s: _Scene, when: datetime) -> tuple[str, ...]:
    part = rng.choice(("Sáng", "Chiều", "Ngày", "Tối"))
    first = (
        f"{part} {when.day}/{when.month}, tại {s.place}, {s.org} đã tổ chức "
        f"{s.event.lower()} {rng.choice(P.EVENT_PURPOSES)} {s.topic}."
    )
    if rng.random() < 0.5:
        return (first,)
    second = f"Đồng chí {s.person}, {s.role} dự và phát biểu chỉ đạo."
    # Some leads break the line instead of running on: the page shows a <br>.
    return (first, second) if rng.random() < 0.3 else (f"{first} {second}",)


def build_article(stub: Stub, article_id: int, seed: int, layout: str) -> ReplicaArticle:
    rng = _rng(seed, stub.index)
    published, category, scene, title = _draw_header(rng)  # replayed: same as the stub
    lead = _lead(rng, scene, published)
    mark = rng.choices((None, "(TG) - ", "(TG)- ", "(TG) – "), weights=(30, 56, 8, 6))[0]
    paragraphs = _paragraphs(rng, scene, published)
    images = _images(rng, scene, published, article_id, len(paragraphs))
    byline, authors, source = _byline(rng, scene)
    marker = rng.choices((None, "./.", "/."), weights=(60, 30, 10))[0]
    if marker:
        # Rendered `X./.` (the sentence keeps its stop) or `X/.` (the mark replaces it).
        (text, style), *rest = paragraphs[-1][::-1]
        paragraphs[-1] = (*rest[::-1], (text.removesuffix("."), style))
    tags = tuple(rng.sample(P.TAGS, rng.randint(1, 3))) if rng.random() < 0.1 else ()
    return ReplicaArticle(
        article_id=article_id,
        category=category,
        slug=slugify(title),
        title=title,
        lead_lines=lead,
        tg_mark=mark,
        paragraphs=tuple(paragraphs),
        images=images,
        byline_lines=byline,
        authors=authors,
        source=source,
        published=published,
        marker=marker,
        tags=tags,
        layout=layout,
        origin="generated",
        byline_on_top=rng.random() < 0.3,
        trailing_blank=rng.random() < 0.2,
    )
