"""Commands: import_gift, export_gift."""
