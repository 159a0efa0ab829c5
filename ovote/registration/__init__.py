"""The overseas register: applications, eligibility checks, documents, verification."""
