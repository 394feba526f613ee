"""The static-site front door: lessons as pages that work opened from disk or any web host.

:func:`export_site` writes them; each widget's ES module and pictures come from the widget
packages (:mod:`convscope.widgets`), its states from the same builders the server uses.
"""

from __future__ import annotations

from .site import ExportSummary, export_site

__all__ = ["ExportSummary", "export_site"]
