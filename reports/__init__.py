"""Evidence out: dashboards, post-forum and series reports, anonymised exports (read-only, top layer)."""
