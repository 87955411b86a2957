"""``make faults``: every fault scenario under load, each printing PASS/FAIL with figures.

    .venv/bin/python -m bench.faults                       # all (about 10 minutes)
    .venv/bin/python -m bench.faults --only kill,redis     # some

Writes ``bench/results/faults-<UTC time>.json``; exit status 1 if any scenario failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import traceback
from pathlib import Path

from bench.faults import backup, scenarios, sqlite_faults
from bench.faults.common import Outcome
from bench.harness import save_result

SCENARIOS = {
    "kill": scenarios.kill_worker,
    "postgres": scenarios.postgres_restart,
    "redis": scenarios.redis_stop,
    "sqlite-full": sqlite_faults.disk_full,
    "sqlite-readonly": sqlite_faults.read_only,
    "backup": backup.backup_sqlite,
    "backup-postgres": backup.backup_postgres,
}
SHOWN = ("fault_s", "failed_requests", "last_failure_after_lift_s", "acked_answers")
SHOWN += ("lost_answers", "duplicate_answers", "acked_citizen_responses")
SHOWN += ("lost_citizen_responses", "duplicate_citizen_responses", "retries")
SHOWN += ("stale_keepalive_resends",)


def run_one(name: str) -> Outcome:
    folder = Path(tempfile.mkdtemp(prefix=f"fault-{name}-"))
    url = f"sqlite:///{folder}/app.sqlite3"
    try:
        return SCENARIOS[name](folder, url)
    except Exception:  # a scenario that crashes is a failure with its traceback
        outcome = Outcome(name, {"ran to the end": False})
        outcome.figures["error"] = traceback.format_exc()
        return outcome
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def show(outcome: Outcome) -> None:
    print(f"{'PASS' if outcome.passed else 'FAIL'}  {outcome.name}")
    for check, ok in outcome.checks.items():
        print(f"      [{'x' if ok else ' '}] {check}")
    figures = {k: outcome.figures[k] for k in SHOWN if k in outcome.figures}
    extra = {k: v for k, v in outcome.figures.items() if k not in SHOWN and k != "kinds"}
    print(f"      {json.dumps(figures, ensure_ascii=False)}")
    print(f"      {json.dumps(extra, ensure_ascii=False, default=str)[:1500]}", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated names")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}; known: {', '.join(SCENARIOS)}")
    outcomes = []
    for name in names:
        print(f"== {name}", flush=True)
        outcomes.append(run_one(name))
        show(outcomes[-1])
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    data = {"uptime": uptime, "load_average": os.getloadavg()}
    path = save_result("faults", {**data, "scenarios": [o.as_dict() for o in outcomes]})
    passed = sum(o.passed for o in outcomes)
    print(f"{passed}/{len(outcomes)} passed; results: {path}  ({uptime})")
    return 0 if passed == len(outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
