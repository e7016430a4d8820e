"""PNG plots of the balance report for the dataset card (matplotlib, Agg backend: no display needed).

Why it exists: a reader takes in a skewed language distribution, a filter that hit one
language hard, or a language made of one site faster from a picture than from a table. Three
plots, each answering one question: how much of each language is there (and how much of it
the mixture uses), how much did each stage remove per language, and how concentrated each
language is on a few sites. Each plot is rendered to PNG bytes and written through the output
folder (:class:`~lingoloom.pipelines.storage.OutputFolder`), so the card's pictures land next to
it on a local disk or on ``gs://`` alike.
"""

from __future__ import annotations

import io
from typing import Any, Mapping

from lingoloom.filters.balance.report import FairnessTable
from lingoloom.pipelines.storage import OutputFolder

LANGUAGES_PNG = "stats/languages.png"
REMOVALS_PNG = "stats/removals.png"
CONCENTRATION_PNG = "stats/domains.png"


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _height(n: int) -> float:
    return max(2.8, 0.42 * n + 1.8)


def _legend_below(ax, columns: int) -> None:
    """A legend just under the figure (kept in the PNG by ``bbox_inches="tight"``), never over the bars."""
    legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=ax.figure.transFigure,
                       ncol=columns, fontsize=8, frameon=False)
    legend.set_in_layout(False)


def _png(fig) -> bytes:
    fig.tight_layout()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", bbox_extra_artists=legends)
    _pyplot().close(fig)
    return buffer.getvalue()


def plot_languages(report: Mapping[str, Any]) -> bytes:
    """Horizontal bars: each language's share of estimated tokens (natural) next to its mixture weight."""
    plt = _pyplot()
    plan = report["plan"]["languages"]
    langs = sorted(plan, key=lambda lang: plan[lang]["tokens"])
    natural = [plan[lang]["natural_share"] * 100 for lang in langs]
    weight = [plan[lang]["weight"] * 100 for lang in langs]
    fig, ax = plt.subplots(figsize=(7.5, _height(len(langs))))
    ys = range(len(langs))
    ax.barh([y + 0.2 for y in ys], natural, height=0.4, label="share of clean tokens (natural)", color="#7a9cc6")
    ax.barh([y - 0.2 for y in ys], weight, height=0.4, label=f"mixture weight ({report['plan']['policy']})", color="#e0904a")
    for y, lang in zip(ys, langs):
        ax.text(max(natural[y], weight[y]) + 0.5, y, f"{plan[lang]['documents']:,} docs, ×{plan[lang]['epochs']:.2f}",
                va="center", fontsize=8)
    ax.set_yticks(list(ys), langs)
    ax.set_xlabel("% of tokens (estimated)")
    ax.set_xlim(0, max(natural + weight + [1]) * 1.45)
    ax.set_title("Languages: what the web gave vs. what the mixture uses")
    _legend_below(ax, 2)
    return _png(fig)


def plot_removals(table: FairnessTable) -> bytes:
    """Heatmap: share of each language's documents removed by each stage; outliers outlined."""
    plt = _pyplot()
    langs, stages = table.active_languages(), table.active_stages()
    grid = [[table.removed[lang].get(stage, float("nan")) * 100 for stage in stages] for lang in langs]
    fig, ax = plt.subplots(figsize=(max(5.0, 1.3 * len(stages) + 2.5), _height(len(langs))))
    image = ax.imshow(grid, cmap="Reds", vmin=0, vmax=100, aspect="auto")
    for i, lang in enumerate(langs):
        for j, stage in enumerate(stages):
            value = grid[i][j]
            if value == value:  # not NaN
                flagged = table.is_outlier(lang, stage)
                ax.text(j, i, f"{value:.0f}%{' !' if flagged else ''}", ha="center", va="center", fontsize=8,
                        color="white" if value > 55 else "black", fontweight="bold" if flagged else "normal")
                if flagged:
                    ax.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", linewidth=2))
    ax.set_xticks(range(len(stages)), stages, rotation=30, ha="right")
    ax.set_yticks(range(len(langs)), langs)
    ax.set_title("Share of documents removed, by stage and language (! = outlier)")
    fig.colorbar(image, ax=ax, label="% removed")
    return _png(fig)


def plot_concentration(report: Mapping[str, Any]) -> bytes:
    """Stacked bars per language: share of the top domain, the next nine, and the rest."""
    plt = _pyplot()
    def largest(lang: str) -> float:
        top = report["languages"][lang]["concentration"]["top_domains"]
        return top[0][1] if top else 0.0

    langs = sorted(report["languages"], key=lambda lang: (largest(lang), lang))  # most concentrated on top
    top1, next9, rest, labels = [], [], [], []
    for lang in langs:
        conc = report["languages"][lang]["concentration"]
        shares = [s for _, s in conc["top_domains"]]
        first = shares[0] if shares else 0.0
        top1.append(first * 100)
        next9.append((conc["top10_share"] - first) * 100)
        rest.append(max(0.0, 100 - conc["top10_share"] * 100))
        labels.append(conc["top_domains"][0][0] if conc["top_domains"] else "")
    fig, ax = plt.subplots(figsize=(7.5, _height(len(langs))))
    ys = list(range(len(langs)))
    ax.barh(ys, top1, color="#b8433a", label="largest domain")
    ax.barh(ys, next9, left=top1, color="#e9a23b", label="next 9 domains")
    ax.barh(ys, rest, left=[a + b for a, b in zip(top1, next9)], color="#9cc089", label="all other domains")
    for y, (share, name, lang) in enumerate(zip(top1, labels, langs)):
        domains = report["languages"][lang]["concentration"]["domains"]
        ax.text(101, y, f"{name} ({share:.0f}%), {domains:,} domain{'s' if domains != 1 else ''}", va="center", fontsize=8)
    ax.set_yticks(ys, langs)
    ax.set_xlim(0, 160)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xlabel("% of the language's documents")
    ax.set_title("Domain concentration per language")
    _legend_below(ax, 3)
    return _png(fig)


def write_plots(folder: OutputFolder, report: Mapping[str, Any], table: FairnessTable) -> dict[str, str]:
    """Write the PNGs under ``stats/`` of ``folder``; returns ``{name: path relative to the folder}``."""
    written = {
        "languages": folder.write(LANGUAGES_PNG, plot_languages(report)),
        "concentration": folder.write(CONCENTRATION_PNG, plot_concentration(report)),
    }
    if table.active_stages():
        written["removals"] = folder.write(REMOVALS_PNG, plot_removals(table))
    return written
