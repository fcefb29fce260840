"""Resolution types, one module each (see `registry`)."""
