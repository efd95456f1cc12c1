{#- The rows of a dated rule seed in force on a date of each spine row: the version effective on `on_date` (the most
    recently effective when several overlap), joined to the spine's `keys`. One definition for every rule seed with
    rule_version / effective_from / effective_to (entitlement, day allocation, visit lengths, daily rates). -#}
{% macro rules_in_force(spine, rules, keys, on_date='judged_to') %}
    select
        {%- for key in keys %}
        {{ spine }}.{{ key }},
        {%- endfor %}
        {{ rules }}.*
    from {{ spine }}
    inner join {{ rules }}
        on {{ rules }}.effective_from <= {{ spine }}.{{ on_date }}
        and ({{ rules }}.effective_to is null or {{ rules }}.effective_to > {{ spine }}.{{ on_date }})
    qualify {{ rules }}.rule_version = first_value({{ rules }}.rule_version) over (
        partition by {% for key in keys %}{{ spine }}.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
        order by {{ rules }}.effective_from desc, {{ rules }}.rule_version desc
    )
{% endmacro %}
