"""Extraction benchmark: our profiles vs plain trafilatura (and resiliparse), quality and speed.

Why it exists: extraction is the most expensive stage and decides what text exists at all, so
both its quality and its cost are measured against the peer it wraps, on the same pages, in one
process run (single core; CPU time, so that other load on the machine does not skew ratios):

1. quality and speed on gold pages: the Article Extraction Benchmark (181 pages) and the
   newspaper4k pages (23) from ``../shared/data/extraction``: precision, recall and F1 with the
   benchmark's own metric (metric.py), empty-output share and pages/s, for plain
   ``trafilatura.extract`` (defaults, ``favor_precision``, ``favor_recall``) on the raw bytes, our three
   profiles through the pipeline's path (charset detection, extractor under the time limit),
   and resiliparse when installed; pages/s are medians over ``--repeats`` runs, the contenders
   interleaved page by page; then F1 and empty share again on the ``test`` half of each set
   (``gold.gold_part``), the pages no setting was chosen on;
2. the cost of the per-page time limit: the same ``trafilatura.extract`` call in a loop, bare and
   inside ``time_limit`` (in the main thread and in a worker thread), on the
   211 pages of ``bench/pages.warc.gz``; and the whole Extract step (WARC bodies in, records out)
   against plain ``trafilatura.extract`` on the same bodies.

Run: ``.venv/bin/python -m benchmarks.bench_extract [--repeats 3]`` (needs ../shared/data).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import threading
import time
from pathlib import Path
from typing import Callable

from lingoloom.pipelines.extract import Extract
from lingoloom.pipelines.extract.backends import make_extractor
from lingoloom.pipelines.extract.charset import decode_body
from lingoloom.pipelines.extract.evaluate import extract_page
from lingoloom.pipelines.extract.gold import GoldPage, gold_part, newspaper4k, scrapinghub_aeb
from lingoloom.pipelines.extract.metric import aggregate, score_page
from lingoloom.pipelines.extract.timelimit import time_limit
from lingoloom.pipelines.steps import run_steps
from lingoloom.schemas.extract import ExtractSettings

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
TIME_LIMIT = 10.0


def cpu_seconds(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def contenders() -> dict[str, Callable[[bytes], str]]:
    import trafilatura

    found: dict[str, Callable[[bytes], str]] = {
        "trafilatura.extract (defaults)": lambda body: trafilatura.extract(body) or "",
        "trafilatura.extract (favor_precision)": lambda body: trafilatura.extract(body, favor_precision=True) or "",
        "trafilatura.extract (favor_recall)": lambda body: trafilatura.extract(body, favor_recall=True) or "",
    }
    for profile in ("precision", "recall", "fast"):
        extractor = make_extractor("trafilatura", profile=profile)
        found[f"lingoloom {profile}"] = lambda body, ex=extractor: extract_page(ex, body, TIME_LIMIT)[0]
    try:
        extractor = make_extractor("resiliparse")
        found["lingoloom resiliparse (optional)"] = lambda body, ex=extractor: extract_page(ex, body, TIME_LIMIT)[0]
    except ImportError:
        print("resiliparse not installed: skipped (pip install 'lingoloom[resiliparse]')")
    return found


def quality_and_speed(sets: dict[str, list[GoldPage]], repeats: int) -> None:
    """Every contender on every page, interleaved page by page (the order rotating from page to
    page), so that a burst of load on the shared machine hits all contenders alike."""
    runs = contenders()
    names = list(runs)
    bodies = {name: [page.read_bytes() for page in pages] for name, pages in sets.items()}
    outputs: dict[tuple[str, str], list[str]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    for name, fn in runs.items():  # warm-up: imports, compiled patterns
        fn(bodies["scrapinghub_aeb"][0])
    for repeat in range(repeats):
        for set_name in sets:
            for key in ((name, set_name) for name in names):
                cpu.setdefault(key, []).append(0.0)
            for index, body in enumerate(bodies[set_name]):
                shift = (index + repeat) % len(names)
                for name in names[shift:] + names[:shift]:
                    start = time.process_time()
                    out = runs[name](body)
                    cpu[(name, set_name)][repeat] += time.process_time() - start
                    if repeat == 0:
                        outputs.setdefault((name, set_name), []).append(out)
    for set_name, pages in sets.items():
        print(f"\n{set_name} ({len(pages)} pages), pages/s = median of {repeats} runs, one core (CPU time)\n")
        print("| extractor | precision | recall | F1 | empty | pages/s |")
        print("|---|---:|---:|---:|---:|---:|")
        for name in names:
            texts = outputs[(name, set_name)]
            s = aggregate([score_page(page.text, out) for page, out in zip(pages, texts)])
            empty = sum(1 for out in texts if not out.strip()) / len(texts)
            pps = len(pages) / statistics.median(cpu[(name, set_name)])
            print(f"| {name} | {s.precision:.4f} | {s.recall:.4f} | **{s.f1:.4f}** | {empty:.1%} | {pps:.1f} |")
        held_out = {page.id for page in gold_part(pages, "test")}
        print(f"\n{set_name}, test half only ({len(held_out)} pages never used to choose settings)\n")
        print("| extractor | F1 | empty |")
        print("|---|---:|---:|")
        for name in names:
            kept = [(page, out) for page, out in zip(pages, outputs[(name, set_name)]) if page.id in held_out]
            s = aggregate([score_page(page.text, out) for page, out in kept])
            empty = sum(1 for _, out in kept if not out.strip()) / len(kept)
            print(f"| {name} | {s.f1:.4f} | {empty:.1%} |")
    for set_name in sets:
        ratios = [p / f for p, f in zip(cpu[("lingoloom precision", set_name)], cpu[("lingoloom fast", set_name)])]
        print(f"fast / precision pages/s on {set_name}: median {statistics.median(ratios):.2f}x "
              f"(runs: {', '.join(f'{r:.2f}' for r in ratios)})")


def warc_documents(path: Path):
    from lingoloom.pipelines.sources.warc import iter_warc_documents

    with path.open("rb") as stream:
        return list(iter_warc_documents(stream, source="bench", origin=str(path)))


def time_limit_overhead(warc: Path, repeats: int) -> None:
    import trafilatura

    docs = warc_documents(warc)
    bodies = [doc.metadata["_body"] for doc in docs]
    htmls = [decoded.text for decoded in (decode_body(b, d.metadata.get("_content_type")) for b, d in zip(bodies, docs))
             if decoded is not None]
    settings = {"favor_precision": True, "include_comments": False}

    def bare():
        for html in htmls:
            trafilatura.extract(html, **settings)

    def guarded():
        for html in htmls:
            with time_limit(TIME_LIMIT):
                trafilatura.extract(html, **settings)

    def in_thread(fn):
        def run():
            result = {}
            thread = threading.Thread(target=lambda: result.setdefault("s", cpu_seconds(fn)))
            thread.start()
            thread.join()
            return result["s"]
        return run

    def whole_step(profile: str) -> float:
        fresh = [copy.deepcopy(doc) for doc in docs]
        start = time.process_time()
        kept.append(len(list(run_steps([Extract(ExtractSettings(profile=profile))], fresh))))
        return time.process_time() - start

    def bare_on_bodies():
        for body in bodies:
            trafilatura.extract(body)

    bare()  # warm-up
    timings: dict[str, list[float]] = {}
    kept: list[int] = []
    for _ in range(repeats):
        timings.setdefault("bare, main thread", []).append(cpu_seconds(bare))
        timings.setdefault("time_limit, main thread", []).append(cpu_seconds(guarded))
        timings.setdefault("bare, worker thread", []).append(in_thread(bare)())
        timings.setdefault("time_limit, worker thread", []).append(in_thread(guarded)())
        timings.setdefault("trafilatura.extract(body) defaults", []).append(cpu_seconds(bare_on_bodies))
        timings.setdefault("Extract step, precision profile", []).append(whole_step("precision"))
        timings.setdefault("Extract step, fast profile", []).append(whole_step("fast"))
    pps = {name: len(htmls) / statistics.median(values) for name, values in timings.items()}
    print(f"\n{warc.name}: {len(docs)} pages, pages/s = median of {repeats} runs (CPU time)\n")
    print("| loop | pages/s | ratio |")
    print("|---|---:|---:|")
    pairs = [("bare, main thread", "time_limit, main thread"),
             ("bare, worker thread", "time_limit, worker thread"),
             ("trafilatura.extract(body) defaults", "Extract step, precision profile"),
             ("trafilatura.extract(body) defaults", "Extract step, fast profile")]
    shown = set()
    for reference, ours in pairs:
        if reference not in shown:
            print(f"| {reference} | {pps[reference]:.1f} | 1.00 |")
            shown.add(reference)
        print(f"| {ours} | {pps[ours]:.1f} | {pps[ours] / pps[reference]:.2f} |")
    step_ratio = pps["Extract step, fast profile"] / pps["Extract step, precision profile"]
    print(f"\nExtract step, fast / precision pages/s: {step_ratio:.2f}x")
    print(f"Extract step kept {kept[0]} of {len(docs)} records (the rest are counted drops)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args(argv if argv is not None else [])
    extraction = args.shared / "extraction"
    if not extraction.is_dir():
        print(f"reference data not found at {args.shared}: extraction benchmark skipped")
        return
    sets = {
        "scrapinghub_aeb": list(scrapinghub_aeb(extraction / "scrapinghub_aeb")),
        "newspaper4k": list(newspaper4k(extraction / "newspaper4k")),
    }
    quality_and_speed(sets, args.repeats)
    time_limit_overhead(args.shared / "bench" / "pages.warc.gz", args.repeats)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
