"""Labels of points on the rows of a timeline, placed where they overlap no other label at any figure size.

Each label starts just right of its point, above the row, else left of it (where it would leave the figure or
meet a label placed before it). Where both are taken, it moves to the next free lane: below the row, then a line
higher above it, a line lower below it. The placement is made whenever the figure is laid out or measured, so the
slide, the SVG and the narrower phone rendition each get their own.
"""
from __future__ import annotations

from matplotlib.text import Annotation, Text

LANES = 6   # above, below, a line higher above, a line lower below, ...


class _Label(Annotation):
    def __init__(self, group: "RowLabels", *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._group = group

    def update_positions(self, renderer):
        self._group.place(renderer)
        super().update_positions(renderer)


class RowLabels:
    """`join` (in x's units, e.g. a Timedelta): a point this close after another labelled point of its row adds its
    text to that label ("A · B") rather than taking a lane of its own, which could sit nearer the next row than
    its own and be read as that row's."""

    def __init__(self, ax, dx: float = 9, dy: float = 7, pad: float = 2, join=None):
        self.ax, self.dx, self.dy, self.pad = ax, dx, dy, pad   # offsets and the gap between lanes, in points
        self.join = join
        self.labels: list[_Label] = []
        self._busy = False

    def add(self, text: str, x, row: float, **kwargs) -> Annotation:
        if self.join is not None:
            for label in self.labels:
                lx, lrow = label.xy
                if lrow == row and lx <= x and x - lx <= self.join:
                    label.set_text(f"{label.get_text()} · {text}")
                    return label
        label = _Label(self, text, (x, row), xytext=(self.dx, self.dy), textcoords="offset points", va="bottom",
                       annotation_clip=False, **kwargs)
        self.ax._add_text(label)
        self.labels.append(label)
        return label

    def _anchor(self, label):
        x, y = label.xy
        return self.ax.transData.transform((self.ax.convert_xunits(x), self.ax.convert_yunits(y)))

    def place(self, renderer) -> None:
        if self._busy or renderer is None:
            return
        self._busy = True
        try:
            scale = renderer.points_to_pixels(1.0)
            anchors = {id(a): self._anchor(a) for a in self.labels}
            placed: list[tuple[float, float, float, float]] = []
            right_edge = self.ax.figure.bbox.x1 - 2 * scale
            for label in sorted(self.labels, key=lambda a: (-anchors[id(a)][1], anchors[id(a)][0])):
                px, py = anchors[id(label)]
                box = Text.get_window_extent(label, renderer)
                w, h = box.width, box.height
                choices = []
                for lane in range(LANES):
                    up, step = lane % 2 == 0, lane // 2
                    lift = self.dy * scale + step * (h + self.pad * scale)
                    y0 = py + lift if up else py - lift - h
                    # Right of the point, else (where it would leave the figure or meet a label) left of it.
                    for side in (1, -1):
                        x0 = px + self.dx * scale if side > 0 else px - self.dx * scale - w
                        rect = (x0, y0, x0 + w, y0 + h)
                        clash = sum(_overlap(rect, other) for other in placed)
                        clash += max(0.0, rect[2] - right_edge) * h
                        choices.append((clash > 0, lane, clash, rect, up, lift / scale, side))
                        if clash == 0:
                            break
                    if choices[-1][2] == 0:
                        break
                free = [c for c in choices if not c[0]]
                _, lane, _, rect, up, lift, side = free[0] if free else min(choices, key=lambda c: (c[2], c[1]))
                label.xyann = (float(self.dx * side), float(lift if up else -lift))
                label.set_verticalalignment("bottom" if up else "top")
                label.set_horizontalalignment("left" if side > 0 else "right")
                placed.append(rect)
        finally:
            self._busy = False


def _overlap(a, b) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0
