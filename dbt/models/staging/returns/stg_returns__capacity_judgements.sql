{{ returns_versioned_rows('capacity_judgements', ['urn', 'capacity_to_improve', 'main_concern', 'rationale', 'judged_on', 'adviser']) }}
