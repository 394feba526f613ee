"""Front doors that need no server: static lesson sites and bundled widget modules.

:func:`export_site` writes lessons as pages that work opened from disk; :func:`bundle_module`
gives a widget's ES module with its imports inlined, the form both the export and the Jupyter
widgets load.
"""

from __future__ import annotations

from .bundle import bundle_file, bundle_module
from .site import ExportSummary, export_site

__all__ = ["ExportSummary", "bundle_file", "bundle_module", "export_site"]
