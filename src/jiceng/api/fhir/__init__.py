"""The /fhir HTTP interface: routing only; mapping lives in each domain's fhir.py."""
