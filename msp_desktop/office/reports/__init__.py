"""The national figures (Safeguarding Adults Collection) from the office's records.

``figures`` counts a financial year and writes the CSV; ``suppression`` decides
which small numbers the PDF must hide; ``pdf`` draws the PDF (reportlab, imported
only when a PDF is asked for).
"""
