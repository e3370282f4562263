"""Loaders: one module per source format, each with detect(raw) → read(raw) → normalise(table).
Validation and the all-or-nothing write are shared (loaders.pipeline). A module may also have
near_miss(raw) → message, naming what is missing when a file almost has its layout."""
from loaders import delivery, ssb_csv, ssb_csv_long, ssb_jsonstat, ssb_xlsx

# Detection order: most specific layouts first.
FORMATS = [delivery, ssb_jsonstat, ssb_xlsx, ssb_csv, ssb_csv_long]
from loaders import nav_hl060, nav_long, udir_csv  # noqa: E402  NAV and Udir formats
FORMATS += [nav_hl060, nav_long, udir_csv]
