"""Tables of figures as the pages show them: small numbers hidden where the reader may not see them, and charts.

A `Table` is a breakdown: rows (a label each) by columns (registered, attended, ...), one count per cell and a
total per column. `suppress` hides small numbers for readers who may not see exact figures; `bar_chart` turns a
column into the geometry of a server-drawn SVG bar chart (the template draws it with classes, no inline style).
"""

from dataclasses import dataclass, field

from forum_portal.small_numbers import SMALL_NUMBER, Cell, hide_column

__all__ = ["SMALL_NUMBER", "Cell", "hide_column"]  # re-exported: reports read them from here


@dataclass
class Row:
    label: str
    cells: list[Cell]
    key: object = None


@dataclass
class Table:
    """A breakdown: `rows` by `columns`, with a total per column."""

    title: str
    columns: list[str]
    rows: list[Row]
    totals: list[Cell] = field(default_factory=list)
    slug: str = ""

    def __post_init__(self):
        if not self.totals:
            self.totals = [Cell(sum(row.cells[i].value for row in self.rows)) for i in range(len(self.columns))]

    @property
    def has_hidden(self) -> bool:
        return any(cell.hidden for row in self.rows for cell in row.cells) or any(c.hidden for c in self.totals)


def table_from_counts(
    *, title: str, columns: list[str], counts: dict, labels: dict, slug: str = "", totals: list[int] | None = None
) -> Table:
    """Return a Table of `counts` ({key: [count per column]}), one row per label in `labels` order, then the rest.

    Keys without a label (an unexpected value) keep their raw value as label; rows with nothing in any column are
    left out, unless their label is listed (a known answer counted zero times still says something).
    """
    width = len(columns)
    rows = [Row(str(label), [Cell(v) for v in counts.get(key, [0] * width)], key) for key, label in labels.items()]
    rows += [Row(str(key), [Cell(v) for v in values], key) for key, values in counts.items() if key not in labels]
    table = Table(title=title, columns=columns, rows=rows, slug=slug)
    if totals is not None:
        table.totals = [Cell(value) for value in totals]
    return table


def suppress(table: Table) -> Table:
    """Hide, in place, every cell under SMALL_NUMBER (not zeros) and a complementary cell where needed."""
    for index, total in enumerate(table.totals):
        hide_column([row.cells[index] for row in table.rows], total)
    return table


def suppress_counts(counts: dict[str, int]) -> dict[str, int | None]:
    """Return standalone counts (no total to subtract from) with 1 and 2 as None."""
    return {key: (None if 0 < value < SMALL_NUMBER else value) for key, value in counts.items()}


def share(part: int | None, whole: int | None) -> int | None:
    """Return `part` as a whole percentage of `whole`, or None when either is unknown or `whole` is 0."""
    if part is None or not whole:
        return None
    return round(100 * part / whole)


# Charts ----------------------------------------------------------------------------------------------------------

CHART_WIDTH = 320  # the viewBox width; the SVG scales to its container, so a 360 px phone shows it whole
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_WIDTH = 0  # labels are drawn above each bar, so long Khmer labels never squeeze the bars


@dataclass
class Bar:
    label: str
    value: int | None
    x: int
    y: int
    width: int
    label_y: int
    value_x: int


def bar_chart(table: Table, column: int = 0) -> dict:
    """Return the geometry of a horizontal bar chart of one column of `table` (hidden cells draw no bar)."""
    values = [row.cells[column].shown for row in table.rows]
    top = max((value for value in values if value), default=0)
    usable = CHART_WIDTH - 40
    bars = []
    y = 0
    for row, value in zip(table.rows, values, strict=True):
        width = round(usable * value / top) if value and top else 0
        label_y = y + 12
        bar_y = y + 16
        bars.append(Bar(label=row.label, value=value, x=0, y=bar_y, width=width, label_y=label_y, value_x=width + 4))
        y = bar_y + BAR_HEIGHT + BAR_GAP
    return {"bars": bars, "height": max(y, 1), "width": CHART_WIDTH, "bar_height": BAR_HEIGHT}


def line_chart(points: list[tuple[str, int]], *, ceiling: int | None = None) -> dict:
    """Return the geometry of a cumulative line (registrations over time) with an optional capacity line."""
    width, height, pad = CHART_WIDTH, 160, 24
    top = max([value for _label, value in points] + [ceiling or 0, 1])
    count = len(points)

    def x(i):
        return pad + (round((width - 2 * pad) * i / (count - 1)) if count > 1 else 0)

    def y(value):
        return height - pad - round((height - 2 * pad) * value / top)

    coordinates = " ".join(f"{x(i)},{y(value)}" for i, (_label, value) in enumerate(points))
    return {
        "width": width,
        "height": height,
        "points": coordinates,
        "ceiling_y": y(ceiling) if ceiling else None,
        "left": pad,
        "right": width - pad,
        "bottom": height - pad,
        "first": points[0][0] if points else "",
        "last": points[-1][0] if points else "",
        "top": top,
    }
