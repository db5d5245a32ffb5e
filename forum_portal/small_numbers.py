"""The small-number rule for figures shown to readers who may not see exact numbers (the public, programme officers).

A count of one or two people could name them: it is shown as "fewer than 3". Where a total is shown, a single
hidden cell could be worked out by subtracting the others from it, so one more cell is hidden (complementary
suppression). Zeros name nobody and stay shown.
"""

from dataclasses import dataclass

SMALL_NUMBER = 3


@dataclass
class Cell:
    value: int
    hidden: bool = False

    @property
    def shown(self) -> int | None:
        return None if self.hidden else self.value


def is_small(value: int) -> bool:
    return 0 < value < SMALL_NUMBER


def hide_column(cells: list[Cell], total: Cell) -> None:
    """Hide the small cells of one column and, where one hidden cell could be worked out, one more."""
    if is_small(total.value):
        total.hidden = True
        for cell in cells:
            cell.hidden = cell.value > 0
        return
    small = [cell for cell in cells if is_small(cell.value)]
    for cell in small:
        cell.hidden = True
    if len(small) == 1:
        # Complementary suppression: with the total shown, a single hidden cell is the total minus the others.
        others = sorted((cell for cell in cells if cell.value > 0 and not cell.hidden), key=lambda cell: cell.value)
        if others:
            others[0].hidden = True
        else:
            total.hidden = True


def share_shown(part: int, whole: int) -> int | None:
    """Return `part` as a percentage of `whole`, or None when it would reveal a small number (either side)."""
    if not whole or is_small(part) or is_small(whole - part):
        return None
    return round(100 * part / whole)
