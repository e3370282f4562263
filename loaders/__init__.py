"""Loaders: one module per source format, each with detect(raw) → read(raw) → normalise(table).
Validation and the all-or-nothing write are shared (loaders.pipeline)."""
from loaders import delivery, ssb_csv

# Detection order: most specific layouts first.
FORMATS = [delivery, ssb_csv]
