"""Streamlit glue shared by app.py and app_pages/: cached data access (ui.data), the view state
kept in the session and the URL (ui.state), and the common page parts (ui.parts)."""
