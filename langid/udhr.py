"""Turn the Universal Declaration of Human Rights corpus into a language-ID test set.

Why it exists: the UDHR (unicode-org/udhr) says the same thing in hundreds of languages and
scripts, which makes it a fair, parallel language-ID benchmark. This loader reads its index
(``udhr_index.tsv``: file, ISO 639-3, ISO 15924, review stage) and writes ``label<TAB>text`` lines
for :func:`lingoloom.langid.evaluate.read_tsv`: only reviewed texts (stage >= 4 by default), only
lines of at least 20 characters (titles such as "Article 1" say nothing about a language). Texts
the index files under the generic Han script ``Hani`` get ``Hans`` or ``Hant`` from their characters.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Iterator

from lingoloom.langid.labels import UNKNOWN, normalize_label
from lingoloom.langid.scripts import han_variant


def udhr_pairs(root: str | Path, min_stage: int = 4, min_chars: int = 20) -> Iterator[tuple[str, str]]:
    """``(canonical label, line)`` for every usable line of the UDHR texts under ``root``.

    ``root`` is the folder holding ``udhr_index.tsv`` and ``udhr/``.
    """
    root = Path(root)
    index = root / "udhr_index.tsv"
    if not index.is_file():
        raise FileNotFoundError(f"{index} not found; point --udhr at the folder holding udhr_index.tsv and udhr/")
    with open(index, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            try:
                stage = int(row.get("stage") or 0)
            except ValueError:
                continue
            if stage < min_stage:
                continue
            path = root / row["file"]
            if not path.is_file():
                continue
            text = path.read_text(encoding="utf-8")
            script = row["iso15924"] or None
            if script == "Hani":  # generic Han: the text itself says Simplified or Traditional
                script = han_variant(text)
            label = normalize_label(row["iso639-3"], script=script)
            if label == UNKNOWN:
                continue
            for line in text.splitlines():
                line = " ".join(line.split())
                if len(line) >= min_chars:
                    yield label, line


def write_udhr_tsv(root: str | Path, out: str | Path, min_stage: int = 4, min_chars: int = 20) -> int:
    """Write the UDHR test set as ``label<TAB>text`` lines to ``out``; returns the number of lines."""
    count = 0
    with open(out, "w", encoding="utf-8") as handle:
        for label, line in udhr_pairs(root, min_stage, min_chars):
            handle.write(f"{label}\t{line}\n")
            count += 1
    return count
