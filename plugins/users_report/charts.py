"""The charts' geometry: where each bar, cell and label of an inline SVG goes. The templates
(templates/charts.html) only draw what these return. Drawn on the server, no script and no
download: the page works behind a firewall and inside the UI's sandboxed iframes."""

import math

from .data import OTHER, TASK_IDS, cell_label

WIDTH = 520
ROW_HEIGHT = 22
LABEL_WIDTH = 150
NUMBER_WIDTH = 56
COLUMNS_HEIGHT = 240
COLUMNS_LEFT = 44
COLUMNS_BOTTOM = 56
COLUMNS_TOP = 18
GRID_LEFT = 40
GRID_TOP = 8
GRID_BOTTOM = 26
GRID_CELL_WIDTH = 38
GRID_CELL_HEIGHT = 32
TREND_WIDTH = 760
SERIES_COLORS = {
    "produced": "#4c78a8",
    "found": "#54a24b",
    "rejected": "#e45756",
    "fetch_users": "#4c78a8",
    "submit_spark": "#f58518",
    "verify_cassandra": "#54a24b",
}


def nice_ticks(largest: float, count: int = 4) -> list[float]:
    """Round axis values from 0 to at least largest: 0, 50, 100, 150 and the like."""
    if largest <= 0:
        return [0, 1]
    raw = largest / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(factor * magnitude for factor in (1, 2, 2.5, 5, 10) if factor * magnitude >= raw)
    return [round(step * index, 6) for index in range(math.ceil(largest / step) + 1)]


def rows(bars: list[dict]) -> dict:
    """Horizontal bars, one row per value, the count at the bar's end."""
    largest = max((bar["count"] for bar in bars), default=0) or 1
    room = WIDTH - LABEL_WIDTH - NUMBER_WIDTH
    placed = []
    for index, bar in enumerate(bars):
        length = max(1.0, bar["count"] / largest * room)
        placed.append({
            **bar,
            "x": LABEL_WIDTH,
            "y": index * ROW_HEIGHT + 3,
            "width": round(length, 1),
            "height": ROW_HEIGHT - 6,
            "text_y": index * ROW_HEIGHT + ROW_HEIGHT / 2 + 4,
        })
    return {"width": WIDTH, "height": max(len(bars), 1) * ROW_HEIGHT + 4, "bars": placed}


def _columns_frame(width: int, largest: float):
    """The axes of a column chart, and the function from a value to its y."""
    ticks = nice_ticks(largest)
    plot_height = COLUMNS_HEIGHT - COLUMNS_TOP - COLUMNS_BOTTOM
    top = ticks[-1] or 1

    def y_of(value: float) -> float:
        return round(COLUMNS_TOP + plot_height - value / top * plot_height, 1)

    return {
        "width": width,
        "height": COLUMNS_HEIGHT,
        "left": COLUMNS_LEFT,
        "right": width - 8,
        "baseline": y_of(0),
        "ticks": [{"value": tick, "label": f"{tick:g}", "y": y_of(tick)} for tick in ticks],
    }, y_of


def columns(bars: list[dict]) -> dict:
    """Vertical bars in the given order (a histogram's bins, the years), the count on top."""
    frame, y_of = _columns_frame(WIDTH, max((bar["count"] for bar in bars), default=0))
    slot = (frame["right"] - frame["left"]) / max(len(bars), 1)
    placed = []
    for index, bar in enumerate(bars):
        top = y_of(bar["count"])
        placed.append({
            **bar,
            "x": round(frame["left"] + index * slot + slot * 0.1, 1),
            "y": top,
            "width": round(slot * 0.8, 1),
            "height": round(frame["baseline"] - top, 1),
            "center": round(frame["left"] + (index + 0.5) * slot, 1),
        })
    return {**frame, "bars": placed, "slanted": len(bars) > 8}


def grid(bars: list[dict], cell_degrees: int) -> dict:
    """A heat map of latitude × longitude cells, south-west corner keys "lat,lon"; the cells that
    the task folded into "other" (or that are off the grid) are listed under it."""
    lats = list(range(90 - cell_degrees, -91, -cell_degrees))
    lons = list(range(-180, 180, cell_degrees))
    counts, outside = {}, []
    for bar in bars:
        try:
            lat, lon = (int(part) for part in bar["key"].split(","))
        except ValueError:
            lat = lon = None
        if lat in lats and lon in lons:
            counts[(lat, lon)] = bar
        else:
            outside.append(bar)
    largest = max((bar["count"] for bar in counts.values()), default=0) or 1
    cells = []
    for row, lat in enumerate(lats):
        for column, lon in enumerate(lons):
            bar = counts.get((lat, lon))
            count = bar["count"] if bar else 0
            key = f"{lat},{lon}"
            cells.append({
                "key": key,
                "label": cell_label(key, cell_degrees),
                "count": count,
                "x": GRID_LEFT + column * GRID_CELL_WIDTH,
                "y": GRID_TOP + row * GRID_CELL_HEIGHT,
                "opacity": round(0.15 + 0.85 * count / largest, 2) if count else 0,
            })
    return {
        "width": GRID_LEFT + len(lons) * GRID_CELL_WIDTH + 16,
        "height": GRID_TOP + len(lats) * GRID_CELL_HEIGHT + GRID_BOTTOM,
        "left": GRID_LEFT,
        "cell_width": GRID_CELL_WIDTH,
        "cell_height": GRID_CELL_HEIGHT,
        "cells": cells,
        # Each row's upper edge, from the north pole down to the south pole.
        "lat_labels": [
            {"label": f"{lat + cell_degrees}°", "y": GRID_TOP + row * GRID_CELL_HEIGHT}
            for row, lat in enumerate([*lats, -90 - cell_degrees])
        ],
        "lon_labels": [
            {"label": f"{lon}°", "x": GRID_LEFT + column * GRID_CELL_WIDTH}
            for column, lon in enumerate([*lons, 180]) if column % 2 == 0
        ],
        "largest": largest,
        "outside": [bar for bar in outside if bar["key"] == OTHER] + [bar for bar in outside if bar["key"] != OTHER],
    }


def _run_label(report: dict) -> str:
    moment = report["run_after"] or ""
    return f"{moment[5:10]} {moment[11:16]}" if len(moment) >= 16 else report["run_id"][:11]


def trend_users(reports: list[dict]) -> dict:
    """Users per run, oldest first: produced, found and rejected (at fetch plus by the job) side by side."""
    runs = []
    for report in reversed(reports):
        totals = report["totals"]
        rejected = [totals["rejected_fetch"], totals["rejected_job"]]
        runs.append({
            "run_id": report["run_id"],
            "label": _run_label(report),
            "values": {
                "produced": totals["produced"],
                "found": totals["found"],
                "rejected": None if rejected == [None, None] else sum(value or 0 for value in rejected),
            },
        })
    # A few rejects next to hundreds of users make a bar too short to see: they carry their number.
    return _grouped(runs, ["produced", "found", "rejected"], stacked=False, numbered=("rejected",))


def trend_durations(reports: list[dict]) -> dict:
    """Each task's duration per run, oldest first, stacked: the column is the run's task time."""
    runs = [
        {
            "run_id": report["run_id"],
            "label": _run_label(report),
            "values": {task["task_id"]: task["duration_seconds"] for task in report["tasks"]},
        }
        for report in reversed(reports)
    ]
    return _grouped(runs, list(TASK_IDS), stacked=True)


def _grouped(runs: list[dict], series: list[str], stacked: bool, numbered: tuple[str, ...] = ()) -> dict:
    def height_of(run):
        values = [run["values"][name] or 0 for name in series]
        return sum(values) if stacked else max(values, default=0)

    frame, y_of = _columns_frame(TREND_WIDTH, max((height_of(run) for run in runs), default=0))
    slot = (frame["right"] - frame["left"]) / max(len(runs), 1)
    bar_width = slot * 0.8 if stacked else slot * 0.8 / len(series)
    placed = []
    for index, run in enumerate(runs):
        left = frame["left"] + index * slot + slot * 0.1
        stacked_below = 0.0
        for position, name in enumerate(series):
            value = run["values"][name]
            if value is None:
                continue
            bottom = stacked_below if stacked else 0.0
            top_y, bottom_y = y_of(bottom + value), y_of(bottom)
            placed.append({
                "run_id": run["run_id"],
                "series": name,
                "value": value,
                "color": SERIES_COLORS[name],
                "x": round(left if stacked else left + position * bar_width, 1),
                "y": top_y,
                "width": round(bar_width, 1),
                "height": round(bottom_y - top_y, 1),
                "numbered": name in numbered and value > 0,
            })
            stacked_below += value if stacked else 0
    labels = [
        {"label": run["label"], "center": round(frame["left"] + (index + 0.5) * slot, 1)}
        for index, run in enumerate(runs)
    ]
    legend = [{"series": name, "color": SERIES_COLORS[name]} for name in series]
    return {**frame, "bars": placed, "labels": labels, "legend": legend, "slanted": True}
