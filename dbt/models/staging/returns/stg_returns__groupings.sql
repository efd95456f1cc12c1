{{ returns_versioned_rows('groupings', ['urn', 'district', 'cluster', 'partnership', 'network', 'link_adviser', 'effective_from']) }}
