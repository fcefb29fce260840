"""Read-only queries behind the pages: each a small function with a fixed number of SQL queries."""
