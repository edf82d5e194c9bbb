"""Charts for the dashboard, built with plotly and rendered to HTML fragments that load plotly.js from the
dashboard itself (`/static/plotly.min.js`, served from the installed plotly package): no CDN, no internet."""

from __future__ import annotations

import html
from typing import Any

import plotly.graph_objects as go

from ..classify.reference import cofog_codes


def _html(figure: go.Figure, title: str) -> str:
    figure.update_layout(margin={"l": 8, "r": 8, "t": 8, "b": 8}, font={"family": "system-ui, sans-serif", "size": 14})
    body = figure.to_html(full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True})
    return (f'<figure class="chart">{body}<figcaption>{html.escape(title)} '
            '<span class="muted">(a chart: the same figures are in the tables on this page)</span></figcaption></figure>')


def treemap(cells: list[dict[str, Any]], title: str) -> str:
    """COFOG division → body, sized by pounds (net), from the count's cells."""
    labels, parents, values, ids = [], [], [], []
    by_division: dict[str, int] = {}
    for c in cells:
        if c["pence"] > 0:
            by_division[c["cofog"] or "none"] = by_division.get(c["cofog"] or "none", 0) + c["pence"]
    codes = cofog_codes()
    for division, pence in by_division.items():
        ids.append(division)
        labels.append(f"{division} {codes[division].plain_label}" if division in codes else "no function given")
        parents.append("")
        values.append(pence / 100)
    for c in cells:
        if c["pence"] > 0:
            ids.append(c["cell"])
            labels.append(c["body_name"])
            parents.append(c["cofog"] or "none")
            values.append(c["pence"] / 100)
    figure = go.Figure(go.Treemap(ids=ids, labels=labels, parents=parents, values=values, branchvalues="total",
                                  hovertemplate="%{label}<br>£%{value:,.0f}<extra></extra>"))
    figure.update_layout(height=480)
    return _html(figure, title)


def per_head_bars(rows: list[dict[str, Any]], title: str) -> str:
    figure = go.Figure(go.Bar(x=[r["place"] for r in rows], y=[(r["per_head_pence"] or 0) / 100 for r in rows],
                              hovertemplate="%{x}: £%{y:,.0f} a head<extra></extra>"))
    figure.update_layout(height=320, yaxis_title="£ per head")
    return _html(figure, title)


def sankey(flows: dict[str, Any], title: str) -> str:
    index = {n["body_id"]: i for i, n in enumerate(flows["nodes"])}
    links = flows["links"]
    figure = go.Figure(go.Sankey(
        node={"label": [n["name"] or n["body_id"] for n in flows["nodes"]], "pad": 12},
        link={"source": [index[r["payer_id"]] for r in links], "target": [index[r["payee_id"]] for r in links],
              "value": [max(r["pence"], 0) / 100 for r in links],
              "hovertemplate": "%{source.label} → %{target.label}: £%{value:,.0f}<extra></extra>"}))
    figure.update_layout(height=max(360, 24 * len(flows["nodes"])))
    return _html(figure, title)


def estate_map(assets: list[dict[str, Any]], boundary: Any, wards: list[Any], clusters: set[str], title: str,
               tiles: bool = False) -> str:
    """Assets by body with the place's boundary and wards drawn from GeoJSON: on longitude/latitude axes (no tiles,
    works offline), or, when asked, over OpenStreetMap's tiles (which the browser fetches: online only)."""
    if tiles:
        return _tiled_map(assets, boundary, wards, clusters, title)
    figure = go.Figure()
    for ward in wards:
        for ring in ward.rings:
            figure.add_trace(go.Scatter(x=[p[0] for p in ring], y=[p[1] for p in ring], mode="lines",
                                        line={"width": 0.6, "color": "#9aa5b1"}, hoverinfo="skip", showlegend=False))
    if boundary is not None:
        for ring in boundary.rings:
            figure.add_trace(go.Scatter(x=[p[0] for p in ring], y=[p[1] for p in ring], mode="lines",
                                        line={"width": 2, "color": "#1d2731"}, name=f"boundary {boundary.area_name}"))
    by_body: dict[str, list[dict[str, Any]]] = {}
    for a in assets:
        if a["lat"] is not None and a["lon"] is not None:
            by_body.setdefault(a["body_name"] or a["body_id"] or "unknown", []).append(a)
    for name, rows in sorted(by_body.items()):
        figure.add_trace(go.Scatter(
            x=[a["lon"] for a in rows], y=[a["lat"] for a in rows], mode="markers", name=name,
            marker={"size": [12 if f"{a['source_id']}:{a['row']}" in clusters else 7 for a in rows],
                    "line": {"width": [2 if f"{a['source_id']}:{a['row']}" in clusters else 0 for a in rows], "color": "#000"}},
            text=[a["name"] or a["address"] or "" for a in rows], hovertemplate="%{text}<extra>" + name.replace("<", "&lt;") + "</extra>"))
    figure.update_layout(height=560, xaxis={"title": "longitude"}, yaxis={"title": "latitude", "scaleanchor": "x", "scaleratio": 1.6})
    return _html(figure, title)


def _tiled_map(assets: list[dict[str, Any]], boundary: Any, wards: list[Any], clusters: set[str], title: str) -> str:
    figure = go.Figure()
    for area, width, colour in [(w, 0.6, "#4a5763") for w in wards] + ([(boundary, 2.0, "#1d2731")] if boundary else []):
        for ring in area.rings:
            figure.add_trace(go.Scattermap(lon=[p[0] for p in ring], lat=[p[1] for p in ring], mode="lines",
                                           line={"width": width, "color": colour}, hoverinfo="skip", showlegend=False))
    located = [a for a in assets if a["lat"] is not None and a["lon"] is not None]
    by_body: dict[str, list[dict[str, Any]]] = {}
    for a in located:
        by_body.setdefault(a["body_name"] or a["body_id"] or "unknown", []).append(a)
    for name, rows in sorted(by_body.items()):
        figure.add_trace(go.Scattermap(
            lon=[a["lon"] for a in rows], lat=[a["lat"] for a in rows], mode="markers", name=name,
            marker={"size": [14 if f"{a['source_id']}:{a['row']}" in clusters else 8 for a in rows]},
            text=[a["name"] or a["address"] or "" for a in rows], hovertemplate="%{text}<extra></extra>"))
    if located:
        lats, lons = [a["lat"] for a in located], [a["lon"] for a in located]
        centre = {"lat": (min(lats) + max(lats)) / 2, "lon": (min(lons) + max(lons)) / 2}
    else:
        centre = {"lat": 54.0, "lon": -2.0}
    figure.update_layout(height=560, map={"style": "open-street-map", "center": centre, "zoom": 11 if located else 5})
    return _html(figure, title + " (map tiles © OpenStreetMap contributors)")
