"""The Flet screens. They call services and show results or errors; no business rules here."""
