"""Charts drawn as SVG on the server (no scripts): progress over time."""

from __future__ import annotations

from html import escape

from nohaven.policy.gaps import Progress

PALETTE = ("#1f5f8b", "#a6361c", "#5fa8a0", "#e08a2c", "#6a4c93", "#3b3b3b", "#b8860b")


def progress_chart(progress: Progress, keys: list[str], *, width: int = 720) -> str:
    """A line per criterion: how many countries met it at the end of each year."""
    height, left, right, top, bottom = 320, 48, 190, 16, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    years = progress.years
    peak = max([1, *(n for k in keys for n in progress.met[k])])
    step = max(1, -(-peak // 5))
    ymax = step * 5

    def x(i: int) -> float:
        return left + (plot_w * i / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(n: int) -> float:
        return top + plot_h - plot_h * n / ymax

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'class="chart" role="img" aria-labelledby="progress-title">'
        f'<title id="progress-title">Countries meeting each criterion, '
        f"{years[0]}–{years[-1]}</title>",
        '<g font-family="sans-serif" font-size="11" fill="#333">',
    ]
    for tick in range(0, ymax + 1, step):
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#e3e3e3"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    for i, year in enumerate(years):
        parts.append(
            f'<text x="{x(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle">{year}</text>'
        )
    for n, key in enumerate(keys):
        colour = PALETTE[n % len(PALETTE)]
        points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(progress.met[key]))
        parts.append(
            f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{points}"/>'
        )
        for i, v in enumerate(progress.met[key]):
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3.5" fill="{colour}">'
                f"<title>{escape(key)} {years[i]}: {v}</title></circle>"
            )
        ly = top + 14 + n * 18
        parts.append(
            f'<rect x="{left + plot_w + 14}" y="{ly - 9}" width="12" height="12" '
            f'fill="{colour}"/><text x="{left + plot_w + 32}" y="{ly + 1}">'
            f"{escape(key.replace('_', ' '))}</text>"
        )
    parts.append("</g></svg>")
    return "".join(parts)
