{{ returns_versioned_rows('advisers', ['adviser_name', 'role', 'active_from', 'active_to']) }}
