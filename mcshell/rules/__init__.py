"""Statement + catalog -> Result: validation, privileges and the handlers. Never prints."""
