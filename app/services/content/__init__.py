"""Course content kept as Markdown files: parse, validate, render, sync to the database, export."""
