"""Reading the store for the views: queries (SQL), views (shaping frames), facts (Min kommune),
format (sentences and captions), charts and maps (figures). Indicator definitions are
vocabulary: vocab.indicators."""
