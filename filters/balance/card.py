"""The balance sections of the dataset card: mixture, findings, removals by language, limitations.

Why it exists: the card must show the mixture as a decision (policy, weights, repeats), make a
language dominated by one site or by religious text visible, show which languages the filters
hit hardest, and write the dataset's limitations from what was measured rather than from a
template. This module turns ``stats/balance.json`` (written by the engine's balance stage) and the
run's stats into Markdown and PNGs, reading and writing only through the output folder
(:class:`~lingoloom.pipelines.storage.OutputFolder`, local or ``gs://``); shard sizes come from the
files' measurements (``stats/shards.json``). :mod:`lingoloom.pipelines.card` places the sections in
the README.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from lingoloom.filters.balance.local import BALANCE_REPORT, MIX_DIR
from lingoloom.filters.balance.plots import write_plots
from lingoloom.filters.balance.report import FairnessTable, fairness_table
from lingoloom.filters.balance.sources import SOURCE_TYPES
from lingoloom.filters.balance.tokens import CHARS_PER_TOKEN, chars_per_token
from lingoloom.pipelines.report import MIX_CONFIG_NAME, language_entries
from lingoloom.pipelines.storage import OutputFolder
from lingoloom.schemas.balance import BalanceSettings

#: Thresholds above which a finding is written into the card.
ONE_SITE_SHARE = 0.3
TOP10_SHARE = 0.9
FEW_DOMAINS = 10
SOURCE_TYPE_SHARE = {"religious": 0.25, "government": 0.4, "commerce": 0.3, "encyclopedia": 0.5}
FEW_DOCUMENTS = 100


def load_balance_report(folder: OutputFolder) -> dict[str, Any] | None:
    """``stats/balance.json`` of an output folder, or None when balance did not run."""
    relative = BALANCE_REPORT.as_posix()
    return json.loads(folder.read(relative)) if folder.exists(relative) else None


def _pct(x: float) -> str:
    return f"{x:.0%}" if x >= 0.01 or x == 0 else f"{x:.1%}"


def _subject(subject: str) -> str:
    return subject if " " in subject else f"`{subject}`"


def _bytes(n: int) -> str:
    for unit, size in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{n} B"


def _tokens(n: float) -> str:
    for unit, size in (("B", 1e9), ("M", 1e6), ("k", 1e3)):
        if n >= size:
            return f"{n / size:.1f}{unit}"
    return f"{n:.0f}"


def mixture_section(report: Mapping[str, Any], sizes: Mapping[str, int], mix: bool) -> str:
    """Policy, per-language table (documents, estimated tokens, Parquet ``sizes``, shares, weight, epochs) and
    how to use it (the ``mix`` config when it was materialised, else the weights to sample with)."""
    settings, plan = report["settings"], report["plan"]
    langs = sorted(plan["languages"].values(), key=lambda p: -p["tokens"])
    policy = plan["policy"]
    detail = {
        "natural": "every language in proportion to its tokens",
        "temperature": f"p ∝ n^(1/T) with T = {settings['temperature']}",
        "unimax": "a uniform token budget per language",
        "quotas": "the shares set in the run definition",
    }[policy]
    rows = ["| config | documents | est. tokens | Parquet size | share of tokens | mixture weight | epochs | capped domains |",
            "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for p in langs:
        size = sizes.get(p["language"], 0)
        rows.append(
            f"| `{p['language']}` | {p['documents']:,} | {_tokens(p['tokens'])} | {_bytes(size)} | {_pct(p['natural_share'])} | "
            f"**{_pct(p['weight'])}** | ×{p['epochs']:.2f} | {p['capped_domains']} |"
        )
    scripts = sorted({lang.split("_", 1)[-1] for lang in plan["languages"] if "_" in lang})
    cpt = ", ".join(f"{s} {chars_per_token('x_' + s, settings['chars_per_token']):g}" for s in scripts if s in CHARS_PER_TOKEN)
    weights = {p["language"]: round(p["weight"], 4) for p in langs if p["weight"] > 0}
    cap = f"; no registered domain above {settings['domain_cap']:.0%} of a language's tokens" if settings["domain_cap"] else ""
    budget = "the clean corpus's own size" if settings["token_budget"] is None else f"{_tokens(plan['token_budget'])} tokens"
    usage = (
        "It is materialised as the **`mix` config**: each sampled document appears once, with a `repeats` column "
        "saying how many times to use it (up-sampling is a count, never duplicated rows)."
        if mix
        else "To draw it yourself, sample each language config with these weights:\n\n"
        f"```python\nweights = {json.dumps(weights)}\n```"
    )
    return f"""## Mixture

The published configs keep **every** clean document. The training mixture is a separate, explicit
decision: policy **`{policy}`** ({detail}), a budget of {budget}, at most ×{settings['max_epochs']:g} repeats
of any text{cap}, seed {settings['seed']}. *Weight* is a language's share of the mixture's tokens; *epochs* is
how often its text is used on average (above 1: documents repeated; below 1: sub-sampled, chosen by a hash
of the document id and the seed, so the same documents every time).

{chr(10).join(rows)}

Tokens are estimated from characters per script (characters per token: {cpt or 'default 3'}), so
shares compare languages fairly across writing systems without depending on one tokenizer.

{usage}
"""


def findings(report: Mapping[str, Any], table: FairnessTable | None) -> list[tuple[str, str]]:
    """Measured findings as ``(subject, finding)`` (subject: a language or "all languages"), most important first."""
    out: list[tuple[str, str]] = []
    plan = report["plan"]
    sizes = [info["documents"] for info in report["languages"].values()]
    tiny = bool(sizes) and max(sizes) < FEW_DOCUMENTS
    if tiny:
        out.append(("All languages", f"at most {max(sizes):,} documents each, too few for these shares and "
                                     "findings to be more than an illustration"))
    corpus: dict[str, float] = {}
    for info in report["languages"].values():
        for domain, share in info["concentration"]["top_domains"]:
            corpus[domain] = corpus.get(domain, 0.0) + share * info["documents"]
    if corpus and sum(sizes) and len(report["languages"]) > 1:
        domain, docs = max(corpus.items(), key=lambda kv: (kv[1], kv[0]))
        if docs / sum(sizes) >= ONE_SITE_SHARE:
            out.append(("All languages", f"{_pct(docs / sum(sizes))} of all documents come from one site, `{domain}`"))
    for lang, info in sorted(report["languages"].items()):
        conc = info["concentration"]
        top = conc["top_domains"][0] if conc["top_domains"] else None
        if top and top[1] >= ONE_SITE_SHARE and info["documents"] >= 5:
            out.append((lang, f"{_pct(top[1])} of the documents come from one site, `{top[0]}`"))
        elif conc["top10_share"] >= TOP10_SHARE and conc["domains"] > FEW_DOMAINS:
            out.append((lang, f"ten sites hold {_pct(conc['top10_share'])} of the documents"))
        if 0 < conc["domains"] < FEW_DOMAINS and info["documents"] >= FEW_DOMAINS:
            out.append((lang, f"all {info['documents']:,} documents come from only {conc['domains']} domains"))
        for kind, limit in SOURCE_TYPE_SHARE.items():
            share = info["source_types"].get(kind, 0.0)
            if share >= limit:
                out.append((lang, f"{_pct(share)} of the documents are {kind} pages (by URL)"))
        lp = plan["languages"].get(lang)
        if lp and info["documents"] < FEW_DOCUMENTS and not tiny:
            repeated = f"; the mixture repeats them ×{lp['epochs']:.2f}" if lp["epochs"] > 1 else ""
            out.append((lang, f"only {info['documents']:,} documents{repeated}"))
        elif lp and lp["epochs"] >= plan["max_epochs"] - 1e-9 and plan["policy"] != "natural":
            out.append((lang, f"reached the cap of ×{plan['max_epochs']:g} repeats: the mixture wanted more of it"))
    for o in table.outliers if table else []:
        out.append((o.language, f"the `{o.stage}` stage removed {_pct(o.share)} of its documents, "
                                f"against a median of {_pct(o.median)} across languages"))
    return out


def findings_section(report: Mapping[str, Any], table: FairnessTable | None, plots: Mapping[str, str]) -> str:
    """Per-language domain concentration, ccTLD spread and source types, with the findings."""
    rows = ["| config | domains | largest domain | top-10 share | entropy (norm.) | ccTLD share | top TLDs | main source types |",
            "|---|---:|---|---:|---:|---:|---|---|"]
    for lang, info in sorted(report["languages"].items()):
        conc, tld = info["concentration"], info["tld"]
        top = conc["top_domains"][0] if conc["top_domains"] else ("–", 0.0)
        tlds = ", ".join(f".{t} {_pct(s)}" for t, s in tld["top_tlds"][:3]) or "–"
        kinds = sorted(((k, s) for k, s in info["source_types"].items() if s > 0), key=lambda ks: (-ks[1], SOURCE_TYPES.index(ks[0])))
        rows.append(
            f"| `{lang}` | {conc['domains']:,} | `{top[0]}` ({_pct(top[1])}) | {_pct(conc['top10_share'])} | "
            f"{conc['entropy_bits']:.1f} bits ({conc['normalized_entropy']:.2f}) | {_pct(tld['cctld_share'])} | {tlds} | "
            f"{', '.join(f'{k} {_pct(s)}' for k, s in kinds[:3])} |"
        )
    found = findings(report, table)
    listed = (
        "\n".join(f"- {_subject(lang)}: {text}." for lang, text in found)
        if found
        else "- No language is dominated by one site or one kind of source."
    )
    plot = f"\n![Domain concentration per language]({plots['concentration']})\n" if "concentration" in plots else ""
    return f"""## Balance findings

Where each language's text comes from, by registered domain, country-code TLD and source type
(source types from URL and host conventions: news, forum, encyclopedia, religious, government,
commerce; everything else is *other*). Entropy is over domains; *norm.* divides by its maximum
(1 = spread evenly over all domains, 0 = one site).

{chr(10).join(rows)}

{listed}
{plot}"""


def removals_section(table: FairnessTable, plots: Mapping[str, str]) -> str:
    """Share removed per stage and language; outliers (far above the median) marked."""
    stages = table.active_stages()
    header = "| config | " + " | ".join(stages) + " |"
    rows = [header, "|---|" + "---:|" * len(stages)]
    for lang in table.active_languages():
        cells = []
        for stage in stages:
            if stage not in table.removed[lang]:
                cells.append("–")
                continue
            share, n = table.removed[lang][stage], table.entering[lang][stage]
            cell = f"{_pct(share)} of {n:,}"
            cells.append(f"**{cell} ⚠**" if table.is_outlier(lang, stage) else cell)
        rows.append(f"| `{lang}` | " + " | ".join(cells) + " |")
    plot = f"\n![Share removed by stage and language]({plots['removals']})\n" if "removals" in plots else ""
    note = (
        "⚠ marks a language whose removal share at a stage is far above the median of the other languages: "
        "the filter may be unfair to it (thresholds that do not fit the language) or its web text may be noisier."
        if table.outliers
        else "No language was removed at a rate far above the others at any stage."
    )
    return f"""## Removals by stage and language

Share of each language's documents that each stage removed ("of N": documents of that language entering
the stage; stages that removed nothing are left out). Documents are attributed to a language once language
identification has run; `und` holds those without one.

{chr(10).join(rows)}

{note}
{plot}"""


def limitations_section(report: Mapping[str, Any], table: FairnessTable | None) -> str:
    """Limitations and known biases, from the measured findings first, then the method's known limits."""
    by_language: dict[str, list[str]] = {}
    for lang, text in findings(report, table):
        by_language.setdefault(lang, []).append(text)
    lines = [f"- {_subject(lang)}: {'; '.join(texts)}." for lang, texts in by_language.items()]
    if not lines:
        lines = ["- No language is dominated by one site or source type, and no filter hit one language far harder."]
    lines += [
        "- Language identification (the models under *Models and licences*) confuses closely related languages and "
        "varieties and is weak on short texts and on languages it was not trained on; such text is mislabelled or "
        "left out.",
        "- Source types come from URL conventions and miss sites that do not follow them; treat them as lower bounds.",
        "- Token counts are estimates from characters per script; real counts depend on the tokenizer you train with.",
        "- Web text over-represents some countries, topics and registers; small languages on the web are often "
        "dominated by a few sites (religious texts, government portals, one encyclopedia).",
    ]
    return "## Limitations and known biases\n\nMeasured in this dataset, then known limits of the method:\n\n" + "\n".join(lines) + "\n"


def balance_sections(folder: OutputFolder, entries: Sequence[Mapping[str, Any]],
                     stats: Mapping[str, Mapping[str, int]], stages: Sequence[str]) -> str:
    """All balance sections of the card (with their PNGs written under ``stats/``); empty if balance did not run.

    ``entries`` are the measurements of the published files (:func:`lingoloom.pipelines.report.measure_parquet`).
    """
    report = load_balance_report(folder)
    if report is None:
        return ""
    settings = report["settings"]
    table = fairness_table(stats, stages, ratio=settings["outlier_ratio"], min_gap=settings["outlier_min_gap"])
    plots = write_plots(folder, report, table)
    sizes = {lang: sum(e["size"] for e in files) for lang, files in language_entries(entries).items()}
    mix = any(e["config"] == MIX_CONFIG_NAME for e in entries)
    languages_plot = f"\n![Languages: natural share and mixture weight]({plots['languages']})\n"
    parts = [mixture_section(report, sizes, mix) + languages_plot, findings_section(report, table, plots)]
    if table.active_stages():
        parts.append(removals_section(table, plots))
    parts.append(limitations_section(report, table))
    return "\n".join(parts)


@dataclass(frozen=True)
class BalanceCard:
    """What balance adds to the card: Markdown sections and extra configs (``mix``)."""

    sections: str = ""
    configs: tuple[dict[str, Any], ...] = ()


MIX_CONFIG = {"config_name": MIX_CONFIG_NAME, "data_files": [{"split": "train", "path": f"{MIX_DIR.as_posix()}/*.parquet"}]}


def balance_for_card(settings: BalanceSettings, folder: OutputFolder, entries: Sequence[Mapping[str, Any]],
                     stats: Mapping[str, Mapping[str, int]], stages: Sequence[str]) -> BalanceCard:
    """The balance card sections and the ``mix`` config of a run whose engine ran the balance stage.

    Reads ``stats/balance.json`` and writes the PNGs through ``folder``; nothing when balance is off or
    nothing was published.
    """
    if not settings.enabled or not language_entries(entries):
        return BalanceCard()
    mix = any(e["config"] == MIX_CONFIG_NAME for e in entries)
    return BalanceCard(balance_sections(folder, entries, stats, stages), (MIX_CONFIG,) if mix else ())
