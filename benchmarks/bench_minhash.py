"""MinHash benchmark: signature throughput vs datasketch and datatrove, F1 on generated pairs, dedup at scale.

Why it exists: the dedup promises to be fast (signatures >= 10x datasketch's ``update_batch`` per
document and >= 5x datatrove's ``MinhashDedupSignature``), accurate (F1 >= 0.95 on near-duplicate
pairs with Jaccard >= 0.8) and near-linear in time and memory. Everything runs on one core.

1. Throughput, same documents, alternating repeats, medians: real page texts (gold texts of the
   Article Extraction Benchmark and newspaper4k, and the UDHR in every language, from
   ``../shared/data``).
   - ours: :meth:`Signer.signatures` in batches of 64 (normalisation and shingling included;
     the numba kernel compiled or loaded from its cache before timing, see ``startup``);
   - datasketch 2.0: ``MinHash(112, seed=1).update_batch(shingles)`` per document on our
     shingles (encoded, precomputed outside the timer, so the peer is timed on hashing and
     permuting only), with its default ``sha1_hash32`` and with ``xxhash.xxh32_intdigest`` (the
     fastest ``hashfunc`` we know for it); ``datasketch_split``: sha1 with the usual
     ``lower().split()`` 5-gram shingling timed;
   - datatrove 0.10.1: ``MinhashDedupSignature.get_shingles`` + ``get_signature`` per document
     (FineWeb's 14x8, sha1 as its xxhash setting fails with xxhash 4.x; its module is loaded
     from its file because importing ``datatrove.pipeline.dedup`` needs ``tokenizers``).
2. Quality: pairs made from the real texts with :func:`near_duplicate` (edits to a target
   Jaccard window) plus unrelated pairs; precision/recall/F1 of the LSH rule, positives =
   Jaccard >= 0.8; linked share by similarity bin (recall curve, with extra pairs at 0.3-0.7).
3. Scale: whole local dedup (all stages, one worker, default 256 MB budget) on synthetic
   corpora of 10k and 100k documents (``--million`` adds 1M): wall time and peak RSS (VmHWM) of a fresh
   process, corpus (``MAKE`` below, 12,500 documents per file) written beforehand by another
   process.

Start-up (``startup``): a fresh process with an empty numba cache folder, then a second one with
that folder: import, Unicode tables, first call (compiling, then loading the compiled kernel).

Run: ``.venv/bin/python -m benchmarks.bench_minhash [--million] [--repeats 3]``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def real_texts(shared: Path) -> list[tuple[str, str | None]]:
    """(text, language label or None) of real documents: AEB and newspaper4k gold texts, UDHR files."""
    docs: list[tuple[str, str | None]] = []
    aeb = json.loads((shared / "extraction/scrapinghub_aeb/ground-truth.json").read_text(encoding="utf-8"))
    docs += [(item["articleBody"], None) for item in aeb.values() if item.get("articleBody", "").strip()]
    docs += [(p.read_text(encoding="utf-8"), None) for p in sorted((shared / "extraction/newspaper4k/txt").glob("*.txt"))]
    index = (shared / "langid/udhr_index.tsv").read_text(encoding="utf-8").splitlines()
    header = index[0].split("\t")
    for line in index[1:]:
        row = dict(zip(header, line.split("\t")))
        path = shared / "langid" / row["file"]
        if path.is_file():
            docs.append((path.read_text(encoding="utf-8"), f"{row['iso639-3']}_{row['iso15924']}"))
    return docs


def _datatrove_signature_step():
    import datatrove
    from datatrove.utils.hashing import HashConfig

    path = Path(datatrove.__file__).parent / "pipeline" / "dedup" / "minhash.py"
    spec = importlib.util.spec_from_file_location("datatrove_minhash_module", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    config = module.MinhashConfig(hash_config=HashConfig(hash_fc="sha1", precision=64))
    step = module.MinhashDedupSignature(output_folder=tempfile.mkdtemp(), config=config, language="en")
    step.get_signature(step.get_shingles("warm up the tokenizer once " * 3))
    return step


def throughput(docs: list[tuple[str, str | None]], repeats: int) -> dict:
    """Documents per second of ours, datasketch and datatrove on the same documents (medians)."""
    import xxhash
    from datasketch import MinHash

    from lingoloom.filters.minhash.shingles import reference_shingles
    from lingoloom.filters.minhash.signature import Signer
    from lingoloom.schemas.minhash import MinHashSettings

    settings = MinHashSettings()
    signer = Signer(settings)
    texts = [t for t, _ in docs]
    languages = [lang for _, lang in docs]
    shingles = [[" ".join(s).encode("utf-8") for s in reference_shingles(t, lang, settings)] for t, lang in docs]
    datatrove_step = _datatrove_signature_step()
    signer.signatures(texts[:8], languages[:8])

    def ours() -> None:
        for i in range(0, len(texts), 64):
            signer.signatures(texts[i : i + 64], languages[i : i + 64])

    def datasketch() -> None:
        for doc in shingles:
            sketch = MinHash(num_perm=112, seed=1)
            sketch.update_batch(doc)

    def datasketch_xxh32() -> None:
        for doc in shingles:
            sketch = MinHash(num_perm=112, seed=1, hashfunc=xxhash.xxh32_intdigest)
            sketch.update_batch(doc)

    def datasketch_shingling() -> None:
        for text in texts:
            tokens = text.lower().split()
            sketch = MinHash(num_perm=112, seed=1)
            sketch.update_batch([" ".join(tokens[i : i + 5]).encode("utf-8") for i in range(max(1, len(tokens) - 4))])

    def datatrove() -> None:
        for text in texts:
            found = datatrove_step.get_shingles(text)
            if found.size:
                datatrove_step.get_signature(found)

    runs = {
        "ours": ours,
        "datasketch": datasketch,
        "datasketch_xxh32": datasketch_xxh32,
        "datasketch_split": datasketch_shingling,
        "datatrove": datatrove,
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, fn in runs.items():
            started = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - started)
    medians = {name: statistics.median(v) for name, v in times.items()}
    chars = sum(len(t) for t in texts)
    result = {
        "documents": len(texts),
        "mb": round(chars / 2**20, 2),
        **{f"{name}_docs_per_s": round(len(texts) / m, 1) for name, m in medians.items()},
        "x_datasketch": round(medians["datasketch"] / medians["ours"], 1),
        "x_datasketch_xxh32": round(medians["datasketch_xxh32"] / medians["ours"], 1),
        "x_datasketch_split": round(medians["datasketch_split"] / medians["ours"], 1),
        "x_datatrove": round(medians["datatrove"] / medians["ours"], 1),
    }
    return result


STARTUP = """
import json, time
started = time.perf_counter()
from lingoloom.filters.minhash.shingles import _fold_tables
from lingoloom.filters.minhash.signature import Signer
from lingoloom.schemas.minhash import MinHashSettings
imported = time.perf_counter()
_fold_tables(True, True)
tables = time.perf_counter()
Signer(MinHashSettings()).signatures(["one two three four five six"], [None])
done = time.perf_counter()
print(json.dumps({"import_s": imported - started, "tables_s": tables - imported, "first_call_s": done - tables}))
"""


def startup() -> dict:
    """Seconds to import, build the Unicode tables and make the first call: compiling (empty numba cache), then loading."""
    result = {}
    with tempfile.TemporaryDirectory(prefix="bench_numba_") as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        for run in ("compile", "cached"):
            out = subprocess.run([sys.executable, "-c", STARTUP], check=True, capture_output=True, text=True, env=env)
            result[run] = {k: round(v, 2) for k, v in json.loads(out.stdout.strip().splitlines()[-1]).items()}
    return result


def quality(docs: list[tuple[str, str | None]], seed: int = 7) -> dict:
    """Precision/recall/F1 on generated near-duplicate pairs of real texts, and the recall curve."""
    from lingoloom.filters.minhash.evaluate import predict, recall_by_similarity, scores
    from lingoloom.filters.minhash.neardup import jaccard, near_duplicate
    from lingoloom.schemas.minhash import MinHashSettings

    settings = MinHashSettings()
    rng = random.Random(seed)
    # every other text with at least 150 words, cut to its first 600 words (bounds the generation time)
    texts = [" ".join(t.split()[:600]) for t, _ in docs if len(t.split()) >= 150][::2]
    pairs, curve_pairs = [], []
    for i, text in enumerate(texts):
        # targets whose window [target - 0.03, target] lies at or above Jaccard 0.8
        for target in (0.95, 0.9, 0.86, 0.83):
            b, value = near_duplicate(text, target, rng, settings)
            pairs.append({"a": text, "b": b, "duplicate": value >= 0.8, "jaccard": value})
        for target in (0.7, 0.6, 0.5, 0.3):
            b, value = near_duplicate(text, target, rng, settings)
            curve_pairs.append({"a": text, "b": b, "duplicate": value >= 0.8, "jaccard": value})
        other = texts[(i + 1 + rng.randrange(len(texts) - 1)) % len(texts)]
        pairs.append({"a": text, "b": other, "duplicate": jaccard(text, other, settings) >= 0.8})
    predicted = predict(pairs, settings)
    result = scores(pairs, predicted)
    both = pairs + curve_pairs
    result["linked_by_jaccard"] = recall_by_similarity(both, predict(both, settings))
    result["texts"] = len(texts)
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in result.items()}


# Corpus for the scale runs: numpy-generated random-word documents (50-300 words), 30% of them
# copies of an earlier document of the same part with 1% of their words substituted.
MAKE = """
import sys
from pathlib import Path
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from lingoloom.schemas.record import RECORD_SCHEMA
documents, parts, folder = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
rng = np.random.default_rng(1)
letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
vocab = np.array(["".join(rng.choice(letters, size=rng.integers(2, 11))) for _ in range(20000)], dtype=object)
per_part = documents // parts
for k in range(parts):
    texts, words = [], []
    for i in range(per_part):
        if words and rng.random() < 0.3:
            idx = words[rng.integers(len(words))].copy()
            idx[rng.integers(len(idx), size=max(1, len(idx) // 100))] = rng.integers(len(vocab))
        else:
            idx = rng.integers(len(vocab), size=rng.integers(50, 301))
            words.append(idx)
        texts.append(" ".join(vocab[idx]))
    ids = [f"doc-{k:03d}-{i:07d}" for i in range(per_part)]
    quality = rng.random(per_part)
    table = pa.table({
        "id": ids, "text": texts, "source": ["synthetic"] * per_part, "language": ["eng_Latn"] * per_part,
        "quality": [{"quality_score": float(q)} for q in quality], "content_hash": ids,
    })
    columns = {f.name: table.column(f.name).cast(f.type) if f.name in table.column_names else pa.nulls(per_part, f.type) for f in RECORD_SCHEMA}
    pq.write_table(pa.table(columns, schema=RECORD_SCHEMA), folder / f"part-{k:03d}.parquet", row_group_size=1024)
"""

# Peak RSS from VmHWM (this process image only: ru_maxrss would carry the parent's peak across fork and exec).
DEDUP = """
import json, re, sys, time
from pathlib import Path
from lingoloom.filters.minhash.run_local import run_minhash_local
from lingoloom.schemas.minhash import MinHashSettings
def peak_mb():
    return int(re.search(r"VmHWM:\\s+(\\d+)", Path("/proc/self/status").read_text()).group(1)) / 1024
folder = Path(sys.argv[1])
baseline = peak_mb()
started = time.perf_counter()
stats = run_minhash_local(sorted(str(p) for p in folder.glob("part-*.parquet")), str(folder / "decisions"), str(folder / "work"), MinHashSettings(), 1)
print(json.dumps({"seconds": time.perf_counter() - started, "peak_rss_mb": peak_mb(), "rss_after_imports_mb": baseline, **stats}))
"""


def scale(sizes: list[int]) -> list[dict]:
    """Whole local dedup on synthetic corpora of the given sizes: time, peak RSS, counts."""
    import pyarrow.parquet as pq

    results = []
    for documents in sizes:
        with tempfile.TemporaryDirectory(prefix="bench_minhash_") as tmp:
            parts = max(1, documents // 12500)
            subprocess.run([sys.executable, "-c", MAKE, str(documents), str(parts), tmp], check=True)
            text_mb = 0.0
            for p in Path(tmp).glob("part-*.parquet"):
                text_mb += sum(len(t) for t in pq.read_table(p, columns=["text"]).column("text").to_pylist()) / 2**20
            out = subprocess.run(
                [sys.executable, "-c", DEDUP, tmp], check=True, capture_output=True, text=True, env={**os.environ, "DATATROVE_COLORIZE_LOGS": "0"}
            )
            report = json.loads(out.stdout.strip().splitlines()[-1])
            report["text_mb"] = round(text_mb, 1)
            report["docs_per_s"] = round(documents / report["seconds"], 1)
            results.append({k: (round(v, 2) if isinstance(v, float) else v) for k, v in report.items()})
            print(json.dumps(results[-1]), flush=True)
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--million", action="store_true", help="also dedup 1M synthetic documents (long)")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args(argv if argv is not None else [])
    print("startup:", json.dumps(startup()), flush=True)
    if SHARED.is_dir():
        docs = real_texts(SHARED)
        print("throughput:", json.dumps(throughput(docs, args.repeats)), flush=True)
        print("quality:", json.dumps(quality(docs)), flush=True)
    else:
        print(f"throughput and quality skipped: {SHARED} not found")
    if not args.skip_scale:
        scale([10_000, 100_000] + ([1_000_000] if args.million else []))


if __name__ == "__main__":
    main(sys.argv[1:])
