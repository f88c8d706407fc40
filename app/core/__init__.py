"""Cross-cutting services every domain uses: the audit log, mail, time, streamed ZIPs."""
