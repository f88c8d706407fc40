"""Course content: reading Markdown files, validating, rendering, publishing immutable versions."""
