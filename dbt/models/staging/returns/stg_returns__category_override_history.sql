{{ returns_versioned_rows('category_overrides', ['urn', 'support_category', 'rationale', 'approved_by', 'decided_on'], in_force_only=false) }}
