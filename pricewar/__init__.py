"""Shared code for the China LLM price-war report.

Modules, one job each:
- paths:    where the data, figures and build cache live (works from the repo root or notebooks/)
- schema:   validates data/*.csv against data/datapackage.json (Frictionless Table Schema)
- data:     loads tables (recording which files a notebook read) and converts prices to CNY per 1M tokens
- style:    the look of every chart, vendor colours, CJK font, saving figures for slides
- prose:    turns numbers into sentences for the notebooks' generated text
- verdicts: the claim-by-claim verdict logic
- chapter:  what a notebook publishes besides charts (findings, verdicts, source lists)
- engine/:  the report engine behind build.py
"""
