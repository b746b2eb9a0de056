"""Tables, engine and sessions, migrations. Imports nothing from journey/ or streamlit."""
