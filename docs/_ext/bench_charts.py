"""Charts of the benchmarks, drawn from what ``python3 dev.py bench`` prints.

``bench/`` writes its results to standard output only: a ``# module`` line per
module, a ``## workload`` line per workload, then one line per contender,
``label  12,345 ops/s  manouche x1.23 ...``, Manouche first. This module reads
that text and draws one SVG bar chart per workload (no plotting library: the
SVG is written by hand). It is both a script and the Sphinx extension that
redraws the charts of ``docs/bench/results.txt`` on every build::

    python3 dev.py bench > docs/bench/results.txt      # measure (minutes)
    python3 docs/_ext/bench_charts.py docs/bench/results.txt out/   # draw only
"""

from __future__ import annotations

import html
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_RATE = re.compile(r"^  (?P<label>.+?)\s+(?P<rate>[\d,]+) ops/s(?P<rest>.*)$")
_ERROR = re.compile(r"^  (?P<label>.+?)\s+error: (?P<error>.*)$")


@dataclass
class Result:
    module: str
    workload: str
    rates: dict[str, float] = field(default_factory=dict)  # Manouche first
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return re.sub(r"[^a-z0-9]+", "-", f"{self.module} {self.workload}".lower()).strip("-")


def parse(text: str) -> tuple[str, list[Result]]:
    """The header line and every workload of a bench run's output."""
    header = ""
    module = ""
    results: list[Result] = []
    for line in text.splitlines():
        if line.startswith("# Manouche benchmarks"):
            header = line[2:].strip()
        elif line.startswith("## "):
            results.append(Result(module, line[3:].strip()))
        elif line.startswith("# "):
            module = line[2:].strip()
        elif results and (m := _RATE.match(line)):
            results[-1].rates[m.group("label").strip()] = float(m.group("rate").replace(",", ""))
        elif results and (m := _ERROR.match(line)):
            results[-1].errors[m.group("label").strip()] = m.group("error").strip()
    return header, [r for r in results if r.rates]


def _fmt(rate: float) -> str:
    for unit, size in (("M", 1e6), ("k", 1e3)):
        if rate >= size:
            return f"{rate / size:.3g}{unit}"
    return f"{rate:.3g}"


def svg(result: Result) -> str:
    """A horizontal bar chart: operations per second of each contender, Manouche first."""
    bar_h, gap, left, width = 22, 8, 230, 360
    rows = list(result.rates.items())
    top = 34
    height = top + len(rows) * (bar_h + gap) + 10
    peak = max(result.rates.values()) or 1.0
    ours = rows[0][1]
    title = html.escape(f"{result.module}: {result.workload}")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {left + width + 200} {height}"'
        f' role="img" aria-label="{title}" font-family="system-ui, sans-serif" font-size="13">',
        f"<title>{title} (operations per second, higher is better)</title>",
        f'<text x="4" y="18" font-weight="bold" fill="#333">{title}</text>',
    ]
    for index, (label, rate) in enumerate(rows):
        y = top + index * (bar_h + gap)
        w = max(1.0, width * rate / peak)
        colour = "#2a7ab0" if index == 0 else "#9aa5b1"
        note = "" if index == 0 else f" (Manouche x{ours / rate:.2f})" if rate else ""
        out += [
            f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" fill="#333">'
            f"{html.escape(label)}</text>",
            f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{colour}"/>',
            f'<text x="{left + w + 6:.1f}" y="{y + 15}" fill="#333">'
            f"{_fmt(rate)}/s{html.escape(note)}</text>",
        ]
    out.append("</svg>")
    return "\n".join(out) + "\n"


def draw(results_file: Path, out_dir: Path) -> tuple[str, list[Result]]:
    """Write ``<slug>.svg`` for every workload of ``results_file`` into ``out_dir``."""
    header, results = parse(results_file.read_text(encoding="utf-8"))
    out_dir.mkdir(parents=True, exist_ok=True)
    for result in results:
        target = out_dir / f"{result.slug}.svg"
        content = svg(result)
        if not target.exists() or target.read_text(encoding="utf-8") != content:
            target.write_text(content, encoding="utf-8")
    return header, results


# -- the Sphinx side ---------------------------------------------------------


def _directive() -> Any:
    from docutils import nodes
    from sphinx.util.docutils import SphinxDirective

    class BenchCharts(SphinxDirective):
        """``.. bench-charts:: bench/results.txt``: per module, a table and a chart per workload."""

        required_arguments = 1

        def run(self) -> list[nodes.Node]:
            source = Path(self.env.srcdir) / self.arguments[0]
            if not source.exists():
                raise self.error(f"bench-charts: {self.arguments[0]} does not exist")
            self.env.note_dependency(str(source))
            header, results = draw(source, Path(self.env.srcdir) / "_generated" / "bench")
            if not results:
                raise self.error(f"bench-charts: no workload in {self.arguments[0]}")
            found: list[nodes.Node] = [nodes.paragraph(text=f"Measured: {header}.")]
            module = None
            for result in results:
                if result.module != module:
                    module = result.module
                    section = nodes.section(ids=[f"bench-{module}"])
                    section += nodes.title(text=f"bench/{module}.py")
                    found.append(section)
                sub = nodes.rubric(text=result.workload)
                section += sub
                ours = next(iter(result.rates.values()))
                rows = [
                    (label, f"{rate:,.0f}", "" if i == 0 else f"x{ours / rate:.2f}")
                    for i, (label, rate) in enumerate(result.rates.items())
                ]
                rows += [(label, error, "") for label, error in result.errors.items()]
                section += _table(("contender", "ops/s", "Manouche's ratio"), rows)
                image = nodes.image(
                    uri=f"/_generated/bench/{result.slug}.svg",
                    alt=f"{result.module}: {result.workload}",
                )
                section += image
            return found

    def _table(head: tuple[str, ...], rows: list[tuple[str, ...]]) -> nodes.table:
        table = nodes.table()
        group = nodes.tgroup(cols=len(head))
        table += group
        for _ in head:
            group += nodes.colspec(colwidth=1)
        thead = nodes.thead()
        group += thead
        tbody = nodes.tbody()
        group += tbody
        for cells, parent in [(head, thead)] + [(row, tbody) for row in rows]:
            row_node = nodes.row()
            for cell in cells:
                entry = nodes.entry()
                entry += nodes.paragraph(text=cell)
                row_node += entry
            parent += row_node
        return table

    return BenchCharts


def setup(app: Any) -> dict[str, Any]:
    app.add_directive("bench-charts", _directive())
    return {"parallel_read_safe": True, "parallel_write_safe": True}


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_charts.py RESULTS.txt OUT_DIR")
    _, drawn = draw(Path(sys.argv[1]), Path(sys.argv[2]))
    print(f"{len(drawn)} chart(s) in {sys.argv[2]}")
