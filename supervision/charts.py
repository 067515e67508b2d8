"""Charts as server-side SVG: the same markup in a page and in a PDF (WeasyPrint draws SVG),
with no script and nothing fetched. Each chart carries a title for screen readers, and the
pages put its numbers in a table beside it."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, BAR, GAP, LABEL = 480, 22, 8, 150
INK, MUTED, ACCENT, LINE = "#1d2733", "#5b6675", "#a3271f", "#d9dee5"


def svg(width, height, title, body):
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}" class="chart">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def text(x, y, content, anchor="start", size=12, fill=INK):
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" fill="{fill}" text-anchor="{anchor}">'
        f"{escape(content)}</text>"
    )


def bars(title, rows, unit="", shown=None):
    """Horizontal bars, one a row of ``(label, value)``; the value is written at its end, as
    ``shown(value)`` gives it when given (money: ``¥450,000.00``, never ``450000`` or the
    ``4.5e+05`` that ``:g`` writes for large figures)."""
    rows = list(rows)
    top = max((value for _label, value in rows), default=0) or 1
    room = WIDTH - LABEL - 60
    body = []
    for index, (label, value) in enumerate(rows):
        y = index * (BAR + GAP)
        length = room * value / top
        body += [
            text(LABEL - 8, y + BAR * 0.7, str(label), anchor="end"),
            f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR}" fill="{ACCENT}"/>',
            text(
                LABEL + length + 6,
                y + BAR * 0.7,
                shown(value) if shown else f"{value:g}{unit}",
                fill=MUTED,
            ),
        ]
    height = max(len(rows), 1) * (BAR + GAP)
    return svg(WIDTH, height, title, "".join(body))


def line(title, points, unit="%", floor=None, ceiling=100):
    """A line over labelled points ``(label, value)``; a missing value (None) breaks it."""
    points = list(points)
    height, left, right, top, bottom = 220, 44, 16, 14, 30
    values = [value for _label, value in points if value is not None]
    low = floor if floor is not None else (min(values, default=0) // 5) * 5
    span = (ceiling - low) or 1
    step = (WIDTH - left - right) / max(len(points) - 1, 1)

    def at(index, value):
        return left + index * step, top + (height - top - bottom) * (ceiling - value) / span

    body = []
    for tick in (low, (low + ceiling) / 2, ceiling):
        _x, y = at(0, tick)
        body += [
            f'<line x1="{left}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{LINE}"/>',
            text(left - 6, y + 4, f"{tick:g}{unit}", anchor="end", size=11, fill=MUTED),
        ]
    drawn = [(at(i, v), v) for i, (_label, v) in enumerate(points) if v is not None]
    if len(drawn) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for (x, y), _v in drawn)
        body.append(f'<polyline points="{path}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
    for (x, y), value in drawn:
        body += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{ACCENT}"/>',
            text(x, y - 8, f"{value:g}", anchor="middle", size=11),
        ]
    for index, (label, _value) in enumerate(points):
        x, _y = at(index, low)
        body.append(text(x, height - 8, str(label), anchor="middle", size=11, fill=MUTED))
    return svg(WIDTH, height, title, "".join(body))
