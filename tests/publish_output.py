"""Build a small but real lingoloom output folder for publish tests: Parquet shards, card, manifest.

Why it exists: publishing must be tested on the layout the pipeline writes (``data/<lang>/train-*``
Parquet of the record schema, a README with one config per language, a manifest listing every file
with size and sha256) without running the whole pipeline in every test.
"""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pyarrow.parquet as pq
import yaml

from lingoloom.schemas.record import rows_to_table

#: language -> (number of shards, rows per shard, characters per row)
DEFAULT_LAYOUT = {"vie_Latn": (2, 20, 300), "cmn_Hans": (1, 15, 200), "arb_Arab": (1, 400, 600)}
ALPHABETS = {"vie_Latn": "aăâbcdđeêghiklmnoôơpqrstuưvxy ", "cmn_Hans": "的一是不了人我在有他这中大来上国个到说们 ", "arb_Arab": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي "}


def write_output(root: Path, layout: dict[str, tuple[int, int, int]] | None = None, seed: int = 0) -> Path:
    """Write an output folder under ``root`` and return it. ``arb_Arab`` is big enough for multipart LFS."""
    layout = layout or DEFAULT_LAYOUT
    rng = random.Random(seed)
    out = root / "out"
    for lang, (shards, rows, chars) in layout.items():
        for k in range(shards):
            records = []
            for i in range(rows):
                text = "".join(rng.choice(ALPHABETS[lang]) for _ in range(chars))
                records.append(
                    {
                        "id": f"{lang}-{k}-{i}",
                        "text": text,
                        "source": "test",
                        "language": lang,
                        "url": f"https://example.{lang[:2]}/{k}/{i}",
                        "content_hash": hashlib.sha1(text.encode()).hexdigest(),
                    }
                )
            path = out / "data" / lang / f"train-{k:05d}-of-{shards:05d}.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(rows_to_table(records), path, compression="zstd")
    (out / "stats").mkdir(parents=True, exist_ok=True)
    (out / "stats" / "counts.json").write_text(json.dumps({lang: v[0] * v[1] for lang, v in layout.items()}))
    (out / "work" / "records").mkdir(parents=True, exist_ok=True)
    (out / "work" / "records" / "intermediate.parquet").write_bytes(b"not published")
    front = {
        "language": ["vi", "zh", "ar"],
        "license": "odc-by",
        "task_categories": ["text-generation"],
        "configs": [
            {"config_name": lang, "data_files": [{"split": "train", "path": f"data/{lang}/*.parquet"}]}
            for lang in layout
        ],
    }
    (out / "README.md").write_text(f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n\n# Test dataset\n")
    write_manifest(out)
    return out


def write_manifest(out: Path) -> None:
    """(Re)write ``manifest.json`` listing data, stats and the card with size and sha256."""
    files = []
    for path in sorted([*out.glob("data/*/*.parquet"), *out.glob("stats/*"), out / "README.md"]):
        files.append(
            {"path": path.relative_to(out).as_posix(), "size": path.stat().st_size, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}
        )
    (out / "manifest.json").write_text(json.dumps({"run": "test", "files": files}, indent=1))
