"""``msp-office export``: the office's current records for the council's other systems,
as FHIR R4 Bundles or CSV (docs/office-export.md)."""
