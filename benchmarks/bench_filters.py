"""Quality filters: our one-pass filter stack vs datatrove's stock filters run one after another.

Same documents, same parameters, same word tokens, same process: datatrove's
GopherQualityFilter -> GopherRepetitionFilter -> FineWebQualityFilter chained as a datatrove
pipeline, against lingoloom's QualityFilter (tokenise once, shared splits, n-grams as slices)
with the same rules only (boilerplate, C4, PII off). datatrove's filters get datatrove's own
word tokenizer for the language; ours gets the same tokens faster (spaCy: tokenizer only, its
caches kept across documents instead of a memory zone per call). Our tokenizers' caches are emptied
before every timed run (outside the timing), so no run profits from the one before. Decisions are compared document by
document and must be identical; the report gives median wall and CPU seconds over repeats,
documents per second and the speed-up by each (CPU time is steadier on a shared machine).

Inputs: English article texts (Article Extraction Benchmark gold + newspaper4k) plus junk
variants of them, and the UDHR in every seed-pack language (stock filters built with that pack's
thresholds and tokenizer: our script tokenizer is a datatrove ``WordTokenizer`` too). Needs
``../shared/data``.

    .venv/bin/python -m benchmarks.run_all filters
"""

from __future__ import annotations

import copy
import csv
import json
import os
import random
import statistics
import time
from pathlib import Path

from datatrove.data import Document
from datatrove.pipeline.filters import FineWebQualityFilter, GopherQualityFilter, GopherRepetitionFilter
from datatrove.utils.word_tokenizers import SpaCyTokenizer

from lingoloom.filters.heuristics import DATATROVE_REASONS
from lingoloom.filters.packs import available_packs
from lingoloom.filters.quality import QualityFilter
from lingoloom.filters.tokenize import tokenizer_for_pack
from lingoloom.pipelines.steps import run_steps
from lingoloom.schemas.language_pack import LanguagePack
from lingoloom.schemas.quality import QualitySettings

SHARED = Path(os.environ.get("LINGOLOOM_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
REPEATS = 3
RULES_ONLY = QualitySettings(boilerplate_lines=False, c4_line_filters="off", pii_redaction=[])


def english_documents() -> list[Document]:
    gold = json.loads((SHARED / "extraction/scrapinghub_aeb/ground-truth.json").read_text(encoding="utf-8"))
    texts = [item["articleBody"] for item in gold.values() if item.get("articleBody")]
    texts += [p.read_text(encoding="utf-8") for p in sorted((SHARED / "extraction/newspaper4k/txt").glob("*.txt"))]
    rng = random.Random(7)
    junk = []
    for text in texts[:60]:
        lines = [line for line in text.splitlines() if line.strip()]
        words = text.split()
        if lines and words:
            junk += ["\n".join(lines[:3] * 6), "\n".join(rng.sample(words, min(len(words), 120))), " ".join(words[:40])]
    return [Document(text=t, id=str(i), metadata={"language": "eng_Latn"}) for i, t in enumerate(texts + junk)]


def udhr_documents(packs: dict[str, LanguagePack]) -> list[Document]:
    docs = []
    with open(SHARED / "langid/udhr_index.tsv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            label = f"{row['iso639-3']}_{row['iso15924']}"
            path = SHARED / "langid/udhr" / f"{row['f']}.txt"
            if label in packs and label != "eng_Latn" and int(row["stage"]) >= 4 and path.is_file():
                docs.append(Document(text=path.read_text(encoding="utf-8"), id=row["f"], metadata={"language": label}))
    return docs


def stock_chain(pack: LanguagePack):
    """datatrove's three filters with the pack's parameters and datatrove's own tokenizer for the language."""
    resolved = tokenizer_for_pack(pack)
    tokenizer = getattr(resolved, "stock", resolved)  # our fast spaCy path wraps datatrove's tokenizer
    if isinstance(tokenizer, SpaCyTokenizer):
        # its own spaCy pipeline: sharing ours would let it reuse the lexemes of our memory zone
        tokenizer = copy.copy(tokenizer)
        tokenizer._tokenizer = None
    gq = pack.gopher_quality.model_dump()
    gr = pack.gopher_repetition
    fw = pack.fineweb_quality.model_dump()
    return [
        GopherQualityFilter(**gq, stop_words=pack.stopwords, language=tokenizer),
        GopherRepetitionFilter(
            dup_line_frac=gr.dup_line_frac, dup_para_frac=gr.dup_para_frac, dup_line_char_frac=gr.dup_line_char_frac,
            dup_para_char_frac=gr.dup_para_char_frac, top_n_grams=[tuple(x) for x in gr.top_n_grams],
            dup_n_grams=[tuple(x) for x in gr.dup_n_grams], language=tokenizer,
        ),
        FineWebQualityFilter(**fw, language=tokenizer),
    ]


def timed(fn) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process): the machine is shared, CPU time is the steadier cost."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def compare(name: str, docs: list[Document], packs: dict[str, LanguagePack]) -> dict:
    labels = sorted({d.metadata["language"] for d in docs})
    chains = {label: stock_chain(packs[label]) for label in labels}
    ours = QualityFilter(RULES_ONLY)

    def run_stock():
        out = {}
        for label, chain in chains.items():
            subset = (Document(text=d.text, id=d.id, metadata=dict(d.metadata)) for d in docs if d.metadata["language"] == label)
            out.update({d.id: None for d in run_steps(chain, subset)})
        return out

    def run_ours():
        copies = [Document(text=d.text, id=d.id, metadata=dict(d.metadata)) for d in docs]
        return {d.id: None for d in run_steps([ours], copies)}

    def reset_ours():
        for ctx in ours._contexts.values():
            if hasattr(ctx.tokenizer, "reset"):
                ctx.tokenizer.reset()

    kept_stock, kept_ours = run_stock(), run_ours()  # warm-up: tokenizers load here
    stock_times, our_times = [], []
    for _ in range(REPEATS):  # alternate, so that machine noise hits both sides alike
        stock_times.append(timed(run_stock))
        reset_ours()  # empty caches, outside the timed region (building a pipeline is a one-off per worker)
        our_times.append(timed(run_ours))

    reasons_ours = {d.id: ours.process(Document(text=d.text, id=d.id, metadata=dict(d.metadata))) for d in docs}
    reasons_stock = {}
    for label, (gq, gr, fw) in chains.items():
        for d in docs:
            if d.metadata["language"] != label:
                continue
            reason = None
            for family, flt in (("gopher_quality", gq), ("gopher_repetition", gr), ("fineweb_quality", fw)):
                result = flt.filter(Document(text=d.text, id=d.id, metadata=dict(d.metadata)))
                if result is not True:
                    reason = f"{family}:{DATATROVE_REASONS.get(result[1], result[1])}"
                    break
            reasons_stock[d.id] = reason
    mismatched = [i for i in reasons_ours if reasons_ours[i] != reasons_stock[i]]
    for i in mismatched[:5]:
        language = next(d.metadata["language"] for d in docs if d.id == i)
        print(f"  differs: {i} ({language}) ours={reasons_ours[i]} stock={reasons_stock[i]}", flush=True)
    mismatches = len(mismatched)
    stock_s, ours_s = (statistics.median(t[0] for t in times) for times in (stock_times, our_times))
    stock_cpu, ours_cpu = (statistics.median(t[1] for t in times) for times in (stock_times, our_times))
    row = {
        "set": name, "documents": len(docs), "languages": len(labels),
        "kept": len(kept_ours), "kept_stock": len(kept_stock), "decision_mismatches": mismatches,
        "stock_s": round(stock_s, 3), "ours_s": round(ours_s, 3),
        "stock_docs_per_s": round(len(docs) / stock_s, 1), "ours_docs_per_s": round(len(docs) / ours_s, 1),
        "speedup": round(stock_s / ours_s, 2),
        "stock_cpu_s": round(stock_cpu, 3), "ours_cpu_s": round(ours_cpu, 3), "speedup_cpu": round(stock_cpu / ours_cpu, 2),
    }
    print(json.dumps(row, ensure_ascii=False), flush=True)
    return row


def main() -> None:
    if not SHARED.is_dir():
        print(f"skipped: reference data not found at {SHARED}")
        return
    packs = available_packs()
    print(f"filters benchmark: median of {REPEATS} runs, same process, same tokenizers and thresholds")
    compare("english (AEB + newspaper4k + junk)", english_documents(), packs)
    compare("udhr, every seed-pack language", udhr_documents(packs), packs)


if __name__ == "__main__":
    main()
