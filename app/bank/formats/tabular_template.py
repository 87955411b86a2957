"""The blank XLSX template authors download: headers, two example rows, and a "Hướng dẫn" sheet."""

from __future__ import annotations

import io

import openpyxl
from openpyxl.styles import Alignment, Font

from app.bank.formats.tabular_columns import AFTER_OPTIONS, BEFORE_OPTIONS, TYPE_LABELS
from app.bank.formats.tabular_out import MIN_LETTERS, headers
from app.bank.formats.tabular_xlsx import fill_sheet

DOCUMENT = "Nghị định 118/2025/NĐ-CP"
EXAMPLES = (
    {
        "Mã câu hỏi": "VD-001",
        "Loại": "Một đáp án",
        "Chủ đề": "Cơ chế một cửa/Tiếp nhận hồ sơ",
        "Độ khó": "Dễ",
        "Nội dung câu hỏi": "Khi hồ sơ chưa đầy đủ, công chức tiếp nhận phải hướng dẫn người nộp "
        "bổ sung hồ sơ như thế nào?",
        "Phương án A": "Hướng dẫn một lần, đầy đủ, chính xác bằng Phiếu yêu cầu bổ sung, "
        "hoàn thiện hồ sơ",
        "Phản hồi A": "Đúng: hướng dẫn một lần, đầy đủ.",
        "Phương án B": "Hướng dẫn từng phần, mỗi lần người dân quay lại",
        "Phản hồi B": "Sai: người dân phải đi lại nhiều lần.",
        "Đáp án": "A",
        "Thẻ": "bo-sung-ho-so",
        "Văn bản nguồn": DOCUMENT,
        "Điều khoản": "Điều 16 khoản 3",
        "Ngày ban hành": "2025-06-09",
        "Trạng thái": "draft",
        "Ghi chú": "Dòng ví dụ: xóa trước khi nhập.",
    },
    {
        "Mã câu hỏi": "VD-002",
        "Loại": "Nhiều đáp án",
        "Chủ đề": "Cơ chế một cửa/Tiếp nhận hồ sơ",
        "Độ khó": "Trung bình",
        "Nội dung câu hỏi": "Khi tiếp nhận hồ sơ, công chức cần làm những việc nào sau đây?",
        "Phương án A": "Kiểm tra tính đầy đủ, hợp lệ của hồ sơ",
        "Điểm A": 50,
        "Phương án B": "Hướng dẫn người nộp khi hồ sơ chưa đầy đủ",
        "Điểm B": 50,
        "Phương án C": "Yêu cầu nộp thêm giấy tờ không có trong quy định",
        "Điểm C": -100,
        "Phản hồi C": "Không được yêu cầu thêm giấy tờ ngoài quy định.",
        "Phản hồi chung": "Ở câu nhiều đáp án, điểm các phương án đúng cộng lại phải bằng 100.",
        "Văn bản nguồn": DOCUMENT,
        "Điều khoản": "Điều 16",
        "Trạng thái": "draft",
        "Ghi chú": "Dòng ví dụ: xóa trước khi nhập.",
    },
)
TYPE_HELP = {
    "Một đáp án": "Phương án A, B, …; ghi chữ cái đúng ở cột Đáp án "
    "(hoặc Điểm 100 cho phương án đúng).",
    "Nhiều đáp án": "Đáp án ghi A,C (chia đều điểm) hoặc ghi Điểm: các điểm dương cộng lại "
    "bằng 100, phương án sai có thể bị trừ điểm (đến -100).",
    "Đúng/Sai": "Cột Đáp án ghi Đúng hoặc Sai; Phản hồi A cho người chọn Đúng, "
    "Phản hồi B cho người chọn Sai.",
    "Trả lời ngắn": "Mỗi Phương án là một câu trả lời được chấp nhận (Điểm mặc định 100).",
    "Số": "Phương án ghi 1822, 1822 ± 2 hoặc 1820..1824 (Điểm mặc định 100).",
    "Ghép cặp": "Mỗi Phương án ghi «vế trái -> vế phải»; ghi «-> vế phải» để thêm vế nhiễu.",
    "Tình huống": "Như Một đáp án, có thể cho điểm từng phần (100, 50, 0); "
    "nên có phản hồi cho mọi phương án.",
    "Tự luận": "Không có phương án; chấm tay.",
}


def _example_rows() -> list[list[object]]:
    header = headers(MIN_LETTERS)
    return [header] + [[example.get(name, "") for name in header] for example in EXAMPLES]


def _instructions(workbook: openpyxl.Workbook) -> None:
    sheet = workbook.create_sheet("Hướng dẫn")
    rows: list[list[str]] = [["Cột", "Cách ghi"]]
    rows += [[c.header, c.help] for c in BEFORE_OPTIONS]
    rows += [["Phương án A … H", "Nội dung phương án (ý nghĩa tùy loại câu hỏi, xem bên dưới)."]]
    rows += [["Điểm A … H", "Điểm của phương án theo phần trăm: 100, 50, 0, -25, 33.33333 …"]]
    rows += [["Phản hồi A … H", "Phản hồi hiện khi người học chọn phương án đó."]]
    rows += [[c.header, c.help] for c in AFTER_OPTIONS]
    rows += [["", ""], ["Loại câu hỏi", "Cách ghi các cột Phương án"]]
    rows += [[label, TYPE_HELP[label]] for label in TYPE_LABELS.values()]
    rows += [
        ["", ""],
        [
            "Lưu ý",
            "Dòng 1 là tiêu đề, không đổi tên cột. Mỗi dòng sau là một câu hỏi. "
            "Ô bắt đầu bằng dấu ' được giữ nguyên là chữ (không phải công thức).",
        ],
    ]
    fill_sheet(sheet, rows, {1: 28, 2: 100})
    for row in sheet.iter_rows(min_row=2):
        row[0].font = Font(bold=True)
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def xlsx_template() -> bytes:
    """The template workbook: sheet "Câu hỏi" (header + 2 examples) and sheet "Hướng dẫn"."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Câu hỏi"
    fill_sheet(sheet, _example_rows(), {7: 50})
    _instructions(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
