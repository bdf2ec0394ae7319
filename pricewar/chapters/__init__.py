"""One module per chapter: the analysis behind its charts and the verdict rules for its claims."""
