"""``flask demo load``: an idempotent demo province with staff and one account per role.

The demo passwords are for local trials only; ``make run`` prints them.
"""

from __future__ import annotations

import functools
import random
from datetime import date
from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from app.admin import services as accounts
from app.extensions import db
from app.models import Account, Person, Role, Unit
from app.org import services as org

demo_cli = AppGroup("demo", help="Dữ liệu mẫu để dùng thử.")
DEMO_PASSWORD = "demo1234"  # noqa: S105 - documented demo-only password

# (code, name, kind, parent code)
UNITS = [
    ("ST", "Tỉnh Sóc Trăng (dữ liệu mẫu)", "Tỉnh", None),
    ("ST-TTHCC", "Trung tâm Phục vụ hành chính công tỉnh", "Trung tâm", "ST"),
    ("ST-SNV", "Sở Nội vụ", "Sở", "ST"),
    ("ST-STP", "Sở Tư pháp", "Sở", "ST"),
    ("ST-SNNMT", "Sở Nông nghiệp và Môi trường", "Sở", "ST"),
    ("ST-STC", "Sở Tài chính", "Sở", "ST"),
    ("ST-SXD", "Sở Xây dựng", "Sở", "ST"),
    ("ST-TPST", "Thành phố Sóc Trăng", "Huyện", "ST"),
    ("ST-MX", "Huyện Mỹ Xuyên", "Huyện", "ST"),
    ("ST-TPST-P1", "Phường 1", "Xã", "ST-TPST"),
    ("ST-TPST-P2", "Phường 2", "Xã", "ST-TPST"),
    ("ST-MX-TT", "Thị trấn Mỹ Xuyên", "Xã", "ST-MX"),
    ("ST-MX-DH", "Xã Đại Hải", "Xã", "ST-MX"),
    ("ST-LH", "Xã Long Hưng", "Xã", "ST"),
    ("ST-AN", "Xã An Ninh", "Xã", "ST"),
    ("ST-VC", "Phường Vĩnh Châu", "Xã", "ST"),
    ("ST-TD", "Xã Trần Đề", "Xã", "ST"),
]
FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Huỳnh",
    "Hoàng",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
    "Thạch",
    "Sơn",
    "Lâm",
    "Kim",
]
MIDDLE_M = ["Văn", "Hữu", "Minh", "Quốc", "Thanh", "Đức", "Công", "Hoàng"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Mỹ", "Kim", "Thanh", "Hồng", "Bích"]
GIVEN_M = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Hải",
    "Hùng",
    "Khoa",
    "Long",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thắng",
    "Toàn",
    "Trí",
    "Vinh",
]
GIVEN_F = [
    "Anh",
    "Châu",
    "Diệp",
    "Giang",
    "Hà",
    "Hạnh",
    "Hương",
    "Lan",
    "Linh",
    "Mai",
    "Ngân",
    "Nhung",
    "Oanh",
    "Phương",
    "Thảo",
    "Trang",
    "Uyên",
    "Yến",
]
POSITIONS = [
    "Công chức tiếp nhận và trả kết quả",
    "Công chức tư pháp - hộ tịch",
    "Công chức địa chính",
    "Công chức văn phòng - thống kê",
    "Viên chức Trung tâm Phục vụ hành chính công",
]
# username, display name, role, unit code
ACCOUNTS = [
    ("admin", "Quản trị hệ thống", Role.ADMIN, "ST"),
    ("hr", "Phòng Tổ chức cán bộ - Sở Nội vụ", Role.HR, "ST"),
    ("hr.xa", "Tổ chức cán bộ - Xã Long Hưng", Role.HR, "ST-LH"),
    ("author", "Biên soạn - Trung tâm đào tạo", Role.AUTHOR, "ST"),
    ("reviewer", "Thẩm định - Trung tâm đào tạo", Role.REVIEWER, "ST"),
    ("assessor", "Đánh giá viên - Đoàn kiểm tra", Role.ASSESSOR, "ST"),
    ("proctor", "Giám thị - Trung tâm PVHCC", Role.PROCTOR, "ST"),
    ("staff", None, Role.STAFF, "ST-LH"),
]


def _units() -> dict[str, Unit]:
    existing = {u.code: u for u in db.session.scalars(sa.select(Unit))}
    for code, name, kind, parent in UNITS:
        if code not in existing:
            existing[code] = org.create_unit(code, name, kind, existing.get(parent or ""))
    return existing


def _random_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_M)} {rng.choice(GIVEN_M)}"
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE_F)} {rng.choice(GIVEN_F)}"


def _people(units: dict[str, Unit]) -> list[Person]:
    if db.session.scalar(sa.select(sa.func.count(Person.id))):
        return list(db.session.scalars(sa.select(Person).order_by(Person.id)))
    rng = random.Random(1354)  # noqa: S311 - demo names, not security
    desks = [u for u in units.values() if u.kind in ("Xã", "Trung tâm")] + [units["ST-STP"]]
    people = []
    for index in range(60):
        unit = desks[index % len(desks)]
        data = org.PersonInput(
            full_name=_random_name(rng),
            unit=unit,
            position=POSITIONS[0] if index % 3 else rng.choice(POSITIONS),
            staff_code=f"CB{index + 1:04d}",
            date_of_birth=date(rng.randint(1968, 1998), rng.randint(1, 12), rng.randint(1, 28)),
        )
        people.append(org.create_person(data, start=date(2023, 1, 1), reason="Dữ liệu mẫu"))
    return people


def _accounts(units: dict[str, Unit], people: list[Person]) -> None:
    staff_person = next(p for p in people if p.unit.code == "ST-LH")
    for username, display, role, unit_code in ACCOUNTS:
        if db.session.scalar(sa.select(Account.id).where(Account.username == username)):
            continue
        person = staff_person if role is Role.STAFF else None
        account = accounts.create_account(
            username,
            display_name=display or staff_person.full_name,
            password=DEMO_PASSWORD,
            person=person,
            must_change=False,
        )
        accounts.grant_role(account, role, units[unit_code])


@functools.lru_cache(maxsize=2)
def _planned(files: tuple[tuple[str, int], ...]) -> tuple:
    """The starter bank parsed once per process (keyed by path and modification time):
    parsing ~240 YAML questions with line numbers is the slow part of the demo."""
    from app.bank import importer

    report = importer.plan_files([(path, Path(path).read_bytes()) for path, _ in files])
    if not report.ok:
        raise click.ClickException(f"Ngân hàng câu hỏi mẫu có lỗi: {report.errors[:3]}")
    return tuple(report.questions)


def _starter_bank() -> int:
    """Import question_bank/questions (approved items approved by the demo reviewer)."""
    from app.bank import importer

    folder = Path(current_app.root_path).parent / "question_bank" / "questions"
    paths = importer.collect_files(folder)
    report = importer.ImportReport(
        questions=list(_planned(tuple((str(p), p.stat().st_mtime_ns) for p in paths)))
    )

    def account(name: str) -> Account:
        return db.session.scalar(sa.select(Account).where(Account.username == name))

    importer.apply_plan(report, author=account("author"), approver=account("reviewer"))
    return len(report.questions)


def load_demo(*, with_bank: bool = True, with_hr_history: bool = False) -> dict[str, int]:
    """Create what is missing of the demo data; return counts. Safe to run repeatedly.

    ``with_hr_history`` (set by ``flask demo load``, not by the test fixtures) adds two
    earlier half-years of results and ratings for the HR lists (app/hr/demo.py)."""
    units = _units()
    people = _people(units)
    _accounts(units, people)
    questions = _starter_bank() if with_bank else 0
    db.session.flush()
    exam = None
    if with_bank:
        from app.exams.demo import load_demo_exam

        exam = load_demo_exam()
        from app.assessments.rubrics import load_demo_rubric

        load_demo_rubric()
    surveys = _load_demo_surveys() if with_bank else None
    if with_bank and with_hr_history:
        from app.hr.demo import load_demo_hr

        load_demo_hr()
    return {
        "units": len(units),
        "people": len(people),
        "questions": questions,
        "exam": exam.title if exam else "",
        "surveys": surveys,
    }


def _load_demo_surveys():
    from app.surveys.demo import load_demo_surveys

    return load_demo_surveys()


@demo_cli.command("load")
def load_command():
    """Load the demo province (idempotent) and print the demo logins."""
    counts = load_demo(with_hr_history=True)
    db.session.commit()
    click.echo(
        f"Dữ liệu mẫu: {counts['units']} đơn vị, {counts['people']} cán bộ, "
        f"{counts['questions']} câu hỏi trong ngân hàng."
    )
    if counts["exam"]:
        click.echo(f"Bài kiểm tra đang mở: {counts['exam']} (tài khoản staff làm được ngay).")
    click.echo(f"Tài khoản dùng thử (mật khẩu: {DEMO_PASSWORD}):")
    for username, _display, role, unit_code in ACCOUNTS:
        click.echo(f"  {username:<10} {role.value:<9} phạm vi {unit_code}")
    if counts.get("surveys"):
        from app.surveys.demo import print_demo_surveys

        print_demo_surveys(counts["surveys"])


@demo_cli.command("generate")
@click.option("--attempts", type=click.IntRange(min=0), default=1000, show_default=True)
@click.option("--responses", type=click.IntRange(min=0), default=10000, show_default=True)
@click.option("--periods", type=click.IntRange(min=1, max=20), default=2, show_default=True)
@click.option("--seed", type=int, default=1354, show_default=True)
def generate_command(attempts: int, responses: int, periods: int, seed: int):
    """Fill the database with synthetic attempts and survey responses (for benchmarks).

    Loads the demo province first if needed. Use a database nobody else is using: on
    PostgreSQL the bulk load locks the tables it fills until it commits.
    """
    from app.cli.generate import describe, generate_data

    def progress(what: str, n: int) -> None:
        done[what] = done.get(what, 0) + n
        click.echo(f"  {what}: {done[what]:,}", err=True)

    done: dict[str, int] = {}
    result = generate_data(attempts, responses, periods=periods, seed=seed, progress=progress)
    for line in describe(result):
        click.echo(line)
