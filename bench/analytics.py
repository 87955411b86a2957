"""Analytics at province scale: item analysis, the pass-rate dashboard and the satisfaction
report over ``flask demo generate`` data, against plain SQL scans of the same rows.

Per database (SQLite, PostgreSQL), in one run on one fresh database:
1. generate ``--attempts`` finished attempts of 60 items (default 100,000, all in one exam
   so the item matrix is 100,000 × 60) and ``--responses`` survey responses (default
   1,000,000) with ``app.cli.generate``, then ANALYZE; prints how long that took;
2. measure the **floors** — plain SQL reading the same rows: the exam's attempt items
   fetched in full, the attempts grouped by unit, the answers grouped by unit × question ×
   value — and then each **measurement** of the registry ``MEASURES``: warm (one untimed
   call first, except for the item analysis, which runs right after the floor that read
   its rows), the median of ``--repeat`` timed calls, and its ratio to its floor.
   Cold measurements (the first page view that computes a cache) run once.

The registry names the analytics functions and pages it calls; a measurement whose
function or page does not exist (yet) is reported as unavailable, not as a failure, so the
analytics modules can be plugged in as they land. Pages are requested in-process through
Flask's test client with an admin's API token (no network, no gunicorn: the figures are the
application's own time).

    .venv/bin/python -m bench.analytics --small     # 5,000 attempts, 50,000 responses
    .venv/bin/python -m bench.analytics             # the target: 100,000 × 60, 1,000,000

Targets (issue 7): item analysis under 1 s after loading (``item_analysis_compute``: arrays
to results; ``item_analysis_load`` times SQL to arrays, and ``item_analysis`` both, held to
3 × its floor only), the dashboard and the satisfaction report under 1 s warm, each under
3 × its floor. Exit status 1 if a measured target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bench.harness import postgres_bench_url, save_result

PG_BASE = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
SMALL = {"attempts": 5_000, "responses": 50_000}
TARGET_S, TARGET_RATIO = 1.0, 3.0
MIN_FLOOR_S = 0.05  # against a faster floor a ratio measures fixed per-call overhead only


@dataclass
class Context:
    """What the measurements need: the app, an admin's token, the generated ids."""

    app: object
    headers: dict[str, str]
    exam_id: int
    period_id: int
    questionnaire_id: int
    chart_dir: str = ""  # the charts pages render, removed at the end
    loaded: dict = field(default_factory=dict)  # arrays a compute-only measurement reuses


@dataclass
class Measure:
    name: str
    label: str
    run: Callable[[Context], object]
    floor: str | None = None  # the floor it is compared with (None: it is a floor)
    cold: bool = False  # measured once, without warm-up (a cache being filled)
    warmup: bool = True  # an untimed call first (off where the floor just read the rows)
    target: bool = True  # held to the targets
    time_target: bool = True  # held to TARGET_S too, not only to the ratio


MEASURES: list[Measure] = []


def measure(name: str, label: str, **options) -> Callable:
    """Register ``fn(ctx)`` as a measurement (the lead may add more the same way)."""

    def register(fn: Callable[[Context], object]) -> Callable:
        MEASURES.append(Measure(name, label, fn, **options))
        return fn

    return register


class Unavailable(Exception):
    """The function or page measured does not exist in this version of the code."""


# --- floors: plain SQL over the same rows -------------------------------------------------


def _scan(ctx: Context, sql: str, params: dict) -> int:
    """Run ``sql`` on the driver itself and fetch every row (in batches); returns rows."""
    from app.extensions import db

    with ctx.app.app_context(), db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        is_pg = conn.dialect.name == "postgresql"
        cursor = raw.cursor(name="floor") if is_pg else raw.cursor()
        if is_pg:
            cursor.itersize = 10_000
            cursor.execute(sql.replace("?", "%s"), tuple(params.values()))
        else:
            cursor.execute(sql, tuple(params.values()))
        count = 0
        while batch := cursor.fetchmany(10_000):
            count += len(batch)
        cursor.close()
        conn.rollback()
    return count


@measure(
    "floor_items",
    "floor: the exam's attempt items and their answers, fetched in full",
    target=False,
)
def floor_items(ctx: Context) -> int:
    """What an item analysis has to read: every item's credit, and for each answered item
    the response with the item's option order (the distractor tables need the option
    chosen), as text as the analysis reads them (psycopg would otherwise parse every JSON
    value: 45 s). Unordered: the analysis orders its arrays itself, and PostgreSQL sorting 6
    million rows with their layout text spills to disk (55 s). Generated data have had
    answers since 2026-12-05; before, this floor read ``attempt_items`` alone, ordered."""
    return _scan(
        ctx,
        "SELECT i.attempt_id, i.position, i.credit, CAST(ans.response AS TEXT),"
        " CASE WHEN ans.id IS NOT NULL THEN CAST(i.layout AS TEXT) END FROM attempt_items i"
        " JOIN attempts a ON a.id = i.attempt_id LEFT JOIN answers ans ON ans.item_id = i.id"
        " WHERE a.exam_id = ? AND a.state = 'finished'",
        {"exam": ctx.exam_id},
    )


@measure("floor_attempts", "floor: attempts of the period grouped by unit", target=False)
def floor_attempts(ctx: Context) -> int:
    return _scan(
        ctx,
        "SELECT p.unit_id, count(*), sum(CASE WHEN a.passed THEN 1 ELSE 0 END)"
        " FROM attempts a JOIN exams e ON e.id = a.exam_id JOIN people p ON p.id = a.person_id"
        " WHERE e.period_id = ? AND a.state = 'finished' GROUP BY p.unit_id",
        {"period": ctx.period_id},
    )


@measure("floor_answers", "floor: answers grouped by unit × question × value", target=False)
def floor_answers(ctx: Context) -> int:
    return _scan(
        ctx,
        "SELECT r.unit_id, a.question_id, a.choice, a.number, count(*)"
        " FROM survey_answers a JOIN survey_responses r ON r.id = a.response_id"
        " WHERE r.flagged = ? GROUP BY r.unit_id, a.question_id, a.choice, a.number",
        {"flagged": False},
    )


@measure("floor_people", "floor: each required person's period outcome", target=False)
def floor_people(ctx: Context) -> int:
    return _scan(
        ctx,
        "SELECT c.person_id, max(CASE WHEN a.passed THEN 1 ELSE 0 END)"
        " FROM exam_candidates c JOIN exams e ON e.id = c.exam_id"
        " LEFT JOIN attempts a ON a.exam_id = c.exam_id AND a.person_id = c.person_id"
        " AND a.state = 'finished' WHERE e.period_id = ? GROUP BY c.person_id",
        {"period": ctx.period_id},
    )


# --- the analytics, as functions and as pages ---------------------------------------------


def _call(ctx: Context, fn: Callable[[], object]) -> object:
    """``fn()`` inside a request signed in as the admin (scope clauses need a user)."""
    from app.extensions import db

    with ctx.app.test_request_context("/", headers=ctx.headers):
        try:
            return fn()
        finally:
            db.session.rollback()
            db.session.remove()


def _page(ctx: Context, endpoint: str, **args) -> int:
    from flask import url_for
    from werkzeug.routing import BuildError

    with ctx.app.test_request_context():
        try:
            url = url_for(endpoint, **args)
        except BuildError as exc:
            raise Unavailable(f"no page {endpoint}") from exc
    response = ctx.app.test_client().get(url, headers=ctx.headers)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(response.data)


def _import(module: str, name: str):
    try:
        return getattr(__import__(module, fromlist=[name]), name)
    except (ImportError, AttributeError) as exc:
        raise Unavailable(f"{module}.{name} does not exist") from exc


@measure(
    "item_analysis",
    "item analysis of the exam (computed, no cache)",
    floor="floor_items",
    warmup=False,  # the floor has just read the same rows
    time_target=False,  # it reads every row: "under 1 s" is for item_analysis_compute
)
def item_analysis(ctx: Context) -> object:
    compute_exam = _import("app.analytics.item_cache", "compute_exam")
    return _call(ctx, lambda: compute_exam(ctx.exam_id))


@measure(
    "item_analysis_load",
    "item analysis: loading (SQL to arrays)",
    floor="floor_items",
    warmup=False,
    target=False,
)
def item_analysis_load(ctx: Context) -> object:
    load_exam = _import("app.analytics.item_cache", "load_exam")
    return _call(ctx, lambda: load_exam(ctx.exam_id))


@measure(
    "item_analysis_compute",
    "item analysis: computing (arrays to results, after loading)",
    floor="floor_items",
)
def item_analysis_compute(ctx: Context) -> object:
    """The warm-up call loads the exam once; the timed calls only compute."""
    load_exam = _import("app.analytics.item_cache", "load_exam")
    analyse = _import("app.analytics.item_cache", "analyse_loaded_exam")

    def compute() -> object:
        if "exam" not in ctx.loaded:
            ctx.loaded["exam"] = load_exam(ctx.exam_id)
        return analyse(ctx.loaded["exam"])

    return _call(ctx, compute)


@measure(
    "item_page_cold",
    "item analysis page, first view (fills the cache)",
    floor="floor_items",
    cold=True,
    target=False,
)
def item_page_cold(ctx: Context) -> int:
    ctx.loaded.pop("exam", None)  # the compute measurement's arrays: not needed any more
    return _page(ctx, "analytics.view_exam_items", exam_id=ctx.exam_id)


@measure("item_page", "item analysis page, warm", floor="floor_items")
def item_page(ctx: Context) -> int:
    return _page(ctx, "analytics.view_exam_items", exam_id=ctx.exam_id)


@measure("pass_rates", "pass-rate counts per unit × position (SQL)", floor="floor_attempts")
def pass_rates(ctx: Context) -> object:
    rates = _import("app.analytics", "rates")
    f = rates.RateFilter(period_id=ctx.period_id, perm=None)
    return _call(ctx, lambda: rates.by_unit_and_position(f))


@measure("pass_rates_page", "unit pass-rate dashboard page, warm", floor="floor_attempts")
def pass_rates_page(ctx: Context) -> int:
    return _page(ctx, "analytics.pass_rates", period=ctx.period_id)


@measure(
    "satisfaction_rollups",
    "satisfaction rollups (monthly, daily, running totals), built once",
    floor="floor_answers",
    cold=True,
    target=False,
)
def satisfaction_rollups(ctx: Context) -> object:
    refresh = _import("app.analytics.satisfaction_rollup", "refresh_rollups")

    def build() -> object:
        from app.extensions import db

        done = refresh(force=True)
        db.session.commit()
        return done

    return _call(ctx, build)


@measure(
    "satisfaction_rollups_day",
    "satisfaction rollups: the job after one past response was flagged (one day changed)",
    floor="floor_answers",
    cold=True,
    target=False,
)
def satisfaction_rollups_day(ctx: Context) -> object:
    refresh = _import("app.analytics.satisfaction_rollup", "refresh_rollups")

    def change_and_build() -> object:
        import sqlalchemy as sa

        from app.extensions import db
        from app.models import SurveyResponse

        r = SurveyResponse
        first = sa.select(r.id).where(r.flagged.is_(False)).order_by(r.id).limit(1)
        db.session.execute(sa.update(r).where(r.id == first.scalar_subquery()).values(flagged=True))
        done = refresh(force=True)
        db.session.commit()
        return done

    return _call(ctx, change_and_build)


@measure("satisfaction_report", "satisfaction report (function), warm", floor="floor_answers")
def satisfaction_report(ctx: Context) -> object:
    report = _import("app.analytics.satisfaction", "satisfaction_report")
    response_filter = _import("app.surveys.queries", "ResponseFilter")
    f = response_filter(questionnaire_id=ctx.questionnaire_id)
    return _call(ctx, lambda: report(f))


@measure("satisfaction_page", "satisfaction report page, warm", floor="floor_answers")
def satisfaction_page(ctx: Context) -> int:
    return _page(ctx, "analytics.satisfaction")


def _cut_range(ctx: Context) -> dict[str, str]:
    """From the 15th day of the first month with responses to 16 days before the last day:
    a range that cuts its first and last months (read from the daily rollups)."""
    if "cut" not in ctx.loaded:
        from datetime import timedelta

        import sqlalchemy as sa

        from app.extensions import db
        from app.models import SurveyResponse

        with ctx.app.app_context():
            low = db.session.scalar(sa.select(sa.func.min(SurveyResponse.day)))
            high = db.session.scalar(sa.select(sa.func.max(SurveyResponse.day)))
        ctx.loaded["cut"] = {
            "from": (low + timedelta(days=14)).isoformat(),
            "to": (high - timedelta(days=16)).isoformat(),
        }
    return ctx.loaded["cut"]


@measure(
    "satisfaction_page_cut",
    "satisfaction report page, warm, dates cutting the first and last month",
    floor="floor_answers",
)
def satisfaction_page_cut(ctx: Context) -> int:
    return _page(ctx, "analytics.satisfaction", **_cut_range(ctx))


def _hr_history(ctx: Context) -> None:
    """Once, before the first HR measurement: an earlier half-year period in which the
    generated exam's candidates sat a paper exam (a copy of their attempts, one in seven
    with the opposite result), so that "met the requirement in two periods" has people to
    find. Added here and not by the generator: the measurements before these (the item
    matrix, the pass rates) see the generated data unchanged."""
    if ctx.loaded.get("hr_history"):
        return
    from datetime import timedelta

    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Attempt, Exam, ExamCandidate, Period

    with ctx.app.app_context():
        later = db.session.get(Period, ctx.period_id)
        source = db.session.get(Exam, ctx.exam_id)
        start = later.starts_on - timedelta(days=183)
        period = Period(name="Kỳ trước (bench HR)", starts_on=start, ends_on=later.starts_on)
        period.ends_on -= timedelta(days=1)
        shift = source.opens_at - timedelta(days=183)
        exam = Exam(
            period=period, unit_id=source.unit_id, title="Kiểm tra kỳ trước (bench HR)",
            state=source.state, opens_at=shift, closes_at=shift + timedelta(days=7),
            pass_mark=source.pass_mark,
        )  # fmt: skip
        db.session.add(exam)
        db.session.flush()
        _copy_rows(ExamCandidate, source.id, exam.id, {})
        flip = sa.case((Attempt.person_id % 7 == 0, sa.not_(Attempt.passed)), else_=Attempt.passed)
        _copy_rows(Attempt, source.id, exam.id, {"passed": flip})
        db.session.commit()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    # the officer ratings come from the satisfaction rollups, which the job builds (pages
    # only read them); already built when ``satisfaction_rollups`` ran, then a quick check
    refresh = _import("app.analytics.satisfaction_rollup", "refresh_rollups")

    def build() -> None:
        refresh(force=True)
        db.session.commit()

    _call(ctx, build)
    ctx.loaded["hr_history"] = True


def _copy_rows(model, exam_id: int, to_exam: int, changed: dict) -> None:
    """INSERT … SELECT every row of ``model`` of ``exam_id`` into ``to_exam`` (new ids)."""
    import sqlalchemy as sa

    from app.extensions import db

    names = [c.name for c in model.__table__.columns if c.name != "id"]
    values = [
        sa.literal(to_exam).label(n) if n == "exam_id" else changed.get(n, model.__table__.c[n])
        for n in names
    ]
    rows = sa.select(*values).where(model.__table__.c.exam_id == exam_id)
    db.session.execute(sa.insert(model.__table__).from_select(names, rows))


def _hr_list(ctx: Context, name: str) -> int:
    """An HR list of the generated period for the admin's whole scope (the province), as
    its page gets it: the first page and the counts (``*_page`` functions); with code that
    has no pages, the whole list. Returns the number of people listed."""
    _hr_history(ctx)
    paged = name.replace("commendation_candidates", "commendation_page").replace(
        "reassignment_reviews", "review_page"
    )
    try:
        lists = _import("app.hr.lists", paged)
    except Unavailable:
        lists = _import("app.hr.lists", name)
    roster_in_scope = _import("app.hr.queries", "roster_in_scope")

    def run() -> int:
        from app.extensions import db
        from app.models import Period

        found = lists(db.session.get(Period, ctx.period_id), roster_in_scope())
        if isinstance(found, list):
            return len(found)
        if hasattr(found, "total"):
            return found.total + getattr(found, "missing_total", 0)
        return len(found.entries + found.insufficient)

    return _call(ctx, run)


@measure("hr_commendations", "HR commendation candidates (province)", floor="floor_people")
def hr_commendations(ctx: Context) -> int:
    return _hr_list(ctx, "commendation_candidates")


@measure("hr_reassignments", "HR reassignment reviews (province)", floor="floor_people")
def hr_reassignments(ctx: Context) -> int:
    return _hr_list(ctx, "reassignment_reviews")


@measure("hr_commendations_page", "HR commendation page, warm (province)", floor="floor_people")
def hr_commendations_page(ctx: Context) -> int:
    _hr_history(ctx)
    return _page(ctx, "hr.list_commendations", period=ctx.period_id)


@measure("hr_reassignments_page", "HR reassignment page, warm (province)", floor="floor_people")
def hr_reassignments_page(ctx: Context) -> int:
    _hr_history(ctx)
    return _page(ctx, "hr.list_reassignments", period=ctx.period_id)


# --- running ------------------------------------------------------------------------------


@dataclass
class Timing:
    name: str
    label: str
    seconds: float | None = None
    runs: list[float] = field(default_factory=list)
    ratio: float | None = None
    rows: int | None = None  # rows a floor read, bytes a page sent
    error: str = ""
    unavailable: bool = False


def time_one(m: Measure, ctx: Context, repeat: int) -> Timing:
    timing = Timing(m.name, m.label)
    try:
        if m.warmup and not m.cold:
            m.run(ctx)  # warm-up: caches, query plans, imports
        for _ in range(1 if m.cold else repeat):
            started = time.perf_counter()
            out = m.run(ctx)
            timing.rows = out if isinstance(out, int) else None
            timing.runs.append(round(time.perf_counter() - started, 4))
    except Unavailable as exc:
        timing.unavailable, timing.error = True, str(exc)
    except Exception as exc:  # a broken measurement must not stop the run
        timing.error = f"{type(exc).__name__}: {exc}"[:300]
    if timing.runs:
        timing.seconds = round(statistics.median(timing.runs), 4)
    return timing


def prepare(url: str, args) -> tuple[Context, dict]:
    """Fresh schema, generated data, ANALYZE; the context and what generation took."""
    import sqlalchemy as sa

    from app import create_app
    from app.auth.services import issue_token
    from app.cli.generate import generate_data
    from app.config import Config
    from app.extensions import db
    from app.models import Account, Exam, Questionnaire

    cache = tempfile.mkdtemp(prefix="analytics-charts-")
    app = create_app(Config, {"SQLALCHEMY_DATABASE_URI": url, "CHART_CACHE_DIR": cache})
    with app.app_context():
        db.drop_all()
        db.create_all()
        result = generate_data(args.attempts, args.responses, periods=args.periods)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
        admin = db.session.scalar(sa.select(Account).where(Account.username == "admin"))
        token = issue_token(admin, name="bench")[0]
        exam = db.session.scalar(sa.select(Exam).order_by(Exam.id.desc()))
        questionnaire = db.session.scalar(sa.select(Questionnaire.id).order_by(Questionnaire.id))
        context = Context(
            app, {"Authorization": f"Bearer {token}"}, exam.id, exam.period_id, questionnaire, cache
        )
        db.session.commit()
    generated = {
        "attempts": result.attempts,
        "items": result.items,
        "choices": result.choices,  # exam answers rows (answered choice items)
        "responses": result.responses,
        "answers": result.answers,
        "people_added": result.people_added,
        "seconds": result.seconds,
    }
    return context, generated


def run_database(kind: str, url: str, args) -> dict:
    context, generated = prepare(url, args)
    print(
        f"{kind:10} generated {generated['attempts']:,} attempts ({generated['items']:,} items,"
        f" {generated['choices']:,} answered choices)"
        f" + {generated['responses']:,} responses ({generated['answers']:,} answers)"
        f" in {generated['seconds']} s",
        flush=True,
    )
    timings: dict[str, Timing] = {}
    # No app context is held here: each call and each page request gets its own, hence its
    # own database session, as in the running application.
    for m in MEASURES:
        if args.only and m.name not in args.only and m.floor is not None:
            continue
        timings[m.name] = t = time_one(m, context, args.repeat)
        floor = timings.get(m.floor) if m.floor else None
        if t.seconds is not None and floor is not None and floor.seconds:
            t.ratio = round(t.seconds / floor.seconds, 2)
        print(f"{'':10} {_line(m, t)}", flush=True)
    with context.app.app_context():
        from app.extensions import db

        if not args.keep:
            db.drop_all()
        db.engine.dispose()
    shutil.rmtree(context.chart_dir, ignore_errors=True)
    return {
        "database": kind,
        "generated": generated,
        "timings": [vars(t) for t in timings.values()],
    }


def _line(m: Measure, t: Timing) -> str:
    if t.unavailable:
        return f"{m.label}: unavailable ({t.error})"
    if t.error:
        return f"{m.label}: ERROR {t.error}"
    ratio = f" = {t.ratio:.1f} × floor" if t.ratio is not None else ""
    if m.floor is None and t.rows is not None:
        ratio = f" ({t.rows:,} rows)"
    held = [f"< {TARGET_S:g} s"] * m.time_target + [f"< {TARGET_RATIO:g} ×"]
    target = f" (target {', '.join(held)})" if m.target else ""
    return f"{m.label}: {t.seconds:.3f} s{ratio}{target}"


def missed(result: dict) -> list[str]:
    """Measurements held to a target that missed it: the time, or the ratio to a floor that
    took at least ``MIN_FLOOR_S``."""
    floors = {t["name"]: t["seconds"] or 0 for t in result["timings"]}
    held = {m.name: m for m in MEASURES if m.target}
    return [
        t["name"]
        for t in result["timings"]
        if t["name"] in held
        and t["seconds"] is not None
        and (
            (held[t["name"]].time_target and t["seconds"] >= TARGET_S)
            or (
                (t["ratio"] or 0) >= TARGET_RATIO
                and floors.get(held[t["name"]].floor, 0) >= MIN_FLOOR_S
            )
        )
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--periods", type=int, default=1, help="exams (one per half-year)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small", action="store_true", help="5,000 attempts, 50,000 responses")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--keep", action="store_true", help="keep the generated databases")
    parser.add_argument(
        "--pg-database",
        default="onestop_bench_analytics",
        help="scratch PostgreSQL database (give another one to run beside another bench)",
    )
    parser.add_argument(
        "--only",
        type=lambda v: set(v.split(",")),
        default=set(),
        help="measurements to run (comma-separated names; the floors always run)",
    )
    args = parser.parse_args(argv)
    if args.small:
        args.attempts, args.responses = SMALL["attempts"], SMALL["responses"]
    results, failures = [], []
    for kind in args.databases.split(","):
        folder = tempfile.mkdtemp(prefix="analytics-") if kind == "sqlite" else None
        url = (
            f"sqlite:///{folder}/bench.sqlite3"
            if folder
            else postgres_bench_url(PG_BASE, args.pg_database)
        )
        try:
            result = run_database(kind, url, args)
        finally:
            if folder and not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        results.append(result)
        failures += [f"{kind}:{name}" for name in missed(result)]
    sizes = {"attempts": args.attempts, "responses": args.responses, "periods": args.periods}
    print(f"results: {save_result('analytics', {'sizes': sizes, 'runs': results})}")
    if failures:
        print("missed target: " + ", ".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
