"""The shared vocabulary every package speaks: statuses, key columns, periods, region codes,
Norwegian number and text formatting, indicator definitions and settings.

It is the bottom of the import graph: every other package may import it, and it imports none of
them (tests/test_architecture.py checks). Pure Python: no Streamlit, no database, no pandas."""
