"""Importing units from the spreadsheets regulators really have (docs/units.md).

reader.py finds the header row and reads cells (xlsx, csv in UTF-8 or GB18030); columns.py
knows the column names in Chinese and English; rows.py turns one row into unit data or
errors; run.py checks a whole file (the dry run) and commits it, all or nothing.
"""
