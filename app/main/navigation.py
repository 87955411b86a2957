"""What each role can reach: one list drives the menu and the home page cards."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.access import Perm


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: str
    description: str
    perm: Perm | None  # None: every signed-in user


ITEMS: tuple[NavItem, ...] = (
    NavItem(
        "exams.my_exams",
        _l("Bài kiểm tra của tôi"),
        _l("Làm bài kiểm tra định kỳ, xem lại kết quả các kỳ trước."),
        Perm.EXAMS_TAKE,
    ),
    NavItem(
        "hr.my_decisions",
        _l("Quyết định về tôi"),
        _l("Các quyết định khen thưởng, bố trí công tác liên quan đến bạn, kèm lý do."),
        Perm.EXAMS_TAKE,  # officers; the page itself is open to every signed-in account
    ),
    NavItem(
        "org.list_people",
        _l("Cán bộ, công chức"),
        _l("Tra cứu hồ sơ cán bộ, quá trình công tác, nhập danh sách từ Excel."),
        Perm.PEOPLE_VIEW,
    ),
    NavItem(
        "org.list_units",
        _l("Đơn vị"),
        _l("Cây đơn vị hành chính: tỉnh, sở, huyện, xã."),
        Perm.UNITS_MANAGE,
    ),
    NavItem(
        "exams.list_exams",
        _l("Kỳ kiểm tra"),
        _l("Tạo bài kiểm tra định kỳ, cấu trúc đề, danh sách dự thi, kết quả."),
        Perm.EXAMS_MANAGE,
    ),
    NavItem(
        "exams.list_rooms",
        _l("Phòng thi"),
        _l("Theo dõi phòng thi hôm nay, gia hạn, thu bài, nhập kết quả thi giấy."),
        Perm.EXAMS_PROCTOR,
    ),
    NavItem(
        "bank.list_questions",
        _l("Ngân hàng câu hỏi"),
        _l("Soạn, nhập, xuất câu hỏi; lịch sử phiên bản và nguồn văn bản."),
        Perm.BANK_VIEW,
    ),
    NavItem(
        "bank.review_queue",
        _l("Thẩm định câu hỏi"),
        _l("Duyệt hoặc trả lại các phiên bản câu hỏi do người khác biên soạn."),
        Perm.BANK_REVIEW,
    ),
    NavItem(
        "assessments.list_rubrics",
        _l("Phiếu đánh giá giao tiếp"),
        _l("Soạn, thẩm định và lập phiên bản bộ tiêu chí đánh giá kỹ năng giao tiếp."),
        Perm.BANK_VIEW,
    ),
    NavItem(
        "assessments.my_rounds",
        _l("Đánh giá giao tiếp"),
        _l("Chấm phiếu đánh giá kỹ năng giao tiếp của công chức tại quầy, trên máy tính bảng."),
        Perm.ASSESS,
    ),
    NavItem(
        "assessments.list_rounds",
        _l("Đợt đánh giá giao tiếp"),
        _l("Mở đợt đánh giá, phân công đánh giá viên, xem kết quả và độ tin cậy."),
        Perm.ASSESS_MANAGE,
    ),
    NavItem(
        "surveys.overview",
        _l("Khảo sát người dân"),
        _l("Phiếu khảo sát sự hài lòng: kênh tại quầy, mã QR, mã hồ sơ, phiếu giấy."),
        Perm.SURVEYS_VIEW,
    ),
    NavItem(
        "surveys.list_feedback",
        _l("Góp ý, phản ánh"),
        _l("Hộp thư góp ý, phản ánh của người dân và thời gian trả lời."),
        Perm.SURVEYS_VIEW,
    ),
    NavItem(
        "hr.list_verdicts",
        _l("Kết quả theo kỳ"),
        _l("Ai đạt yêu cầu năng lực trong kỳ: kiến thức và giao tiếp, theo người và đơn vị."),
        Perm.RESULTS_VIEW,
    ),
    NavItem(
        "hr.list_commendations",
        _l("Đề nghị khen thưởng"),
        _l("Người đạt yêu cầu từ 02 kỳ trở lên, có kỳ gần nhất: bằng chứng, hồ sơ, quyết định."),
        Perm.RESULTS_VIEW,
    ),
    NavItem(
        "hr.list_reassignments",
        _l("Xem xét bố trí lại"),
        _l("Không đạt yêu cầu kỳ gần nhất, hoặc người dân hài lòng thấp rõ rệt; quyết định."),
        Perm.RESULTS_VIEW,
    ),
    NavItem(
        "analytics.dashboard",
        _l("Thống kê, phân tích"),
        _l("Tỉ lệ đạt, xu hướng, so sánh đơn vị, chủ đề yếu; phân tích câu hỏi; hài lòng."),
        Perm.ANALYTICS_VIEW,
    ),
    NavItem(
        "reports.create_report",
        _l("Báo cáo định kỳ"),
        _l("Báo cáo quý, 6 tháng, 9 tháng, năm theo thể thức văn bản hành chính (DOCX)."),
        Perm.ANALYTICS_VIEW,
    ),
    NavItem(
        "admin.list_accounts",
        _l("Tài khoản"),
        _l("Tạo tài khoản, phân quyền theo đơn vị, cấp mã kích hoạt."),
        Perm.ACCOUNTS_MANAGE,
    ),
    NavItem(
        "admin.list_audit",
        _l("Nhật ký hệ thống"),
        _l("Ai đã làm gì, khi nào, với dữ liệu nào."),
        Perm.AUDIT_VIEW,
    ),
)


def nav_items() -> list[NavItem]:
    """The items the current user may open, in menu order."""
    if not current_user.is_authenticated:
        return []
    return [i for i in ITEMS if i.perm is None or current_user.can(i.perm)]
