"""Security acceptance tests: hostile input, third-party requests, CSP, database outage."""
