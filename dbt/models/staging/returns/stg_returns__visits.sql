{{ returns_versioned_rows('visits', ['visit_date', 'urn', 'adviser', 'visit_type', 'days', 'outcome_summary']) }}
