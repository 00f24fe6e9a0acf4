"""Vietnamese phrase banks for generated articles.

Plain data only: replica.generator combines them. The words are what the portal's
own news is made of (party bodies, provinces, campaigns, anniversaries), so the
pages read like the real site and exercise real diacritics.
"""

from __future__ import annotations

# (name, kind): kind decides "Tỉnh ủy"/"Thành ủy" and "tỉnh"/"thành phố".
PLACES: tuple[tuple[str, str], ...] = (
    ("Hà Nội", "thành phố"),
    ("Thành phố Hồ Chí Minh", "thành phố"),
    ("Đà Nẵng", "thành phố"),
    ("Cần Thơ", "thành phố"),
    ("Hải Phòng", "thành phố"),
    ("Quảng Ninh", "tỉnh"),
    ("Nghệ An", "tỉnh"),
    ("Thanh Hóa", "tỉnh"),
    ("Thừa Thiên Huế", "tỉnh"),
    ("Lâm Đồng", "tỉnh"),
    ("Cà Mau", "tỉnh"),
    ("Điện Biên", "tỉnh"),
    ("Lào Cai", "tỉnh"),
    ("Bình Định", "tỉnh"),
    ("Đắk Lắk", "tỉnh"),
    ("An Giang", "tỉnh"),
    ("Bắc Ninh", "tỉnh"),
    ("Kiên Giang", "tỉnh"),
    ("Hà Giang", "tỉnh"),
    ("Quảng Trị", "tỉnh"),
    ("Vĩnh Long", "tỉnh"),
    ("Thái Nguyên", "tỉnh"),
    ("Sơn La", "tỉnh"),
    ("Bến Tre", "tỉnh"),
)

CENTRAL_ORGS = (
    "Ban Tuyên giáo Trung ương",
    "Hội đồng Lý luận Trung ương",
    "Học viện Chính trị quốc gia Hồ Chí Minh",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Thông tin và Truyền thông",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Khoa học và Công nghệ",
    "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
    "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Tổng Liên đoàn Lao động Việt Nam",
    "Hội Nông dân Việt Nam",
    "Hội Liên hiệp Phụ nữ Việt Nam",
    "Viện Dư luận xã hội",
    "Hội Nhà báo Việt Nam",
    "Bộ Y tế",
)

TOPICS = (
    "công tác tuyên truyền, giáo dục chính trị tư tưởng",
    "việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "Nghị quyết Đại hội đại biểu toàn quốc lần thứ XIII của Đảng",
    "công tác bảo vệ nền tảng tư tưởng của Đảng",
    "công tác thông tin đối ngoại",
    "phong trào thi đua yêu nước",
    "chương trình mục tiêu quốc gia xây dựng nông thôn mới",
    "công tác giảm nghèo bền vững",
    "chuyển đổi số trong các cơ quan báo chí",
    "công tác phòng, chống tham nhũng, tiêu cực",
    "phong trào “Toàn dân đoàn kết xây dựng đời sống văn hóa”",
    "công tác xây dựng, chỉnh đốn Đảng",
    "công tác nắm bắt dư luận xã hội",
    "phát triển văn hóa, con người Việt Nam",
    "công tác khoa giáo",
    "phát triển kinh tế biển bền vững",
    "công tác phòng, chống thiên tai",
    "đấu tranh phản bác các quan điểm sai trái, thù địch",
    "công tác chăm sóc sức khỏe nhân dân",
    "đổi mới căn bản, toàn diện giáo dục và đào tạo",
)

TITLE_ACTIONS = (
    "Đẩy mạnh",
    "Nâng cao hiệu quả",
    "Tăng cường",
    "Đổi mới",
    "Triển khai",
    "Quán triệt",
    "Tiếp tục thực hiện",
)

SENTENCE_VERBS = (
    "đã tổ chức triển khai",
    "tiếp tục đẩy mạnh",
    "chủ động phối hợp thực hiện",
    "đã quán triệt sâu rộng",
    "tập trung lãnh đạo, chỉ đạo",
    "đã sơ kết, đánh giá",
)

EVENTS = (
    "Hội nghị",
    "Hội thảo khoa học",
    "Tọa đàm",
    "Hội nghị trực tuyến",
    "Lớp bồi dưỡng nghiệp vụ",
    "Hội nghị báo cáo viên",
    "Lễ phát động",
    "Diễn đàn",
)

EVENT_PURPOSES = ("sơ kết", "tổng kết", "triển khai", "đánh giá kết quả")

# (anniversary, founding year): the count in a title is the real one for its year.
ANNIVERSARIES: tuple[tuple[str, int], ...] = (
    ("Ngày thành lập Đảng Cộng sản Việt Nam", 1930),
    ("Ngày sinh Chủ tịch Hồ Chí Minh", 1890),
    ("Ngày truyền thống ngành Tuyên giáo", 1930),
    ("Cách mạng Tháng Tám và Quốc khánh 2/9", 1945),
    ("Ngày Báo chí cách mạng Việt Nam", 1925),
    ("Chiến thắng Điện Biên Phủ", 1954),
    ("Ngày thành lập Quân đội nhân dân Việt Nam", 1944),
    ("Ngày Giải phóng miền Nam, thống nhất đất nước", 1975),
)

FAMILY_NAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ")
MIDDLE_NAMES = ("Văn", "Thị", "Hữu", "Minh", "Quang", "Thanh", "Đức", "Ngọc", "Xuân", "Hồng")
GIVEN_NAMES = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hà",
    "Hải",
    "Hằng",
    "Hùng",
    "Lan",
    "Long",
    "Mai",
    "Nam",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Thắng",
    "Trung",
    "Tuấn",
    "Việt",
    "Yến",
)

# "{committee}" becomes "Tỉnh ủy Quảng Ninh"/"Thành ủy Hà Nội", "{admin}" "tỉnh Quảng Ninh".
ROLES = (
    "Ủy viên Trung ương Đảng, Phó Trưởng Ban Tuyên giáo Trung ương",
    "Bí thư {committee}",
    "Phó Bí thư Thường trực {committee}",
    "Trưởng Ban Tuyên giáo {committee}",
    "Chủ tịch Ủy ban nhân dân {admin}",
    "Giám đốc Học viện Chính trị quốc gia Hồ Chí Minh",
    "Thứ trưởng Bộ Văn hóa, Thể thao và Du lịch",
)

QUOTES = (
    "Mỗi cán bộ, đảng viên phải thực sự là một tuyên truyền viên ở cơ sở",
    "Cần phát huy hơn nữa vai trò đi trước, mở đường của công tác tuyên giáo",
    "Phải lấy sự hài lòng của nhân dân làm thước đo hiệu quả công việc",
    "Công tác tuyên truyền phải đi trước một bước, kịp thời, chính xác và thuyết phục",
    "Không có vùng cấm trong công tác phòng, chống tham nhũng",
    "Đoàn kết là truyền thống quý báu, là nguồn sức mạnh của dân tộc ta",
)

LIMITATIONS = (
    "nội dung, hình thức tuyên truyền có lúc chưa thật phong phú",
    "sự phối hợp giữa các cơ quan, đơn vị chưa thật sự chặt chẽ",
    "nguồn lực đầu tư cho cơ sở còn hạn chế",
    "một số nơi triển khai còn chậm, chưa sát thực tế",
    "việc nắm bắt dư luận xã hội ở cơ sở có lúc chưa kịp thời",
)

MEASURES = (
    "cán bộ, đảng viên được học tập, quán triệt nghị quyết",
    "hộ gia đình đạt danh hiệu gia đình văn hóa",
    "xã đạt chuẩn nông thôn mới",
    "tin, bài tuyên truyền trên không gian mạng",
    "hộ nghèo được hỗ trợ sinh kế",
)

HEADINGS = (
    "NHIỀU KẾT QUẢ NỔI BẬT",
    "TIẾP TỤC ĐỔI MỚI NỘI DUNG, PHƯƠNG THỨC",
    "NHIỆM VỤ TRỌNG TÂM THỜI GIAN TỚI",
    "NHỮNG KHÓ KHĂN, THÁCH THỨC",
    "PHÁT HUY VAI TRÒ CỦA ĐỘI NGŨ BÁO CÁO VIÊN",
)

ORDINALS = ("Một là,", "Hai là,", "Ba là,", "Bốn là,", "Năm là,")

CAPTIONS = (
    "Quang cảnh {event}.",
    "Đồng chí {person} phát biểu tại {event}.",
    "Các đại biểu tham dự {event}.",
    "{org} trao Bằng khen cho các tập thể, cá nhân có thành tích xuất sắc.",
    "Các đại biểu tham quan mô hình tiêu biểu tại {place}.",
    "Đồng chí {person} trao đổi với cán bộ cơ sở.",
)

PHOTO_CREDITS = ("PV", "TA", "TTXVN", "Tuấn Anh", "Nhật Minh", "VGP", "Chinhphu.vn", "Quang Vinh")

# Bylines, in every form PORTAL.md lists.
PEN_NAMES = (
    "Nhật Minh",
    "Thu Hằng",
    "Hay Nguyễn",
    "Phương Thảo",
    "Tuấn Đạt",
    "Lập Thạch",
    "Hoàng Anh",
    "Minh Châu",
    "Ngọc Lan",
    "Quang Huy",
)
INITIALS = ("T. Thanh", "N.KHANH", "V.Anh", "N.L", "H. Hà", "P.V. Long")
ROLE_LINES = (
    "Phó Trưởng ban, Ban Tuyên giáo {committee}",
    "Trưởng ban Tuyên giáo {committee}",
    "Học viện Chính trị quốc gia Hồ Chí Minh",
    "Viện Dư luận xã hội, Ban Tuyên giáo Trung ương",
)
AGENCIES = (
    ("Theo TTXVN", "TTXVN"),
    ("Theo nhandan.com.vn", "nhandan.com.vn"),
    ("Theo qdnd.com.vn", "qdnd.com.vn"),
)
DESK_CODES = ("TG", "PV", "BTV")
GROUP_BYLINE = "Nhóm PV"

TAGS = (
    "Đại hội XIII",
    "chuyển đổi số",
    "thông tin đối ngoại",
    "học tập và làm theo Bác",
    "nông thôn mới",
    "báo chí cách mạng",
    "biển đảo",
    "dư luận xã hội",
)

IMAGE_STEMS = ("hoi-nghi", "toan-canh", "phat-bieu", "trao-thuong", "dai-bieu", "tham-quan")
