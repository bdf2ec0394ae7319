"""The report engine behind build.py: validate, execute (cached, in parallel), render, publish atomically."""
