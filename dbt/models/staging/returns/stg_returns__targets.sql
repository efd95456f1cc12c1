{{ returns_versioned_rows('targets', ['urn', 'academic_year', 'measure_code', 'target_value', 'set_on', 'set_by']) }}
