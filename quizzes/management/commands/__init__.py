"""Commands: import_questions, export_questions and their GIFT aliases."""
