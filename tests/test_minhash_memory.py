"""MinHash dedup on the local engine stays within its memory setting on a corpus several times larger."""

from __future__ import annotations

import json
import subprocess
import sys

import pyarrow.parquet as pq

from lingoloom.filters.minhash.neardup import synthetic_corpus
from lingoloom.schemas.record import rows_to_table

MEMORY_MB = 8

# Runs in a fresh interpreter: the peak is what tracemalloc sees (Python objects and numpy arrays)
# plus the peak of pyarrow's memory pool, measured from after imports and warm-up to the end.
MEASURE = """
import json, sys, tracemalloc
import pandas  # pyarrow imports it lazily: a one-off cost, not part of the dedup's working set
import pyarrow as pa
from lingoloom.filters.minhash.run_local import run_minhash_local
from lingoloom.filters.minhash.signature import Signer
from lingoloom.schemas.minhash import MinHashSettings
settings = MinHashSettings(memory_mb=int(sys.argv[3]))
Signer(settings).signatures(["warm up the code point tables"] * 4, [None] * 4)
tracemalloc.start()
stats = run_minhash_local(json.loads(sys.argv[1]), sys.argv[2] + "/decisions", sys.argv[2] + "/work", settings, 1)
python_peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"peak_mb": (python_peak + pa.default_memory_pool().max_memory()) / 2**20, "stats": stats}))
"""


def test_corpus_four_times_the_memory_setting_completes_within_it(tmp_path):
    rows = synthetic_corpus(21000, seed=21, duplicate_share=0.2, words=(100, 400))
    text_mb = sum(len(r["text"]) for r in rows) / 2**20
    assert text_mb >= 4 * MEMORY_MB
    paths = []
    for k in range(8):
        path = tmp_path / f"in-{k}.parquet"
        part = [{c: v for c, v in r.items() if not c.startswith("_")} for r in rows[k::8]]
        pq.write_table(rows_to_table(part), path, row_group_size=256)
        paths.append(str(path))
    del rows
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, json.dumps(paths), str(tmp_path), str(MEMORY_MB)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["stats"]["documents"] == 21000
    assert report["stats"]["removed"] > 0.15 * 21000
    assert report["stats"]["partitions"] > 1
    assert report["peak_mb"] <= MEMORY_MB, report
