"""The columns that identify one stored figure, and the rows loaders hand to the pipeline."""
from __future__ import annotations

# One figure in the store: which indicator, where, when, for whom.
KEY = ["indicator", "region_code", "period", "age", "sex", "category"]

# What every loader's normalise() returns, one row per published cell. `region` is the code as
# published (harmonised to region_code later); `row`/`sheet` say where in the file it was read.
NORMALISED = ["indicator", "region", "region_name", "level", "period", "age", "sex", "category",
              "value", "numerator", "denominator", "status", "note", "row", "sheet"]

# The delivery template (loaders/delivery.py reads it, data/demo.py writes the demo files in it).
TEMPLATE = ["indikator", "kommunenr", "periode", "alder", "kjonn", "kategori", "antall", "nevner",
            "status"]

# What a read of the store returns per region and period (indicators.queries).
SERIES = ["region_code", "region_name", "level", "period", "value", "numerator",
          "denominator", "status", "note", "computed"]
