"""The virtual users of a load run: officers, kiosks, QR citizens and report readers.

Each is a loop in its own thread that ends when ``Run.stop`` is set (an officer then
finishes the attempt in hand) or, for officers, when no unused officer token is left.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass

from bench.exam_load import response_for
from bench.faults.load import PAGES, Caller, Run


def officer(run: Run) -> None:
    """Take the exam with the next unused officer token, again and again."""
    while not run.stop.is_set():
        try:
            token = run.tokens.get_nowait()
        except Exception:  # queue.Empty: every officer has sat the exam
            return
        take_exam(run, run.caller({"Authorization": f"Bearer {token}"}))


def take_exam(run: Run, c: Caller) -> None:
    tally = run.tally
    status, body = c.call("start", "POST", f"/api/v1/exams/{run.population.exam_id}/attempts", {})
    if status not in (200, 201):
        tally.count(tally.unexpected, f"start {status}")
        return
    attempt, seq = body["attempt_id"], body["seq"]
    for q in body["questions"]:
        if not run.pause(run.think_s):
            break
        seq = save(run, c, attempt, q, seq)
        if seq is None:
            return
    finish(run, c, attempt, seq)


def save(run: Run, c: Caller, attempt: int, q: dict, seq: int) -> int | None:
    """Save one answer; the new seq, or None when the attempt cannot go on."""
    tally, response = run.tally, response_for(q)
    with tally.lock:
        tally.acked.intended[attempt] = tally.acked.intended.get(attempt, 0) + 1
    path = f"/api/v1/attempts/{attempt}/answers/{q['item_id']}"
    status, body = c.call("save", "PUT", path, {"response": response, "seq": seq})
    if status == 200:
        with tally.lock:
            tally.acked.answers.append((attempt, body["seq"], response, time.monotonic()))
        return body["seq"]
    if status == 409 and c.retried and _applied(c, attempt, q["item_id"], response, seq + 1):
        with tally.lock:
            tally.confirmed_after_retry += 1
        return seq + 1
    tally.count(tally.unexpected, f"save {status}")
    return None


def _applied(c: Caller, attempt: int, item_id: int, response, seq: int) -> bool:
    """Whether the attempt shows ``response`` saved for ``item_id`` at ``seq``."""
    status, view = c.call("view", "GET", f"/api/v1/attempts/{attempt}")
    if status != 200 or view["seq"] != seq:
        return False
    return any(q["item_id"] == item_id and q["response"] == response for q in view["questions"])


def finish(run: Run, c: Caller, attempt: int, seq: int) -> None:
    tally = run.tally
    status, _body = c.call("finish", "POST", f"/api/v1/attempts/{attempt}/finish", {"seq": seq})
    if status == 409 and c.retried:
        view_status, view = c.call("view", "GET", f"/api/v1/attempts/{attempt}")
        status = 200 if view_status == 200 and view["state"] == "finished" else status
    if status == 200:
        with tally.lock:
            tally.acked.finished.append(attempt)
    else:
        tally.count(tally.unexpected, f"finish {status}")


ATTITUDES = ("than_thien", "binh_thuong", "tho_o")


def _answers(kiosk: bool) -> dict:
    """Random ratings: a kiosk shows the short form, a QR page the long one."""
    if kiosk:
        return {"officer_rating": random.randint(1, 5), "attitude": random.choice(ATTITUDES)}
    return {"officer_rating": random.randint(1, 5), "overall": random.randint(1, 5)}


def submit(run: Run, c: Caller, kind: str, body: dict, headers=None) -> None:
    """Send one citizen response until it is stored (or known to be), with one key."""
    body = {
        **body,
        "idempotency_key": secrets.token_hex(16),
        "answers": _answers(kind == "kiosk_submit"),
    }
    for _ in range(5):
        status, _reply = c.call(kind, "POST", "/api/v1/public/responses", body, headers)
        if status in (200, 201):
            with run.tally.lock:
                run.tally.acked.citizen_keys.append((body["idempotency_key"], time.monotonic()))
            return
        if status != 429 or not run.pause(10):  # a kiosk's minimum interval: wait, resend
            break
    run.tally.count(run.tally.unexpected, f"{kind} {status}")


def kiosk(run: Run, token: str, interval: float = 12.0) -> None:
    """A counter's tablet: a rating every ``interval`` seconds or so (never under 8 s)."""
    c = run.caller({"X-Device-Token": token})
    while run.stop.wait(max(8.5, interval * random.uniform(0.75, 1.25))) is False:
        submit(run, c, "kiosk_submit", {"channel_code": ""})


def qr_citizen(run: Run, think: float = 3.0) -> None:
    """Phones scanning a counter's QR code: the questionnaire, then the answers."""
    c = run.caller()
    while run.pause(think):
        code = random.choice(run.population.qr_codes)
        phone = {"X-Forwarded-For": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.7"}
        status, _ = c.call("qr_get", "GET", f"/api/v1/public/questionnaires/{code}", None, phone)
        if status != 200:
            run.tally.count(run.tally.unexpected, f"qr_get {status}")
            continue
        submit(run, c, "qr_submit", {"channel_code": code}, phone)


def reader(run: Run, think: float = 4.0) -> None:
    """HR and analytics staff reading their pages."""
    c = run.caller({"Authorization": f"Bearer {run.population.reader_token}"})
    while run.pause(think):
        path = random.choice(PAGES).format(exam=run.population.exam_id)
        status, _ = c.call("page", "GET", path)
        if status != 200:
            run.tally.count(run.tally.unexpected, f"page {status}")


@dataclass
class Mix:
    """How many of each virtual user."""

    officers: int = 20
    kiosks: int = 17
    qr: int = 3
    readers: int = 2


def start_users(run: Run, mix: Mix) -> list[threading.Thread]:
    """Start every virtual user's thread; join them after setting ``run.stop``."""
    for token in run.population.officer_tokens:
        run.tokens.put(token)
    targets = [(officer, ()) for _ in range(mix.officers)]
    targets += [(kiosk, (t,)) for t in run.population.kiosk_tokens[: mix.kiosks]]
    targets += [(qr_citizen, ()) for _ in range(mix.qr)]
    targets += [(reader, ()) for _ in range(mix.readers)]
    threads = [threading.Thread(target=f, args=(run, *a), daemon=True) for f, a in targets]
    for thread in threads:
        thread.start()
    return threads
