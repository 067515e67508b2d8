"""Credit's API, one module per resource: commitments, complaints, assessments and their
objections, grades and lending, enforcement (inspections, violations, rectification orders),
exit proposals, and what the public reads. ``credit/urls.py`` registers each module's views."""
