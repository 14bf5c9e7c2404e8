"""The load generator of bench/load.py: a bounded number of asyncio clients over aiohttp, each
sending one request at a time (a closed loop, like people and scripts waiting for answers)."""

from __future__ import annotations

import asyncio
import random
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import numpy as np

from load_setup import PASSWORD, World

# Share of each kind of request in the realistic mix (weights).
MIX: dict[str, int] = {
    "match_1": 35,  # one PDQ hash, as a platform checks an upload
    "match_100": 5,  # a batch of 100 hashes of mixed types
    "lists": 8,  # GET /api/v1/lists
    "entries": 10,  # GET a page of a list's entries
    "entry": 8,  # GET one entry with votes and feedback
    "page": 16,  # a logged-in person browsing the pages
    "motion_vote": 6,  # a delegate casts (or changes) a vote
    "trust_vote": 10,  # a partner confirms or disputes an entry's classification
    "health": 2,  # the load balancer's probe
}
PAGES = ("/", "/hash-lists", "/hash-lists/{list}", "/hash-entries/{entry}", "/motions")
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Sample:
    kind: str
    status: int  # 0: no answer (connection error or timeout)
    seconds: float
    error: str = ""


@dataclass
class Recorder:
    samples: list[Sample] = field(default_factory=list)
    recording: bool = False

    def add(self, sample: Sample) -> None:
        if self.recording:
            self.samples.append(sample)


def _flip(rng: random.Random, value: str, bits: int) -> str:
    number = int(value, 16)
    for b in rng.sample(range(256), bits):
        number ^= 1 << b
    return f"{number:064x}"


class Requests:
    """Builds one request of a given kind for a given client."""

    def __init__(self, world: World, cookies: list[str]) -> None:
        self.world = world
        self.cookies = cookies

    def build(self, kind: str, rng: random.Random, client: int) -> tuple[str, str, dict[str, Any]]:
        w = self.world
        user = client % len(w.tokens)
        auth = {"Authorization": f"Bearer {w.tokens[user]}"}
        if kind == "match_1":
            if rng.random() < 0.5:
                value = _flip(rng, rng.choice(w.pdq_values), rng.randrange(0, 24))
            else:
                value = f"{rng.getrandbits(256):064x}"
            body = {"queries": [{"signal_type": "pdq", "value": value}]}
            return "POST", "/api/v1/match", {"headers": auth, "json": body}
        if kind == "match_100":
            queries = [
                {"signal_type": "pdq", "value": f"{rng.getrandbits(256):064x}"} for _ in range(90)
            ]
            queries += [
                {"signal_type": "pdq", "value": _flip(rng, rng.choice(w.pdq_values), 8)}
                for _ in range(5)
            ]
            queries += [{"signal_type": "md5", "value": rng.choice(w.md5_values)} for _ in range(5)]
            return "POST", "/api/v1/match", {"headers": auth, "json": {"queries": queries}}
        if kind == "lists":
            return "GET", "/api/v1/lists", {"headers": auth}
        if kind == "entries":
            path = f"/api/v1/lists/{rng.choice(w.list_ids)}/entries"
            params = {"limit": "50", "offset": str(rng.randrange(0, 2000))}
            return "GET", path, {"headers": auth, "params": params}
        if kind == "entry":
            return "GET", f"/api/v1/hash-entries/{rng.choice(w.entry_ids)}", {"headers": auth}
        if kind == "page":
            path = rng.choice(PAGES).format(
                list=rng.choice(w.list_ids), entry=rng.choice(w.entry_ids)
            )
            return "GET", path, {"headers": {"Cookie": self.cookies[user % len(self.cookies)]}}
        if kind == "motion_vote":
            body = {"option": rng.choice(["yes", "no", "abstain"])}
            path = f"/api/v1/motions/{rng.choice(w.motion_ids)}/votes"
            return "POST", path, {"headers": auth, "json": body}
        if kind == "trust_vote":
            body = {"verdict": "confirm" if rng.random() < 0.8 else "dispute"}
            pick = rng.randrange(len(w.entry_ids))
            while w.entry_owner[pick] == user:  # the owner does not vote on its own entries
                pick = rng.randrange(len(w.entry_ids))
            path = f"/api/v1/hash-entries/{w.entry_ids[pick]}/votes"
            return "POST", path, {"headers": auth, "json": body}
        if kind == "health":
            return "GET", "/api/v1/health", {}
        raise ValueError(kind)


async def log_in(base: str, emails: list[str], timeout: float) -> list[str]:
    """Log each user in through the pages; returns a Cookie header per user."""
    cookies = []
    for email in emails:
        jar = aiohttp.CookieJar(unsafe=True)
        async with aiohttp.ClientSession(
            base, cookie_jar=jar, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as http:
            async with http.get("/login") as page:
                found = _CSRF.search(await page.text())
            assert found, "no CSRF token on the login page"
            form = {"email": email, "password": PASSWORD, "csrf_token": found.group(1), "next": "/"}
            async with http.post("/login", data=form, allow_redirects=False) as answer:
                assert answer.status == 303, (answer.status, await answer.text())
            cookies.append("; ".join(f"{c.key}={c.value}" for c in jar))
    return cookies


async def run_clients(
    base: str,
    requests: Requests,
    *,
    clients: int,
    mix: dict[str, int],
    warmup: float,
    duration: float,
    timeout: float,
    seed: int,
    during: Callable[[], Any] | None = None,
) -> tuple[list[Sample], float]:
    """``clients`` closed-loop clients for warm-up + duration seconds; samples of the measured
    part and its exact length. ``during`` (a coroutine function) starts with the measured part."""
    recorder = Recorder()
    kinds = list(mix)
    weights = [mix[k] for k in kinds]
    connector = aiohttp.TCPConnector(limit=clients, limit_per_host=clients)
    stop_at = time.monotonic() + warmup + duration

    async def client(number: int, http: aiohttp.ClientSession) -> None:
        rng = random.Random(seed * 100_003 + number)
        while time.monotonic() < stop_at:
            kind = rng.choices(kinds, weights)[0]
            method, path, options = requests.build(kind, rng, number)
            started = time.perf_counter()
            try:
                async with http.request(method, path, allow_redirects=False, **options) as answer:
                    await answer.read()
                    status = answer.status
                recorder.add(Sample(kind, status, time.perf_counter() - started))
            except (TimeoutError, aiohttp.ClientError) as exc:
                recorder.add(Sample(kind, 0, time.perf_counter() - started, type(exc).__name__))

    async with aiohttp.ClientSession(
        base,
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=timeout),
        cookie_jar=aiohttp.DummyCookieJar(),
    ) as http:
        tasks = [asyncio.create_task(client(i, http)) for i in range(clients)]
        await asyncio.sleep(warmup)
        recorder.recording = True
        measured_from = time.monotonic()
        side = asyncio.create_task(during()) if during else None
        await asyncio.gather(*tasks)
        recorder.recording = False
        length = time.monotonic() - measured_from
        if side is not None:
            await side
    return recorder.samples, length


def summarise(samples: list[Sample], seconds: float) -> dict[str, Any]:
    """Per kind and in total: requests/s, latency percentiles (ms), and answers by class."""
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        by_kind[s.kind].append(s)
    out: dict[str, Any] = {"all": _stats(samples, seconds)}
    for kind in sorted(by_kind):
        out[kind] = _stats(by_kind[kind], seconds)
    return out


def _stats(samples: list[Sample], seconds: float) -> dict[str, Any]:
    if not samples:
        return {"requests": 0}
    latency = np.array([s.seconds for s in samples]) * 1000
    statuses = [s.status for s in samples]
    errors: dict[str, int] = defaultdict(int)
    for s in samples:
        if s.status == 0:
            errors[s.error] += 1
    other_4xx: dict[str, int] = defaultdict(int)
    for status in statuses:
        if 400 <= status < 500:
            other_4xx[str(status)] += 1
    return {
        "requests": len(samples),
        "per_s": round(len(samples) / seconds, 1),
        "p50_ms": round(float(np.percentile(latency, 50)), 1),
        "p95_ms": round(float(np.percentile(latency, 95)), 1),
        "p99_ms": round(float(np.percentile(latency, 99)), 1),
        "max_ms": round(float(latency.max()), 1),
        "ok": sum(1 for st in statuses if 200 <= st < 400),
        "4xx": dict(other_4xx),
        "5xx": sum(1 for st in statuses if st >= 500),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
    }
