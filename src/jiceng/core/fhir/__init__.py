"""HL7 FHIR R4 (4.0.1) building blocks shared by every domain's ``fhir.py``."""
