"""Long work in the background: the queue (huey), job records, progress, results, job pages."""
