"""What people use: the command line (cli), text/JSON/CSV/SVG output (render), reports across states
(reports), the map's categories (category), links to the page (links), the decision log, and the web
API and page (web/).

The top layer: may import any layer below; nothing imports it but the package's facades
(`scopecheck/__init__.py`, `__main__.py`).
"""
