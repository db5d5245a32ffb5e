from django import template
from django.utils.translation import gettext as _

from reports.figures import bar_chart as bar_chart_geometry
from reports.figures import line_chart as line_chart_geometry

register = template.Library()


@register.filter
def figure(value):
    """Show a count; None is a small number hidden from this reader."""
    return _("fewer than 3") if value is None else value


@register.filter
def percent(value):
    return "\u2013" if value is None else f"{value}%"


@register.inclusion_tag("reports/_table.html")
def figure_table(table, caption_id=""):
    return {"table": table, "caption_id": caption_id}


@register.inclusion_tag("reports/_bar_chart.html")
def bar_chart(table, column=0):
    return {"table": table, "chart": bar_chart_geometry(table, column), "column": table.columns[column]}


@register.inclusion_tag("reports/_line_chart.html")
def line_chart(points, ceiling=None, title=""):
    return {"chart": line_chart_geometry(points, ceiling=ceiling), "title": title, "ceiling": ceiling}
