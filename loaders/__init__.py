"""Loaders: one module per source format, each with detect(raw) → read(raw) → normalise(table)
(the protocol loaders.base.Format), then one pipeline for every format:
detect (loaders.detect) → validate (loaders.validate) → harmonise (loaders.harmonise) →
load (loaders.pipeline, writing through loaders.store, all or nothing)."""
