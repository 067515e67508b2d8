"""IP and brands (the Tongzhou and Haimen seed programmes): collective trademark licences shown on
the member's public page, design-patent pre-review requests tracked against 15 working days,
and trademark-infringement reports handled by staff."""
